/** Test helpers for the compliance screens: a mocked API (globalThis.fetch) and react-admin
 * around the screen, with the caller's permissions. */
import { configure, render } from "@testing-library/react";
import type { ReactElement } from "react";
import { AdminContext, type AuthProvider } from "react-admin";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { vi } from "vitest";
import { api } from "../api/client";
import { createDataProvider } from "../dataProvider";
import type { Permissions } from "../permissions";

// The CI machine is shared: give react-admin's first render time (each test file runs apart).
configure({ asyncUtilTimeout: 5000 });
vi.setConfig({ testTimeout: 30_000 });

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

export function success(data: unknown, meta: Record<string, unknown> = { has_more: false, next_cursor: null }): Response {
  return json(200, { status: "success", data, meta, timestamp: "2026-12-08T00:00:00Z" });
}

export function refusal(status: number, code: string, message: string): Response {
  return json(status, { status: "error", error: { code, message, details: null }, request_id: "r", timestamp: "t" });
}

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

/** Answers each request with `answer(call)`; returns the calls made. */
export function mockApi(answer: (call: Call) => Response | undefined): Call[] {
  const calls: Call[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://x");
    const call: Call = {
      method: init?.method ?? "GET",
      path: url.pathname.replace(/^\/api\/v1/, ""),
      query: url.searchParams,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    return answer(call) ?? refusal(404, "RES_001", `No mock for ${call.method} ${call.path}`);
  });
  return calls;
}

export function permissionsOf(...names: string[]): Permissions {
  return { roles: ["staff"], permissions: names, withheld: [], scopes: Object.fromEntries(names.map((n) => [n, "all"])) };
}

/** The screen inside react-admin; with `at`, inside a router at that URL matching `route`. */
export function renderAdmin(ui: ReactElement, permissions: Permissions, at?: { url: string; route: string }) {
  const authProvider: AuthProvider = {
    login: async () => {},
    logout: async () => {},
    checkAuth: async () => {},
    checkError: async () => {},
    getPermissions: async () => permissions,
    getIdentity: async () => ({ id: "11111111-1111-4111-8111-111111111111", fullName: "Staff One" }),
  };
  const admin = (
    <AdminContext dataProvider={createDataProvider(api)} authProvider={authProvider}>
      {at ? (
        <Routes>
          <Route path={at.route} element={ui} />
        </Routes>
      ) : (
        ui
      )}
    </AdminContext>
  );
  return render(at ? <MemoryRouter initialEntries={[at.url]}>{admin}</MemoryRouter> : admin);
}
