/** Test helpers for the identity and governance screens: a mocked API and an admin context. */
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { AdminContext, type AuthProvider } from "react-admin";
import { MemoryRouter } from "react-router-dom";
import { vi } from "vitest";
import { api } from "../api/client";
import { createDataProvider } from "../dataProvider";
import type { Permissions } from "../permissions";

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}
export const ok = (data: unknown, meta: object = {}) => json(200, { status: "success", data, meta, timestamp: "t" });
export const refused = (status: number, code: string, message: string, details: unknown = null) =>
  json(status, { status: "error", error: { code, message, details } });

/** Answers by `routes["GET /users"]` (path without /api/v1); anything else is a 404. */
export type Routes = Record<string, (init?: RequestInit) => Response>;

export function mockApi(routes: Routes) {
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = new URL(String(input), "http://x").pathname.replace("/api/v1", "");
    const answer = routes[`${init?.method ?? "GET"} ${path}`];
    return answer ? answer(init) : refused(404, "RES_001", `No route ${path}`);
  });
  vi.spyOn(globalThis, "fetch").mockImplementation(fetch);
  return fetch;
}

export type MockedFetch = ReturnType<typeof mockApi>;

/** The calls made to `METHOD /path`. */
export function callsTo(fetch: MockedFetch, method: string, path: string) {
  return fetch.mock.calls.filter(
    ([input, init]) =>
      (init?.method ?? "GET") === method && new URL(String(input), "http://x").pathname === `/api/v1${path}`,
  );
}

export function bodyOf(call: unknown[] | undefined): unknown {
  return JSON.parse(String((call?.[1] as RequestInit | undefined)?.body));
}

/** Permissions held at scope all. */
export function grants(...names: string[]): Permissions {
  return { roles: ["admin"], permissions: names, withheld: [], scopes: Object.fromEntries(names.map((n) => [n, "all"])) };
}

/** Renders `ui` in an admin context holding `permissions`; `at` opens that URL first. */
export function renderAs(permissions: Permissions, ui: ReactElement, at?: string) {
  const authProvider: AuthProvider = {
    login: async () => {},
    logout: async () => {},
    checkAuth: async () => {},
    checkError: async () => {},
    getPermissions: async () => permissions,
    getIdentity: async () => ({ id: "staff-1", fullName: "Staff One" }),
  };
  const admin = (
    <AdminContext dataProvider={createDataProvider(api)} authProvider={authProvider}>
      {ui}
    </AdminContext>
  );
  return render(at ? <MemoryRouter initialEntries={[at]}>{admin}</MemoryRouter> : admin);
}

export const SLOW = { timeout: 5000 };
