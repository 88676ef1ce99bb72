import { describe, expect, it, vi } from "vitest";
import { ApiClient } from "./api/client";
import { createDataProvider } from "./dataProvider";
import { json } from "./test/api";

function provider(answer: (url: URL, init?: RequestInit) => Response) {
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => answer(new URL(String(input), "http://x"), init));
  return { fetch, dataProvider: createDataProvider(new ApiClient({ fetch })) };
}

const page = (ids: string[], meta: object) =>
  json(200, { status: "success", data: ids.map((id) => ({ id })), meta, timestamp: "t" });

describe("dataProvider.getList", () => {
  it("walks pages by the cursor the previous page answered", async () => {
    const { fetch, dataProvider } = provider((url) => {
      const cursor = url.searchParams.get("cursor");
      if (!cursor) return page(["a", "b"], { has_more: true, next_cursor: "c2", limit: 2 });
      if (cursor === "c2") return page(["c", "d"], { has_more: true, next_cursor: "c3", limit: 2 });
      return page(["e"], { has_more: false, next_cursor: null, limit: 2 });
    });
    const params = { pagination: { page: 1, perPage: 2 }, sort: { field: "id", order: "ASC" as const }, filter: { q: "nd" } };
    const first = await dataProvider.getList("transactions", params);
    expect(first.data.map((r) => r.id)).toEqual(["a", "b"]);
    expect(first.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false });
    expect(first.total).toBeUndefined();

    const second = await dataProvider.getList("transactions", { ...params, pagination: { page: 2, perPage: 2 } });
    expect(second.data.map((r) => r.id)).toEqual(["c", "d"]);
    const third = await dataProvider.getList("transactions", { ...params, pagination: { page: 3, perPage: 2 } });
    // The last page knows the count (two full pages before it): "5-5 of 5", not "5-6 of 6".
    expect(third.total).toBe(5);
    expect(third.pageInfo).toBeUndefined();
    // Back to page 2: the cached cursor, not a re-walk.
    await dataProvider.getList("transactions", { ...params, pagination: { page: 2, perPage: 2 } });

    const urls = fetch.mock.calls.map(([input]) => new URL(String(input), "http://x"));
    expect(urls.map((u) => u.pathname)).toEqual(Array(4).fill("/api/v1/transactions"));
    expect(urls.map((u) => u.searchParams.get("cursor"))).toEqual([null, "c2", "c3", "c2"]);
    expect(urls.every((u) => u.searchParams.get("limit") === "2" && u.searchParams.get("q") === "nd")).toBe(true);
    expect(urls.some((u) => u.searchParams.has("sort") || u.searchParams.has("page"))).toBe(false);
  });

  it("keeps a separate cursor chain per filter", async () => {
    const { fetch, dataProvider } = provider((url) =>
      page(["x"], { has_more: true, next_cursor: `next-${url.searchParams.get("status")}` }),
    );
    const list = (status: string, p: number) =>
      dataProvider.getList("transactions", { pagination: { page: p, perPage: 10 }, sort: { field: "id", order: "ASC" }, filter: { status } });
    await list("completed", 1);
    await list("pending_approval", 1);
    await list("completed", 2);
    const last = new URL(String(fetch.mock.calls[2]![0]), "http://x");
    expect(last.searchParams.get("cursor")).toBe("next-completed");
  });

  it("uses meta.total when the list has one", async () => {
    const { dataProvider } = provider(() => page(["a"], { has_more: false, next_cursor: null, total: 41 }));
    const result = await dataProvider.getList("users", { pagination: { page: 1, perPage: 20 }, sort: { field: "id", order: "ASC" }, filter: {} });
    expect(result.total).toBe(41);
    expect(result.pageInfo).toBeUndefined();
  });

  it("reaches a page never opened by next by walking the cursors (keyset lists take no page number)", async () => {
    const { fetch, dataProvider } = provider((url) => {
      const at = Number(url.searchParams.get("cursor") ?? "1");
      return page([`p${at}`], { has_more: at < 4, next_cursor: at < 4 ? String(at + 1) : null });
    });
    const params = { sort: { field: "id", order: "ASC" as const }, filter: {} };
    const third = await dataProvider.getList("transactions", { ...params, pagination: { page: 3, perPage: 1 } });
    expect(third.data.map((r) => r.id)).toEqual(["p3"]);
    const urls = fetch.mock.calls.map(([input]) => new URL(String(input), "http://x"));
    expect(urls.map((u) => u.searchParams.get("cursor"))).toEqual([null, "2", "3"]);
    expect(urls.some((u) => u.searchParams.has("page"))).toBe(false);
    fetch.mockClear();
    await dataProvider.getList("transactions", { ...params, pagination: { page: 4, perPage: 1 } });
    expect(fetch).toHaveBeenCalledOnce(); // the walk was remembered
    const past = await dataProvider.getList("transactions", { ...params, pagination: { page: 9, perPage: 1 } });
    expect(past).toEqual({ data: [], pageInfo: { hasNextPage: false, hasPreviousPage: true } });
  });
});

describe("dataProvider records and errors", () => {
  it("unwraps getOne, create, update and delete", async () => {
    const { fetch, dataProvider } = provider((url, init) => {
      if (init?.method === "DELETE") return new Response(null, { status: 204 });
      const body = init?.body ? (JSON.parse(String(init.body)) as object) : {};
      return json(init?.method === "POST" ? 201 : 200, { status: "success", data: { id: "p1", path: url.pathname, ...body }, meta: {} });
    });
    expect((await dataProvider.getOne("policies", { id: "p1" })).data).toEqual({ id: "p1", path: "/api/v1/policies/p1" });
    expect((await dataProvider.create("policies", { data: { name: "n" } })).data).toMatchObject({ name: "n" });
    expect((await dataProvider.update("policies", { id: "p1", data: { name: "m" }, previousData: { id: "p1" } })).data).toMatchObject({ name: "m" });
    expect((await dataProvider.delete("policies", { id: "p1", previousData: { id: "p1", name: "m" } })).data).toEqual({ id: "p1", name: "m" });
    expect(fetch.mock.calls.map(([, init]) => init?.method)).toEqual(["GET", "POST", "PATCH", "DELETE"]);
  });

  it("surfaces the API's message and status", async () => {
    const { dataProvider } = provider(() =>
      json(409, { status: "error", error: { code: "TXN_009", message: "You cannot approve your own transfer", details: null } }),
    );
    await expect(dataProvider.getOne("transactions", { id: "t1" })).rejects.toMatchObject({
      message: "You cannot approve your own transfer",
      status: 409,
      body: { code: "TXN_009" },
    });
  });

  it("refreshes an expired access token once and retries the list with the new one", async () => {
    const seen: string[] = [];
    const { dataProvider } = provider((url, init) => {
      const bearer = new Headers(init?.headers).get("Authorization") ?? "none";
      seen.push(`${init?.method ?? "GET"} ${url.pathname} ${bearer}`);
      if (url.pathname === "/api/v1/auth/refresh") {
        return json(200, { status: "success", data: { access_token: "fresh", token_type: "Bearer", expires_in: 900 }, meta: {} });
      }
      if (bearer !== "Bearer fresh") {
        return json(401, { status: "error", error: { code: "AUTH_002", message: "Access token expired", details: null } });
      }
      return page(["a"], { has_more: false, next_cursor: null, limit: 25 });
    });
    const result = await dataProvider.getList("users", { pagination: { page: 1, perPage: 25 }, sort: { field: "id", order: "ASC" }, filter: {} });
    expect(result.data).toEqual([{ id: "a" }]);
    expect(seen).toEqual(["GET /api/v1/users none", "POST /api/v1/auth/refresh none", "GET /api/v1/users Bearer fresh"]);
  });
});
