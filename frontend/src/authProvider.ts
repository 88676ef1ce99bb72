/**
 * Sign-in as staff do it: password, then (when the account has MFA) an authenticator or
 * backup code. Staff whose account has no MFA yet are signed in with the customer set only
 * (the API withholds staff permissions from a session without MFA), so the sign-in page leads
 * them through enrolment and a second sign-in with MFA (`MfaEnrolmentRequired`).
 * The access token stays in the ApiClient's memory; the refresh token is the API's HttpOnly
 * cookie, so a reloaded page signs back in through one refresh, unless the session passed the
 * idle limit meanwhile (then it is revoked instead). Sign-out revokes the session at the API.
 */
import type { AuthProvider, UserIdentity } from "react-admin";
import { ApiClient, ApiError, type TokenPair, api } from "./api/client";
import { NO_PERMISSIONS, type Permissions } from "./permissions";
import { type ActivityTracker, activity } from "./session/activity";
import { idleExpired } from "./session/policy";
import { setSignOutReason } from "./session/signOutReason";

/** Thrown by the password step when a second factor is needed; the login page asks for it. */
export class MfaRequired extends Error {
  readonly mfaToken: string;

  constructor(mfaToken: string) {
    super("Enter the code from your authenticator app, or a backup code");
    this.name = "MfaRequired";
    this.mfaToken = mfaToken;
  }
}

/**
 * Thrown after a password sign-in whose session holds staff permissions only after MFA, on an
 * account without MFA: the sign-in page runs enrolment with this (limited) session, then signs
 * in again with a code.
 */
export class MfaEnrolmentRequired extends Error {
  readonly login: string;
  readonly withheld: string[];

  constructor(login: string, withheld: string[]) {
    super("Your staff permissions need two-factor authentication: set it up to continue");
    this.name = "MfaEnrolmentRequired";
    this.login = login;
    this.withheld = withheld;
  }
}

export type LoginParams = { username: string; password: string } | { mfaToken: string; code: string };

type SignIn = TokenPair | { mfa_required: true; mfa_token: string };

interface Me {
  id: string;
  username: string;
  full_name: string;
  email: string;
  roles: string[];
}

/** This browser's device id (not a secret: it names the device in the user's session list). */
export const DEVICE_ID_KEY = "elcorp.device_id";
export const DEVICE_NAME = "Staff dashboard (web browser)";

export function deviceId(storage: Storage = localStorage): string {
  let id = storage.getItem(DEVICE_ID_KEY);
  if (!id) {
    id = crypto.randomUUID();
    storage.setItem(DEVICE_ID_KEY, id);
  }
  return id;
}

function loginBody(username: string, password: string): Record<string, string> {
  const device = { device_id: deviceId(), device_name: DEVICE_NAME };
  return username.includes("@") ? { email: username, password, ...device } : { username, password, ...device };
}

interface GrantedPermissions extends Partial<Permissions> {
  mfa?: boolean;
}

export function createAuthProvider(client: ApiClient = api, tracker: ActivityTracker = activity): AuthProvider {
  let permissions: Promise<Permissions> | null = null;
  let identity: Promise<Me> | null = null;
  const forget = () => {
    permissions = null;
    identity = null;
  };

  async function fetchPermissions(): Promise<Permissions> {
    try {
      const granted = await client.data<GrantedPermissions>("/me/permissions");
      return {
        roles: granted.roles ?? [],
        permissions: granted.permissions ?? [],
        withheld: granted.withheld ?? [],
        scopes: granted.scopes ?? {},
      };
    } catch (error) {
      if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 405)) throw error;
      const me = await client.data<Me>("/me"); // an API without /me/permissions: roles only
      return { ...NO_PERMISSIONS, roles: me.roles ?? [] };
    }
  }

  /** Staff permissions the API withholds from this session until it signs in with MFA. */
  async function withheldUntilMfa(): Promise<string[]> {
    try {
      const granted = await client.data<GrantedPermissions>("/me/permissions");
      return granted.mfa === false ? (granted.withheld ?? []) : [];
    } catch {
      return []; // an API without /me/permissions: nothing to enrol for here
    }
  }

  return {
    async login(params: LoginParams) {
      forget();
      const result =
        "mfaToken" in params
          ? await client.data<SignIn>("/auth/mfa/verify", {
              method: "POST",
              body: { mfa_token: params.mfaToken, code: params.code.replace(/\s+/g, "") },
              session: true,
              anonymous: true,
            })
          : await client.data<SignIn>("/auth/login", {
              method: "POST",
              body: loginBody(params.username.trim(), params.password),
              session: true,
              anonymous: true,
            });
      if ("mfa_required" in result) throw new MfaRequired(result.mfa_token);
      client.setTokens(result);
      tracker.record(true);
      if ("username" in params) {
        const withheld = await withheldUntilMfa();
        if (withheld.length > 0) throw new MfaEnrolmentRequired(params.username.trim(), withheld);
      }
    },

    async logout() {
      forget();
      const wasSignedIn = client.token !== null;
      await client.signOut(); // revokes the session (refresh family) and clears the cookie
      tracker.forget();
      if (wasSignedIn) tracker.announceSignOut();
    },

    async checkAuth() {
      if (client.token) return;
      if (idleExpired(tracker.stored(), Date.now())) {
        // The browser was left (closed, asleep) past the idle limit: end that session at the
        // API rather than resume it from the cookie. (The stale time is forgotten only after,
        // so a concurrent check takes the same path rather than resuming.)
        if (await client.refresh()) {
          await client.signOut();
          setSignOutReason("idle");
        }
        tracker.forget();
        throw new Error("Please sign in");
      }
      if (!(await client.refresh())) throw new Error("Please sign in");
    },

    async checkError(error: { status?: number }) {
      // The client already refreshed once; a 401 that reaches here means the session is over.
      if (error?.status === 401) {
        client.setToken(null);
        forget();
        setSignOutReason("expired");
        throw new Error("Your session has ended; please sign in again");
      }
    },

    getPermissions() {
      permissions ??= fetchPermissions().catch((error: unknown) => {
        permissions = null;
        throw error;
      });
      return permissions;
    },

    async getIdentity(): Promise<UserIdentity> {
      identity ??= client.data<Me>("/me");
      const me = await identity.catch((error: unknown) => {
        identity = null;
        throw error;
      });
      return { id: me.id, fullName: me.full_name || me.username, email: me.email, username: me.username };
    },
  };
}

export const authProvider = createAuthProvider();
