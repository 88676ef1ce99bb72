/**
 * User activity, shared by every tab of the dashboard through localStorage (a timestamp, not a
 * secret): working in one tab keeps the others signed in, because signing one tab out ends the
 * session they all share. A sign-out is announced the same way, so every tab leaves at once.
 */

export const ACTIVITY_KEY = "elcorp.session.last_activity";
export const SIGNED_OUT_KEY = "elcorp.session.signed_out";
/** Storage is written at most this often while the user is active (reads are per tick). */
export const ACTIVITY_WRITE_INTERVAL_MS = 5_000;
export const ACTIVITY_EVENTS = ["pointerdown", "keydown", "wheel", "touchstart", "mousemove"] as const;

function defaultStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled: activity then counts in this tab only
  }
}

export class ActivityTracker {
  private last: number;
  private written = 0;
  private paused = false;

  constructor(
    private readonly storage: Storage | null = defaultStorage(),
    private readonly now: () => number = () => Date.now(),
  ) {
    this.last = this.now();
  }

  /** The latest activity in this tab or any other. */
  lastActivity(): number {
    return Math.max(this.last, this.stored() ?? 0);
  }

  /** The latest activity any tab stored (null before the first sign-in in this browser). */
  stored(): number | null {
    const value = Number(this.storage?.getItem(ACTIVITY_KEY));
    return Number.isFinite(value) && value > 0 ? value : null;
  }

  /** While the idle warning is shown, only an explicit choice ("Stay signed in") counts. */
  pause(paused: boolean): void {
    this.paused = paused;
  }

  /** Count user activity now; `explicit` for a deliberate choice (sign-in, "Stay signed in"). */
  record(explicit = false): void {
    if (this.paused && !explicit) return;
    const now = this.now();
    this.last = now;
    if (explicit || now - this.written >= ACTIVITY_WRITE_INTERVAL_MS) {
      this.written = now;
      try {
        this.storage?.setItem(ACTIVITY_KEY, String(now));
      } catch {
        // A full or disabled storage only loses the cross-tab share.
      }
    }
  }

  /** Forget the shared activity (after a sign-out: the next sign-in starts afresh). */
  forget(): void {
    try {
      this.storage?.removeItem(ACTIVITY_KEY);
    } catch {
      // as below
    }
  }

  /** Tell the other tabs this session was signed out. */
  announceSignOut(): void {
    try {
      this.storage?.setItem(SIGNED_OUT_KEY, String(this.now()));
    } catch {
      // as above
    }
  }

  /** Listen for user activity on `target`; answers the function that stops listening. */
  listen(target: Pick<Window, "addEventListener" | "removeEventListener"> = window): () => void {
    const onActivity = () => this.record();
    for (const name of ACTIVITY_EVENTS) target.addEventListener(name, onActivity, { passive: true });
    return () => {
      for (const name of ACTIVITY_EVENTS) target.removeEventListener(name, onActivity);
    };
  }
}

/** Call `onSignedOut` when another tab announces a sign-out; answers the unsubscribe function. */
export function onSignOutElsewhere(onSignedOut: () => void, target: Window = window): () => void {
  const listener = (event: StorageEvent) => {
    if (event.key === SIGNED_OUT_KEY && event.newValue) onSignedOut();
  };
  target.addEventListener("storage", listener);
  return () => target.removeEventListener("storage", listener);
}

/** The dashboard's one tracker. */
export const activity = new ActivityTracker();
