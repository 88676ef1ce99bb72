/** Test helpers for the money screens: a mocked API (globalThis.fetch) and the app's Admin at a URL. */
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { Admin, type AuthProvider, TestMemoryRouter } from "react-admin";
import { vi } from "vitest";
import { createDataProvider } from "../dataProvider";
import type { Permissions } from "../permissions";

/** Generous waits: the whole Admin renders, on a shared machine. */
export const SLOW = { timeout: 30_000 };
export const WAIT = { timeout: 10_000 };

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

export const ok = (data: unknown, meta: object = { has_more: false, next_cursor: null }) =>
  json(200, { status: "success", data, meta, timestamp: "2026-12-08T00:00:00Z" });

export const refused = (status: number, code: string, message: string) =>
  json(status, { status: "error", error: { code, message, details: null }, request_id: "r", timestamp: "t" });

export function pdf(filename: string): Response {
  return new Response("%PDF-1.7 test", {
    status: 200,
    headers: { "Content-Type": "application/pdf", "Content-Disposition": `attachment; filename="${filename}"` },
  });
}

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  headers: Headers;
}

/** Answers each request with `handler(call)`; returns the calls made. */
export function mockApi(handler: (call: Call) => Response | undefined): Call[] {
  const calls: Call[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(String(input), "http://x");
    const call: Call = {
      method: init?.method ?? "GET",
      path: url.pathname.replace("/api/v1", ""),
      query: url.searchParams,
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
      headers: new Headers(init?.headers),
    };
    calls.push(call);
    return handler(call) ?? refused(404, "RES_001", "Not found");
  });
  return calls;
}

/** Object URLs (jsdom has none): created ones are recorded; anchors' clicks are captured. */
export function mockObjectUrls() {
  const created: Blob[] = [];
  const clicked: { href: string; download: string }[] = [];
  URL.createObjectURL = vi.fn((blob: Blob) => {
    created.push(blob);
    return `blob:http://x/${created.length}`;
  });
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
    clicked.push({ href: this.href, download: this.download });
  });
  return { created, clicked };
}

export const STAFF: Permissions = {
  roles: ["staff"],
  permissions: ["payment:create", "payment:approve", "vehicle:read", "vehicle:transfer", "invoice:read", "invoice:manage"],
  scopes: {
    "payment:create": "all",
    "payment:approve": "all",
    "vehicle:read": "all",
    "vehicle:transfer": "all",
    "invoice:read": "all",
    "invoice:manage": "all",
  },
  withheld: [],
};

export function withoutPermission(permission: string): Permissions {
  return { ...STAFF, permissions: STAFF.permissions.filter((p) => p !== permission) };
}

/** The app's Admin with `resources` at `url` (hash-less memory routing). */
export function renderAt(url: string, resources: ReactElement[], permissions: Permissions = STAFF) {
  const authProvider: AuthProvider = {
    login: async () => {},
    logout: async () => {},
    checkAuth: async () => {},
    checkError: async () => {},
    getPermissions: async () => permissions,
    getIdentity: async () => ({ id: "staff-1", fullName: "Staff One" }),
  };
  return render(
    <TestMemoryRouter initialEntries={[url]}>
      <Admin dataProvider={createDataProvider()} authProvider={authProvider} disableTelemetry>
        {resources}
      </Admin>
    </TestMemoryRouter>,
  );
}
