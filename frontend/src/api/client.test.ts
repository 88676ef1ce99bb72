import { describe, expect, it, vi } from "vitest";
import { ApiClient, ApiError, CSRF_HEADER, CSRF_VALUE, REFRESH_LOCK, type RefreshLocks, errorMessage } from "./client";
import { json, ok } from "../test/api";

const expired = () => json(401, { status: "error", error: { code: "AUTH_002", message: "Access token expired" } });

describe("ApiClient", () => {
  it("unwraps the envelope and sends the bearer token from memory", async () => {
    const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => ok({ id: "u1" }, { has_more: false }));
    const client = new ApiClient({ fetch });
    client.setToken("access-1");
    const envelope = await client.request<{ id: string }>("/me", { query: { q: "x", empty: "", none: null } });
    expect(envelope.data).toEqual({ id: "u1" });
    expect(envelope.meta).toEqual({ has_more: false });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe("/api/v1/me?q=x");
    expect(new Headers(init?.headers).get("Authorization")).toBe("Bearer access-1");
    expect(localStorage.length + sessionStorage.length).toBe(0);
  });

  it("raises the API's error as an ApiError with code, message and details", async () => {
    const details = [{ field: "amount", message: "must be positive" }];
    const fetch = vi.fn(async () =>
      json(422, { status: "validation_error", error: { code: "VAL_001", message: "Invalid input", details } }),
    );
    const client = new ApiClient({ fetch });
    const failure = await client.request("/transfers", { method: "POST", body: {} }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 422, code: "VAL_001", message: "Invalid input", details });
    expect(errorMessage(failure)).toBe("Invalid input (amount: must be positive)");
  });

  it("refreshes once for two concurrent 401 AUTH_002 and retries both", async () => {
    let refreshes = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      const auth = new Headers(init?.headers).get("Authorization");
      if (String(url).endsWith("/auth/refresh")) {
        refreshes += 1;
        expect(init?.credentials).toBe("include");
        expect(new Headers(init?.headers).get(CSRF_HEADER)).toBe(CSRF_VALUE);
        expect(auth).toBeNull();
        await gate;
        return ok({ access_token: "fresh", token_type: "Bearer", expires_in: 900 });
      }
      return auth === "Bearer fresh" ? ok({ path: String(url) }) : expired();
    });
    const client = new ApiClient({ fetch });
    client.setToken("stale");
    const first = client.data<{ path: string }>("/wallets");
    const second = client.data<{ path: string }>("/transactions");
    await vi.waitFor(() => expect(refreshes).toBe(1));
    release();
    expect(await first).toEqual({ path: "/api/v1/wallets" });
    expect(await second).toEqual({ path: "/api/v1/transactions" });
    expect(refreshes).toBe(1);
    expect(client.token).toBe("fresh");
  });

  it("signs out when the refresh is refused and surfaces the original error", async () => {
    const fetch = vi.fn(async (url: RequestInfo | URL) =>
      String(url).endsWith("/auth/refresh")
        ? json(401, { status: "error", error: { code: "AUTH_007", message: "Refresh token reused" } })
        : expired(),
    );
    const client = new ApiClient({ fetch });
    const signedOut = vi.fn();
    client.onSignedOut = signedOut;
    client.setToken("stale");
    await expect(client.data("/me")).rejects.toMatchObject({ code: "AUTH_002" });
    expect(signedOut).toHaveBeenCalledOnce();
    expect(client.token).toBeNull();
  });

  it("does not refresh for other 401s", async () => {
    const fetch = vi.fn(async () => json(401, { status: "error", error: { code: "AUTH_001", message: "Bad credentials" } }));
    const client = new ApiClient({ fetch });
    await expect(client.data("/auth/login", { method: "POST", body: {}, session: true })).rejects.toMatchObject({
      code: "AUTH_001",
    });
    expect(fetch).toHaveBeenCalledOnce();
  });

  it("answers null data for 204", async () => {
    const client = new ApiClient({ fetch: vi.fn(async () => new Response(null, { status: 204 })) });
    expect(await client.data("/policies/x", { method: "DELETE" })).toBeNull();
  });
});

/** navigator.locks as the browser gives it: one holder per name at a time, in request order. */
function fakeLocks(): RefreshLocks & { names: string[] } {
  const tails = new Map<string, Promise<unknown>>();
  const names: string[] = [];
  return {
    names,
    request<T>(name: string, callback: () => Promise<T>): Promise<T> {
      names.push(name);
      const previous = tails.get(name) ?? Promise.resolve();
      const run = previous.then(callback, callback);
      tails.set(name, run.catch(() => undefined));
      return run;
    },
  };
}

/**
 * The API's refresh as two tabs see it: one cookie jar shared by the tabs; each refresh spends
 * the cookie it was sent and sets a new one; a spent cookie coming back revokes the family.
 */
function sharedCookieServer() {
  const jar = { cookie: "rt-1" };
  const spent = new Set<string>();
  let revoked = false;
  let serial = 1;
  const sent: string[] = [];
  const tab = () =>
    vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      if (!String(url).endsWith("/auth/refresh")) {
        return new Headers(init?.headers).get("Authorization")?.startsWith("Bearer at-") ? ok({}) : expired();
      }
      const cookie = jar.cookie; // what the browser attaches when the request leaves
      sent.push(cookie);
      await new Promise((resolve) => setTimeout(resolve, 5)); // the network
      if (revoked || spent.has(cookie)) {
        revoked = true;
        return json(401, { status: "error", error: { code: "AUTH_007", message: "Refresh token reused" } });
      }
      spent.add(cookie);
      serial += 1;
      jar.cookie = `rt-${serial}`; // Set-Cookie, stored before fetch resolves
      return ok({ access_token: `at-${serial}`, token_type: "Bearer", expires_in: 900 });
    });
  return { jar, sent, tab, isRevoked: () => revoked };
}

describe("refresh across tabs", () => {
  it("serialises two tabs' refreshes with the Web Lock, so neither sends a spent cookie", async () => {
    const server = sharedCookieServer();
    const locks = fakeLocks();
    const first = new ApiClient({ fetch: server.tab(), locks });
    const second = new ApiClient({ fetch: server.tab(), locks });
    first.setToken("stale");
    second.setToken("stale");
    await Promise.all([first.data("/wallets"), second.data("/transactions")]);
    expect(server.sent).toEqual(["rt-1", "rt-2"]); // the second tab sent the rotated cookie
    expect(server.isRevoked()).toBe(false);
    expect(first.token).toBe("at-2");
    expect(second.token).toBe("at-3");
    expect(locks.names).toEqual([REFRESH_LOCK, REFRESH_LOCK]);
  });

  it("without the lock the same race sends one cookie twice and loses the session (why the lock exists)", async () => {
    const server = sharedCookieServer();
    const first = new ApiClient({ fetch: server.tab(), locks: null });
    const second = new ApiClient({ fetch: server.tab(), locks: null });
    const results = await Promise.all([first.refresh(), second.refresh()]);
    expect(server.sent).toEqual(["rt-1", "rt-1"]);
    expect(results).toContain(false);
    expect(server.isRevoked()).toBe(true);
  });

  it("a tab that loads while another refreshes waits, then uses the new cookie", async () => {
    const server = sharedCookieServer();
    const locks = fakeLocks();
    const busy = new ApiClient({ fetch: server.tab(), locks });
    const loadingFetch = server.tab();
    const loading = new ApiClient({ fetch: loadingFetch, locks });
    const running = busy.refresh();
    const restored = loading.refresh(); // the new tab's session restore on load
    await new Promise((resolve) => setTimeout(resolve, 1)); // the first refresh is on the wire
    expect(server.sent).toEqual(["rt-1"]); // the loading tab waits for the lock
    expect(await running).toBe(true);
    expect(await restored).toBe(true);
    expect(server.sent).toEqual(["rt-1", "rt-2"]);
    expect(loadingFetch).toHaveBeenCalledOnce();
  });

  it("takes one lock per tab for concurrent requests in that tab", async () => {
    const server = sharedCookieServer();
    const locks = fakeLocks();
    const client = new ApiClient({ fetch: server.tab(), locks });
    client.setToken("stale");
    await Promise.all([client.data("/a"), client.data("/b"), client.data("/c")]);
    expect(locks.names).toEqual([REFRESH_LOCK]);
    expect(server.sent).toEqual(["rt-1"]);
  });

  it("uses navigator.locks when the browser has it", async () => {
    const locks = fakeLocks();
    Object.defineProperty(navigator, "locks", { value: locks, configurable: true });
    try {
      const client = new ApiClient({ fetch: vi.fn(async () => ok({ access_token: "a", token_type: "Bearer", expires_in: 900 })) });
      expect(await client.refresh()).toBe(true);
      expect(locks.names).toEqual([REFRESH_LOCK]);
    } finally {
      Reflect.deleteProperty(navigator, "locks");
    }
  });
});

describe("session state", () => {
  it("keeps the session's absolute end and tells subscribers about changes", async () => {
    const fetch = vi.fn(async () =>
      ok({ access_token: "a", token_type: "Bearer", expires_in: 900, session_expires_at: "2026-12-15T08:00:00Z" }),
    );
    const client = new ApiClient({ fetch, locks: null });
    const seen: Array<{ signedIn: boolean; expiresAt: string | null }> = [];
    const stop = client.subscribe((s) => seen.push({ signedIn: s.signedIn, expiresAt: s.expiresAt?.toISOString() ?? null }));
    await client.refresh();
    client.setToken(null);
    stop();
    client.setToken("ignored");
    expect(seen).toEqual([
      { signedIn: true, expiresAt: "2026-12-15T08:00:00.000Z" },
      { signedIn: false, expiresAt: null },
    ]);
  });

  it("signOut posts /auth/logout with the cookie and the CSRF header, then forgets the token", async () => {
    const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => ok({ logged_out: true, all_devices: false }));
    const client = new ApiClient({ fetch, locks: null });
    client.setToken("acc");
    await client.signOut();
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe("/api/v1/auth/logout");
    expect(init?.method).toBe("POST");
    expect(init?.credentials).toBe("include");
    expect(new Headers(init?.headers).get(CSRF_HEADER)).toBe(CSRF_VALUE);
    expect(new Headers(init?.headers).get("Authorization")).toBe("Bearer acc");
    expect(client.token).toBeNull();
  });

  it("signOut without a session sends nothing", async () => {
    const fetch = vi.fn();
    const client = new ApiClient({ fetch, locks: null });
    await client.signOut();
    expect(fetch).not.toHaveBeenCalled();
  });
});
