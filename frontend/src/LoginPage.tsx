import { Alert, Box, Button, Card, CardContent, Stack, TextField, Typography } from "@mui/material";
import { type FormEvent, useState } from "react";
import { useLogin } from "react-admin";
import { errorMessage } from "./api/client";
import { MfaRequired } from "./authProvider";

const TEXT = {
  title: "Elcorp staff sign-in",
  login: "Email or username",
  password: "Password",
  signIn: "Sign in",
  code: "Authenticator or backup code",
  codeHelp: "The six digits from your authenticator app, or one of your backup codes",
  verify: "Verify",
  back: "Start again",
};

/** Password first; when the account has MFA, an authenticator or backup code next. */
export function LoginPage() {
  const login = useLogin();
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await login(
        mfaToken
          ? { mfaToken, code: String(form.get("code") ?? "") }
          : { username: String(form.get("login") ?? ""), password: String(form.get("password") ?? "") },
      );
    } catch (failure) {
      if (failure instanceof MfaRequired) {
        setMfaToken(failure.mfaToken);
      } else {
        setError(errorMessage(failure));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Box component="main" sx={{ minHeight: "100vh", display: "grid", placeItems: "center", bgcolor: "grey.100" }}>
      <Card sx={{ width: 380 }}>
        <CardContent>
          <Typography component="h1" variant="h5" gutterBottom>
            {TEXT.title}
          </Typography>
          <form onSubmit={submit} noValidate>
            <Stack spacing={2}>
              {mfaToken ? (
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
                {mfaToken ? TEXT.verify : TEXT.signIn}
              </Button>
              {mfaToken && (
                <Button onClick={() => setMfaToken(null)} disabled={busy}>
                  {TEXT.back}
                </Button>
              )}
            </Stack>
          </form>
        </CardContent>
      </Card>
    </Box>
  );
}
