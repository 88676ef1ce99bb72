import { describe, expect, it, vi } from "vitest";
import { ApiClient, ApiError, CSRF_HEADER, CSRF_VALUE, errorMessage } from "./client";

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const expired = () => json(401, { status: "error", error: { code: "AUTH_002", message: "Access token expired" } });
const ok = (data: unknown, meta: object = {}) => json(200, { status: "success", data, meta, timestamp: "t" });

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
