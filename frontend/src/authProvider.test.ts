import { describe, expect, it, vi } from "vitest";
import { ApiClient } from "./api/client";
import { DEVICE_ID_KEY, DEVICE_NAME, MfaEnrolmentRequired, MfaRequired, createAuthProvider } from "./authProvider";
import { ACTIVITY_KEY, ActivityTracker, SIGNED_OUT_KEY } from "./session/activity";
import { IDLE_TIMEOUT_MS } from "./session/policy";
import { takeSignOutReason } from "./session/signOutReason";
import { json, ok } from "./test/api";

const tokens = { access_token: "acc", token_type: "Bearer", expires_in: 900 };

function setup(answer: (path: string, init?: RequestInit) => Response) {
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) =>
    answer(new URL(String(input), "http://x").pathname.replace("/api/v1", ""), init),
  );
  const client = new ApiClient({ fetch, locks: null });
  const tracker = new ActivityTracker(localStorage);
  return { fetch, client, tracker, auth: createAuthProvider(client, tracker) };
}

const posts = (fetch: ReturnType<typeof setup>["fetch"]) =>
  fetch.mock.calls.filter(([, init]) => init?.method === "POST");

describe("authProvider", () => {
  it("asks for a second factor, then signs in with the code", async () => {
    const { fetch, client, auth } = setup((path) =>
      path === "/auth/login" ? ok({ mfa_required: true, mfa_token: "mfa-token-123" }) : ok(tokens),
    );
    const step = await auth.login({ username: "ndapewa@example.na", password: "pw" }).catch((e: unknown) => e);
    expect(step).toBeInstanceOf(MfaRequired);
    expect(client.token).toBeNull();
    await auth.login({ mfaToken: (step as MfaRequired).mfaToken, code: "492 038" });
    expect(client.token).toBe("acc");
    const bodies = posts(fetch).map(([, init]) => JSON.parse(String(init?.body)));
    const device = localStorage.getItem(DEVICE_ID_KEY);
    expect(device).toMatch(/^[0-9a-f-]{36}$/);
    expect(bodies).toEqual([
      { email: "ndapewa@example.na", password: "pw", device_id: device, device_name: DEVICE_NAME },
      { mfa_token: "mfa-token-123", code: "492038" },
    ]);
    // The tokens never reach storage: only the (non-secret) device id and activity time are kept.
    expect(new Set(Object.keys(localStorage))).toEqual(new Set([ACTIVITY_KEY, DEVICE_ID_KEY]));
    expect(sessionStorage.length).toBe(0);
    expect(fetch.mock.calls.every(([, init]) => new Headers(init?.headers).get("X-Client") === "web")).toBe(true);
  });

  it("keeps one device id per browser across sign-ins", async () => {
    const { fetch, auth } = setup(() => ok(tokens));
    await auth.login({ username: "staff", password: "pw" });
    await auth.login({ username: "staff", password: "pw" });
    const [first, second] = posts(fetch).map(([, init]) => JSON.parse(String(init?.body)) as { device_id: string; username: string });
    expect(first!.username).toBe("staff");
    expect(first!.device_id).toBe(second!.device_id);
  });

  it("signs out through the API and forgets the token", async () => {
    const { fetch, client, auth } = setup(() => ok({ logged_out: true, all_devices: false }));
    client.setToken("acc");
    await auth.logout({});
    expect(client.token).toBeNull();
    const [url, init] = fetch.mock.calls[0]!;
    expect(String(url)).toBe("/api/v1/auth/logout");
    expect(init?.method).toBe("POST");
    const headers = new Headers(init?.headers);
    expect(headers.get("Authorization")).toBe("Bearer acc");
    // The cookie goes along (the API revokes its token family and clears it) with the CSRF header.
    expect(init?.credentials).toBe("include");
    expect(headers.get("X-Requested-With")).toBe("elcorp-dashboard");
    expect(headers.get("X-Client")).toBe("web");
    // The other tabs of the dashboard are told.
    expect(localStorage.getItem(SIGNED_OUT_KEY)).not.toBeNull();
  });

  it("signs out even when the access token has expired: refresh first, then revoke", async () => {
    const calls: string[] = [];
    const { client, auth } = setup((path, init) => {
      const bearer = new Headers(init?.headers).get("Authorization");
      calls.push(`${path} ${bearer ?? "-"}`);
      if (path === "/auth/refresh") return ok({ ...tokens, access_token: "fresh" });
      if (bearer === "Bearer stale") return json(401, { status: "error", error: { code: "AUTH_002", message: "expired" } });
      return ok({ logged_out: true, all_devices: false });
    });
    client.setToken("stale");
    await auth.logout({});
    expect(calls).toEqual(["/auth/logout Bearer stale", "/auth/refresh -", "/auth/logout Bearer fresh"]);
    expect(client.token).toBeNull();
  });

  it("leads staff without MFA to enrolment: the session holds the customer set only", async () => {
    const limited = { roles: ["user"], permissions: ["wallet:read"], scopes: {}, withheld: ["payment:approve"], mfa: false };
    const { client, auth } = setup((path) => (path === "/me/permissions" ? ok(limited) : ok(tokens)));
    const step = await auth.login({ username: " finance.officer ", password: "pw" }).catch((e: unknown) => e);
    expect(step).toBeInstanceOf(MfaEnrolmentRequired);
    expect(step).toMatchObject({ login: "finance.officer", withheld: ["payment:approve"] });
    expect(client.token).toBe("acc"); // the limited session runs the enrolment calls
  });

  it("does not ask customers or MFA sessions to enrol", async () => {
    const customer = { roles: ["user"], permissions: ["wallet:read"], scopes: {}, withheld: [], mfa: false };
    const one = setup((path) => (path === "/me/permissions" ? ok(customer) : ok(tokens)));
    await expect(one.auth.login({ username: "customer", password: "pw" })).resolves.toBeUndefined();
    const staff = { roles: ["finance"], permissions: ["payment:approve"], scopes: {}, withheld: [], mfa: true };
    const two = setup((path) => (path === "/me/permissions" ? ok(staff) : ok(tokens)));
    await expect(two.auth.login({ mfaToken: "t", code: "123456" })).resolves.toBeUndefined();
    expect(two.fetch.mock.calls.map(([url]) => String(url))).toEqual(["/api/v1/auth/mfa/verify"]);
  });

  it("keeps the session's absolute end from the token answer", async () => {
    const { client, auth } = setup(() => ok({ ...tokens, session_expires_at: "2026-12-15T08:00:00Z" }));
    await auth.checkAuth({});
    expect(client.session.expiresAt?.toISOString()).toBe("2026-12-15T08:00:00.000Z");
  });

  it("revokes instead of resuming a session left idle past the limit", async () => {
    const { fetch, client, auth } = setup((path) =>
      path === "/auth/refresh" ? ok(tokens) : ok({ logged_out: true, all_devices: false }),
    );
    localStorage.setItem(ACTIVITY_KEY, String(Date.now() - IDLE_TIMEOUT_MS - 1_000));
    await expect(auth.checkAuth({})).rejects.toThrow("Please sign in");
    expect(fetch.mock.calls.map(([url]) => String(url))).toEqual(["/api/v1/auth/refresh", "/api/v1/auth/logout"]);
    expect(client.token).toBeNull();
    expect(takeSignOutReason()).toBe("idle");
    expect(localStorage.getItem(ACTIVITY_KEY)).toBeNull();
  });

  it("forgets the shared activity on sign-out, so the next visit is not called idle", async () => {
    const { client, auth } = setup(() => ok({ logged_out: true, all_devices: false }));
    client.setToken("acc");
    localStorage.setItem(ACTIVITY_KEY, "1");
    await auth.logout({});
    expect(localStorage.getItem(ACTIVITY_KEY)).toBeNull();
  });

  it("checkAuth restores a session from the refresh cookie, or refuses", async () => {
    const good = setup(() => ok(tokens));
    await expect(good.auth.checkAuth({})).resolves.toBeUndefined();
    expect(good.client.token).toBe("acc");
    const bad = setup(() => json(401, { status: "error", error: { code: "AUTH_003", message: "no session" } }));
    await expect(bad.auth.checkAuth({})).rejects.toThrow("Please sign in");
  });

  it("reads permissions from /me/permissions, falling back to /me roles", async () => {
    const granted = { roles: ["finance"], permissions: ["payment:approve"], scopes: {}, withheld: [] };
    const current = setup((path) => (path === "/me/permissions" ? ok(granted) : ok({})));
    expect(await current.auth.getPermissions!({})).toEqual({ roles: ["finance"], permissions: ["payment:approve"], withheld: [], scopes: {} });
    const older = setup((path) =>
      path === "/me/permissions"
        ? json(404, { status: "error", error: { code: "RES_001", message: "Not found" } })
        : ok({ id: "u", username: "u", full_name: "U", email: "u@x", roles: ["admin"] }),
    );
    expect(await older.auth.getPermissions!({})).toEqual({ roles: ["admin"], permissions: [], withheld: [], scopes: {} });
  });

  it("treats a 401 that survives the refresh as the end of the session, a 403 not", async () => {
    const { auth } = setup(() => ok({}));
    await expect(auth.checkError({ status: 403 })).resolves.toBeUndefined();
    await expect(auth.checkError({ status: 401 })).rejects.toThrow();
  });
});
