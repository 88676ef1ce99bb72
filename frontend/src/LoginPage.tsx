import { Alert, Box, Button, Card, CardContent, Stack, TextField, Typography } from "@mui/material";
import { type FormEvent, useState } from "react";
import { useAuthProvider, useLogin } from "react-admin";
import { type ApiClient, api, errorMessage } from "./api/client";
import { MfaEnrolmentRequired, MfaRequired } from "./authProvider";
import { MfaEnrolment } from "./session/MfaEnrolment";
import { IDLE_TIMEOUT_MS } from "./session/policy";
import { type SignOutReason, takeSignOutReason } from "./session/signOutReason";

const TEXT = {
  title: "Elcorp staff sign-in",
  login: "Email or username",
  password: "Password",
  signIn: "Sign in",
  code: "Authenticator or backup code",
  codeHelp: "The six digits from your authenticator app, or one of your backup codes",
  verify: "Verify",
  back: "Start again",
  enrolled:
    "Two-factor authentication is on. Finish signing in with the next code your app shows (the code you just used works only once).",
  reasons: {
    idle: `You were signed out after ${IDLE_TIMEOUT_MS / 60_000} minutes without activity.`,
    absolute: "Your session reached its 7-day limit. Please sign in again.",
    elsewhere: "You signed out in another tab.",
    expired: "Your session has ended. Please sign in again.",
  } satisfies Record<SignOutReason, string>,
};

type Step = { kind: "password" } | { kind: "code"; mfaToken: string } | { kind: "enrol"; login: string };

/**
 * Password first; when the account has MFA, an authenticator or backup code next. Staff
 * without MFA are led through enrolment, then sign in again with a code.
 */
export function LoginPage({ client = api }: { client?: ApiClient }) {
  const login = useLogin();
  const authProvider = useAuthProvider();
  const [step, setStep] = useState<Step>({ kind: "password" });
  const [notice, setNotice] = useState<string | null>(() => {
    const reason = takeSignOutReason();
    return reason ? TEXT.reasons[reason] : null;
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function signIn(params: Parameters<typeof login>[0]) {
    setBusy(true);
    setError(null);
    try {
      await login(params);
    } catch (failure) {
      if (failure instanceof MfaRequired) {
        setStep({ kind: "code", mfaToken: failure.mfaToken });
      } else if (failure instanceof MfaEnrolmentRequired) {
        setNotice(null);
        setStep({ kind: "enrol", login: failure.login });
      } else {
        setError(errorMessage(failure));
      }
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void signIn(
      step.kind === "code"
        ? { mfaToken: step.mfaToken, code: String(form.get("code") ?? "") }
        : { username: String(form.get("login") ?? ""), password: String(form.get("password") ?? "") },
    );
  }

  /** End the limited session enrolment used; then (after enrolment) sign in again with MFA. */
  async function restart(again?: { login: string; password: string }) {
    setBusy(true);
    await authProvider?.logout({}).catch(() => undefined);
    setStep({ kind: "password" });
    setBusy(false);
    if (again) {
      setNotice(TEXT.enrolled);
      await signIn({ username: again.login, password: again.password });
    }
  }

  return (
    <Box component="main" sx={{ minHeight: "100vh", display: "grid", placeItems: "center", bgcolor: "grey.100" }}>
      <Card sx={{ width: step.kind === "enrol" ? 480 : 380 }}>
        <CardContent>
          <Typography component="h1" variant="h5" gutterBottom>
            {TEXT.title}
          </Typography>
          {notice && (
            <Alert severity="info" role="status" sx={{ mb: 2 }}>
              {notice}
            </Alert>
          )}
          {step.kind === "enrol" ? (
            <MfaEnrolment
              client={client}
              onEnabled={(password) => void restart({ login: step.login, password })}
              onCancel={() => void restart()}
            />
          ) : (
            <form onSubmit={submit} noValidate>
              <Stack spacing={2}>
                {step.kind === "code" ? (
                  <TextField
                    key="code"
                    name="code"
                    label={TEXT.code}
                    helperText={TEXT.codeHelp}
                    autoComplete="one-time-code"
                    inputMode="numeric"
                    autoFocus
                    required
                  />
                ) : (
                  <>
                    <TextField name="login" label={TEXT.login} autoComplete="username" autoFocus required />
                    <TextField name="password" label={TEXT.password} type="password" autoComplete="current-password" required />
                  </>
                )}
                {error && <Alert severity="error">{error}</Alert>}
                <Button type="submit" variant="contained" disabled={busy}>
                  {step.kind === "code" ? TEXT.verify : TEXT.signIn}
                </Button>
                {step.kind === "code" && (
                  <Button
                    onClick={() => {
                      setNotice(null);
                      setStep({ kind: "password" });
                    }}
                    disabled={busy}
                  >
                    {TEXT.back}
                  </Button>
                )}
              </Stack>
            </form>
          )}
        </CardContent>
      </Card>
    </Box>
  );
}
