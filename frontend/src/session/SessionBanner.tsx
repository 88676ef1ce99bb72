/**
 * Shows the session's end before it happens, and ends it: the idle warning (a modal
 * alertdialog with "Stay signed in"), the absolute-limit banner (role="status"), the sign-out
 * once either limit passes, and the sign-out another tab announced. Also says when staff
 * permissions are withheld because this session did not sign in with MFA.
 */
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from "@mui/material";
import { useCallback, useEffect, useRef, useState } from "react";
import { useLogout, usePermissions } from "react-admin";
import { type ApiClient, type SessionInfo, api } from "../api/client";
import type { Permissions } from "../permissions";
import { type ActivityTracker, activity, onSignOutElsewhere } from "./activity";
import { IDLE_TIMEOUT_MS, minutesLeft, sessionPhase } from "./policy";
import { type SignOutReason, setSignOutReason } from "./signOutReason";

const TEXT = {
  endsIn: (minutes: number) => `Your session ends in ${minutes} min`,
  idle: `For your security, the dashboard signs you out after ${IDLE_TIMEOUT_MS / 60_000} minutes without activity.`,
  stay: "Stay signed in",
  signOut: "Sign out now",
  absolute: "Sessions last at most 7 days from sign-in. Save your work; you will need to sign in again.",
  withheld: "Staff permissions are withheld from this session: it did not sign in with two-factor authentication.",
  enrol: "Sign in with two-factor authentication",
};

export interface SessionBannerProps {
  client?: ApiClient;
  tracker?: ActivityTracker;
  /** How often the countdown is re-evaluated. */
  tickMs?: number;
  now?: () => number;
}

export function SessionBanner({ client = api, tracker = activity, tickMs = 1_000, now = Date.now }: SessionBannerProps) {
  const logout = useLogout();
  const { permissions } = usePermissions<Permissions>();
  const [session, setSession] = useState<SessionInfo>(client.session);
  const [time, setTime] = useState(now);
  const ending = useRef(false);

  useEffect(() => client.subscribe(setSession), [client]);
  useEffect(() => tracker.listen(), [tracker]);
  useEffect(() => {
    const timer = setInterval(() => setTime(now()), tickMs);
    return () => clearInterval(timer);
  }, [tickMs, now]);

  const end = useCallback(
    (reason: SignOutReason | null) => {
      if (ending.current) return;
      ending.current = true;
      setSignOutReason(reason);
      void logout();
    },
    [logout],
  );

  useEffect(
    () =>
      onSignOutElsewhere(() => {
        client.setToken(null); // the other tab already revoked the session
        end("elsewhere");
      }),
    [client, end],
  );

  const phase = session.signedIn
    ? sessionPhase({ now: time, lastActivity: tracker.lastActivity(), expiresAt: session.expiresAt?.getTime() ?? null })
    : ({ kind: "active" } as const);

  const endedBy = phase.kind === "ended" ? phase.reason : null;
  const warning = phase.kind === "idle-warning";
  useEffect(() => tracker.pause(warning), [tracker, warning]);
  useEffect(() => {
    if (endedBy) end(endedBy);
  }, [endedBy, end]);

  const stay = () => {
    tracker.record(true);
    setTime(now());
  };

  const withheld = (permissions?.withheld?.length ?? 0) > 0;

  return (
    <>
      {phase.kind === "absolute-warning" && (
        <Alert severity="warning" role="status" sx={{ mb: 1 }}>
          <strong>{TEXT.endsIn(minutesLeft(phase.endsAt, time))}.</strong> {TEXT.absolute}
        </Alert>
      )}
      {withheld && (
        <Alert
          severity="info"
          sx={{ mb: 1 }}
          action={
            <Button color="inherit" size="small" onClick={() => end(null)}>
              {TEXT.enrol}
            </Button>
          }
        >
          {TEXT.withheld}
        </Alert>
      )}
      <Dialog
        open={phase.kind === "idle-warning"}
        onClose={stay}
        aria-labelledby="session-idle-title"
        aria-describedby="session-idle-text"
        slotProps={{ paper: { role: "alertdialog" } }}
      >
        <DialogTitle id="session-idle-title">
          {phase.kind === "idle-warning" ? TEXT.endsIn(minutesLeft(phase.endsAt, time)) : ""}
        </DialogTitle>
        <DialogContent>
          <DialogContentText id="session-idle-text">{TEXT.idle}</DialogContentText>
        </DialogContent>
        <DialogActions>
          <Box sx={{ flexGrow: 1 }} />
          <Button onClick={() => end(null)}>{TEXT.signOut}</Button>
          <Button variant="contained" onClick={stay} autoFocus>
            {TEXT.stay}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
