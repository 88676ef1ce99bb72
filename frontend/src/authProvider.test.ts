import { describe, expect, it, vi } from "vitest";
import { ApiClient } from "./api/client";
import { DEVICE_ID_KEY, DEVICE_NAME, MfaRequired, createAuthProvider } from "./authProvider";

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}
const ok = (data: unknown) => json(200, { status: "success", data, meta: {}, timestamp: "t" });
const tokens = { access_token: "acc", token_type: "Bearer", expires_in: 900 };

function setup(answer: (path: string, init?: RequestInit) => Response) {
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) =>
    answer(new URL(String(input), "http://x").pathname.replace("/api/v1", ""), init),
  );
  const client = new ApiClient({ fetch });
  return { fetch, client, auth: createAuthProvider(client) };
}

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
    const bodies = fetch.mock.calls.map(([, init]) => JSON.parse(String(init?.body)));
    const device = localStorage.getItem(DEVICE_ID_KEY);
    expect(device).toMatch(/^[0-9a-f-]{36}$/);
    expect(bodies).toEqual([
      { email: "ndapewa@example.na", password: "pw", device_id: device, device_name: DEVICE_NAME },
      { mfa_token: "mfa-token-123", code: "492038" },
    ]);
    // The tokens never reach storage: only the (non-secret) device id is kept.
    expect(Object.keys(localStorage)).toEqual([DEVICE_ID_KEY]);
    expect(sessionStorage.length).toBe(0);
    expect(fetch.mock.calls.every(([, init]) => new Headers(init?.headers).get("X-Client") === "web")).toBe(true);
  });

  it("keeps one device id per browser across sign-ins", async () => {
    const { fetch, auth } = setup(() => ok(tokens));
    await auth.login({ username: "staff", password: "pw" });
    await auth.login({ username: "staff", password: "pw" });
    const [first, second] = fetch.mock.calls.map(([, init]) => JSON.parse(String(init?.body)) as { device_id: string; username: string });
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
    expect(new Headers(init?.headers).get("Authorization")).toBe("Bearer acc");
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
