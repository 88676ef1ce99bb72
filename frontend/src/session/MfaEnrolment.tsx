/**
 * Guided MFA enrolment for staff whose account has no second factor yet (the API withholds
 * staff permissions from such a session). With the limited session the password sign-in gave:
 * POST /auth/mfa/setup (QR code and secret), then POST /auth/mfa/enable with a first code and
 * the password (the API asks for it again), then the backup codes, shown once. The caller
 * then signs in again with MFA so the session gets its full permissions.
 *
 * The QR code is the API's SVG shown as an <img> from a data: URL (the dashboard's CSP allows
 * `img-src 'self' data:`): an image cannot run script, and no SVG markup enters the DOM.
 */
import {
  Alert,
  Box,
  Button,
  Checkbox,
  CircularProgress,
  FormControlLabel,
  Stack,
  TextField,
  Typography,
} from "@mui/material";
import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { type ApiClient, api, errorMessage } from "../api/client";

export const TEXT = {
  heading: "Set up two-factor authentication",
  intro:
    "Staff accounts need two-factor authentication. Scan the QR code with an authenticator app (or type the key), then enter the code it shows.",
  qrAlt: "QR code to add your Elcorp account to an authenticator app",
  secret: "Key for manual entry",
  code: "Code from your authenticator app",
  codeHelp: "The six digits the app shows now",
  password: "Your password",
  passwordHelp: "Asked again to confirm the change",
  enable: "Turn on two-factor authentication",
  loading: "Preparing your QR code",
  retry: "Try again",
  cancel: "Cancel and sign out",
  codesHeading: "Store your backup codes",
  codesIntro:
    "Each code signs you in once if you lose your authenticator. They are shown only now: download or copy them and keep them somewhere safe, away from this device.",
  codesList: "Backup codes",
  download: "Download codes",
  copy: "Copy codes",
  copied: "Codes copied",
  stored: "I have stored these codes",
  continue: "Continue to sign in with two-factor authentication",
};

interface Setup {
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
}

/** The SVG as a data: URL for an <img> (percent-encoded: any character is safe). */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** The secret in groups of four, as authenticator apps show it. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}

export interface MfaEnrolmentProps {
  client?: ApiClient;
  /** Enrolment finished and the codes acknowledged: sign in again (with this password). */
  onEnabled: (password: string) => void;
  onCancel: () => void;
}

export function MfaEnrolment({ client = api, onEnabled, onCancel }: MfaEnrolmentProps) {
  const [setup, setSetup] = useState<Setup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [stored, setStored] = useState(false);
  const [copied, setCopied] = useState(false);
  const password = useRef("");
  const codesHeading = useRef<HTMLHeadingElement>(null);

  // Each setup call replaces the pending secret: only the latest answer may be shown, and the
  // call is made once per mount (StrictMode runs effects twice in development).
  const latest = useRef(0);
  const started = useRef(false);

  const start = useCallback(() => {
    const call = ++latest.current;
    client
      .data<Setup>("/auth/mfa/setup", { method: "POST", body: {} })
      .then((answer) => call === latest.current && setSetup(answer))
      .catch((failure: unknown) => call === latest.current && setError(errorMessage(failure)));
  }, [client]);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    start();
  }, [start]);

  useEffect(() => {
    if (codes) codesHeading.current?.focus();
  }, [codes]);

  async function enable(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const typed = String(form.get("password") ?? "");
    setBusy(true);
    setError(null);
    try {
      const answer = await client.data<{ backup_codes: string[] }>("/auth/mfa/enable", {
        method: "POST",
        body: { code: String(form.get("code") ?? "").replace(/\s+/g, ""), password: typed },
      });
      password.current = typed;
      setCodes(answer.backup_codes);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  function download() {
    const blob = new Blob([`Elcorp backup codes\n\n${codes?.join("\n") ?? ""}\n`], { type: "text/plain" });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = "elcorp-backup-codes.txt";
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(codes?.join("\n") ?? "");
      setCopied(true);
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  function proceed() {
    const typed = password.current;
    password.current = "";
    onEnabled(typed);
  }

  if (codes) {
    return (
      <Stack spacing={2}>
        <Typography component="h2" variant="h6" ref={codesHeading} tabIndex={-1}>
          {TEXT.codesHeading}
        </Typography>
        <Typography variant="body2">{TEXT.codesIntro}</Typography>
        <Box
          component="ul"
          aria-label={TEXT.codesList}
          sx={{ fontFamily: "monospace", fontSize: "1.05rem", columns: 2, m: 0, pl: 3 }}
        >
          {codes.map((code) => (
            <li key={code}>{code}</li>
          ))}
        </Box>
        <Stack direction="row" spacing={1}>
          <Button variant="outlined" onClick={download}>
            {TEXT.download}
          </Button>
          <Button variant="outlined" onClick={() => void copy()}>
            {TEXT.copy}
          </Button>
        </Stack>
        {copied && <Alert severity="success">{TEXT.copied}</Alert>}
        {error && <Alert severity="error">{error}</Alert>}
        <FormControlLabel
          control={<Checkbox checked={stored} onChange={(event) => setStored(event.target.checked)} />}
          label={TEXT.stored}
        />
        <Button variant="contained" disabled={!stored} onClick={proceed}>
          {TEXT.continue}
        </Button>
      </Stack>
    );
  }

  return (
    <Stack spacing={2}>
      <Typography component="h2" variant="h6">
        {TEXT.heading}
      </Typography>
      <Typography variant="body2">{TEXT.intro}</Typography>
      {setup ? (
        <>
          <Box component="img" src={svgDataUrl(setup.qr_svg)} alt={TEXT.qrAlt} sx={{ width: 200, height: 200, alignSelf: "center" }} />
          <TextField
            label={TEXT.secret}
            value={grouped(setup.secret)}
            slotProps={{ input: { readOnly: true, sx: { fontFamily: "monospace" } } }}
          />
          <form onSubmit={(event) => void enable(event)} noValidate>
            <Stack spacing={2}>
              <TextField
                name="code"
                label={TEXT.code}
                helperText={TEXT.codeHelp}
                autoComplete="one-time-code"
                inputMode="numeric"
                autoFocus
                required
              />
              <TextField
                name="password"
                label={TEXT.password}
                helperText={TEXT.passwordHelp}
                type="password"
                autoComplete="current-password"
                required
              />
              {error && <Alert severity="error">{error}</Alert>}
              <Button type="submit" variant="contained" disabled={busy}>
                {TEXT.enable}
              </Button>
            </Stack>
          </form>
        </>
      ) : error ? (
        <>
          <Alert severity="error">{error}</Alert>
          <Button
            onClick={() => {
              setError(null);
              start();
            }}
          >
            {TEXT.retry}
          </Button>
        </>
      ) : (
        <Box role="status" sx={{ display: "flex", alignItems: "center", gap: 1 }}>
          <CircularProgress size={20} aria-hidden />
          <Typography variant="body2">{TEXT.loading}</Typography>
        </Box>
      )}
      <Button onClick={onCancel} disabled={busy}>
        {TEXT.cancel}
      </Button>
    </Stack>
  );
}
