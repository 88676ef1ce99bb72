/**
 * When a browser session ends, and when the dashboard warns about it (docs/SECURITY.md
 * "Browser sessions"):
 *
 * - idle: IDLE_TIMEOUT_MS without user activity in any tab of the dashboard signs the session
 *   out (revoking it at the API); a dialog warns IDLE_WARNING_MS before, with "Stay signed in";
 * - absolute: the API ends every session REFRESH_TOKEN_TTL_SECONDS (7 days) after its sign-in
 *   (`session_expires_at`), whatever the activity; a banner warns ABSOLUTE_WARNING_MS before.
 *
 * Pure functions of the clock, so tests drive them with any `now`.
 */

export const IDLE_TIMEOUT_MS = 15 * 60_000;
export const IDLE_WARNING_MS = 2 * 60_000;
export const ABSOLUTE_WARNING_MS = 15 * 60_000;

export type EndReason = "idle" | "absolute";

export type SessionPhase =
  | { kind: "active" }
  | { kind: "idle-warning"; endsAt: number }
  | { kind: "absolute-warning"; endsAt: number }
  | { kind: "ended"; reason: EndReason };

export interface PhaseInput {
  now: number;
  /** The last user activity in any tab (ms since the epoch). */
  lastActivity: number;
  /** The session's absolute end (ms since the epoch), when the API named it. */
  expiresAt: number | null;
}

export function sessionPhase({ now, lastActivity, expiresAt }: PhaseInput): SessionPhase {
  const idleEnd = lastActivity + IDLE_TIMEOUT_MS;
  const absoluteEnd = expiresAt ?? Number.POSITIVE_INFINITY;
  if (now >= absoluteEnd) return { kind: "ended", reason: "absolute" };
  if (now >= idleEnd) return { kind: "ended", reason: "idle" };
  // Staying signed in cannot help when the absolute end comes first: warn about that one.
  if (idleEnd - now <= IDLE_WARNING_MS && idleEnd < absoluteEnd) return { kind: "idle-warning", endsAt: idleEnd };
  if (absoluteEnd - now <= ABSOLUTE_WARNING_MS) return { kind: "absolute-warning", endsAt: absoluteEnd };
  return { kind: "active" };
}

/** Whole minutes left, rounded up ("ends in 1 min" until the very end). */
export function minutesLeft(endsAt: number, now: number): number {
  return Math.max(1, Math.ceil((endsAt - now) / 60_000));
}

/** Whether a session last active at `lastActivity` has passed the idle limit. */
export function idleExpired(lastActivity: number | null, now: number): boolean {
  return lastActivity !== null && now - lastActivity >= IDLE_TIMEOUT_MS;
}
