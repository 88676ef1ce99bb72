/** Why the session ended, kept in memory for the sign-in page to say so once. */
export type SignOutReason = "idle" | "absolute" | "elsewhere" | "expired";

let pending: SignOutReason | null = null;

export function setSignOutReason(reason: SignOutReason | null): void {
  pending = reason;
}

/** The reason, once (the next sign-in page shows nothing). */
export function takeSignOutReason(): SignOutReason | null {
  const reason = pending;
  pending = null;
  return reason;
}
