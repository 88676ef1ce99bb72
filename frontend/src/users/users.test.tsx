import { fireEvent, render, screen, within } from "@testing-library/react";
import { AdminContext, type AuthProvider } from "react-admin";
import { describe, expect, it, vi } from "vitest";

vi.setConfig({ testTimeout: 20_000 }); // react-admin pages render slowly on a shared CI machine
import { api } from "../api/client";
import { createDataProvider } from "../dataProvider";
import type { Permissions } from "../permissions";
import { UserList } from "./UserList";
import { UserShow } from "./UserShow";

const user = {
  id: "u-1",
  username: "ndapewa",
  email: "ndapewa@example.na",
  full_name: "Ndapewa Shilongo",
  phone: null,
  organization: "Windhoek Motors",
  roles: ["user"],
  status: "active",
  mfa_enabled: true,
  email_verified: true,
  wallet_address: "w-1",
  created_at: "2026-01-02T08:00:00.000Z",
  deleted_at: null,
};
const device = {
  device_id: "d-9",
  device_name: "Pixel 8",
  user_agent: "Android",
  ip_address: "196.44.1.2",
  created_at: "2026-02-01T08:00:00.000Z",
  last_used_at: "2026-03-01T08:00:00.000Z",
  expires_at: "2026-04-01T08:00:00.000Z",
  current: false,
};
const roles = [
  { id: "r-user", name: "user", description: "Regular user", permissions: [], scopes: {}, is_system_role: true },
  { id: "r-staff", name: "staff", description: "Support staff", permissions: [], scopes: {}, is_system_role: true },
];

function json(status: number, body: unknown): Response {
  return new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}
const ok = (data: unknown, meta: object = {}) => json(200, { status: "success", data, meta, timestamp: "t" });
const refused = (status: number, code: string, message: string, details: unknown = null) =>
  json(status, { status: "error", error: { code, message, details } });

type Handler = (method: string, path: string, init?: RequestInit) => Response | undefined;

function mockApi(handler: Handler) {
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://x");
    const path = url.pathname.replace("/api/v1", "");
    const method = init?.method ?? "GET";
    const answer = handler(method, path, init);
    if (answer) return answer;
    if (path === "/users") return ok([user], { has_more: false, next_cursor: null, total: 1 });
    if (path === "/users/u-1") return ok(user);
    if (path === "/users/u-1/devices") return ok([device], { has_more: false, next_cursor: null });
    if (path === "/roles") return ok(roles, { has_more: false });
    return refused(404, "RES_001", "Not found");
  });
  vi.spyOn(globalThis, "fetch").mockImplementation(fetch);
  return fetch;
}

function renderWith(permissions: Permissions, ui: React.ReactElement) {
  const authProvider: AuthProvider = {
    login: async () => {},
    logout: async () => {},
    checkAuth: async () => {},
    checkError: async () => {},
    getPermissions: async () => permissions,
    getIdentity: async () => ({ id: "staff-1", fullName: "Staff One" }),
  };
  render(
    <AdminContext dataProvider={createDataProvider(api)} authProvider={authProvider}>
      {ui}
    </AdminContext>,
  );
}

const grants = (...names: string[]): Permissions => ({
  roles: ["admin"],
  permissions: names,
  withheld: [],
  scopes: Object.fromEntries(names.map((n) => [n, "all"])),
});
const admin = grants("user:read", "user:update", "role:manage");
const reader = grants("user:read");

function calls(fetch: ReturnType<typeof mockApi>, method: string, path: string) {
  return fetch.mock.calls.filter(
    ([input, init]) => (init?.method ?? "GET") === method && new URL(String(input), "http://x").pathname === `/api/v1${path}`,
  );
}

describe("users list", () => {
  it("renders the API's rows and sends the search as the API's q parameter", async () => {
    const fetch = mockApi(() => undefined);
    renderWith(reader, <UserList />);
    const row = (await screen.findByText("ndapewa@example.na", {}, { timeout: 5000 })).closest("tr")!;
    expect(within(row).getByText("Ndapewa Shilongo")).toBeTruthy();
    expect(within(row).getByText("Active")).toBeTruthy();
    expect(within(row).getByText("On")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Search name, email or username"), { target: { value: "shil" } });
    await vi.waitFor(() =>
      expect(fetch.mock.calls.some(([input]) => new URL(String(input), "http://x").searchParams.get("q") === "shil")).toBe(true),
      { timeout: 5000 },
    );
  });
});

describe("user page", () => {
  it("shows profile, MFA state and devices; hides actions without user:update or role:manage", async () => {
    mockApi(() => undefined);
    renderWith(reader, <UserShow id="u-1" />);
    expect(await screen.findByText("Windhoek Motors", {}, { timeout: 5000 })).toBeTruthy();
    expect(screen.getByText("Enabled")).toBeTruthy();
    expect(await screen.findByText("Pixel 8", {}, { timeout: 5000 })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Lock account" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Assign roles" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Sign out device/ })).toBeNull();
  });

  it("locks after a confirmation and shows the API's refusal", async () => {
    const fetch = mockApi((method, path) =>
      method === "PATCH" && path === "/users/u-1"
        ? refused(409, "RES_005", "Cannot lock the last active administrator")
        : undefined,
    );
    renderWith(admin, <UserShow id="u-1" />);
    fireEvent.click(await screen.findByRole("button", { name: "Lock account" }, { timeout: 5000 }));
    const dialog = await screen.findByRole("dialog");
    expect(calls(fetch, "PATCH", "/users/u-1")).toHaveLength(0);
    fireEvent.click(within(dialog).getByRole("button", { name: "Lock account" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("Cannot lock the last active administrator");
    const [call] = calls(fetch, "PATCH", "/users/u-1");
    expect(JSON.parse(String(call![1]?.body))).toEqual({ status: "locked" });
  });

  it("assigns roles with PUT, and offers the emergency reason the API asks for", async () => {
    let attempts = 0;
    const fetch = mockApi((method, path, init) => {
      if (method !== "PUT" || path !== "/users/u-1/roles") return undefined;
      attempts += 1;
      if (!new Headers(init?.headers).get("X-Emergency-Reason")) {
        return refused(403, "POL_001", "business_hours: outside business hours; send the X-Emergency-Reason header to override", [
          { header: "X-Emergency-Reason", message: "Why this change cannot wait" },
        ]);
      }
      return ok({ user_id: "u-1", roles: ["staff", "user"] });
    });
    renderWith(admin, <UserShow id="u-1" />);
    fireEvent.click(await screen.findByRole("button", { name: "Assign roles" }, { timeout: 5000 }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.click(await within(dialog).findByLabelText("staff — Support staff"));
    fireEvent.click(within(dialog).getByRole("button", { name: "Save roles" }));
    expect((await within(dialog).findByRole("alert")).textContent).toContain("outside business hours");
    const [first] = calls(fetch, "PUT", "/users/u-1/roles");
    expect(JSON.parse(String(first![1]?.body))).toEqual({ roles: ["user", "staff"] });

    fireEvent.change(within(dialog).getByLabelText(/Emergency reason/), { target: { value: "Fraud desk cover" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save roles" }));
    await vi.waitFor(() => expect(attempts).toBe(2), { timeout: 5000 });
    const second = calls(fetch, "PUT", "/users/u-1/roles")[1]!;
    expect(new Headers(second[1]?.headers).get("X-Emergency-Reason")).toBe("Fraud desk cover");
  });

  it("signs a device out with DELETE after a confirmation", async () => {
    const fetch = mockApi((method, path) =>
      method === "DELETE" && path === "/users/u-1/devices/d-9" ? new Response(null, { status: 204 }) : undefined,
    );
    renderWith(admin, <UserShow id="u-1" />);
    fireEvent.click(await screen.findByRole("button", { name: "Sign out device Pixel 8" }, { timeout: 5000 }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: "Sign out" }));
    await vi.waitFor(() => expect(calls(fetch, "DELETE", "/users/u-1/devices/d-9")).toHaveLength(1), { timeout: 5000 });
  });
});
