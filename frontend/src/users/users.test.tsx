import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { type Routes, callsTo, fail, mockApi, noContent, ok } from "../test/api";
import { grants } from "../test/permissions";
import { renderAdmin } from "../test/render";
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

const routes: Routes = {
  "GET /users": ok([user], { has_more: false, next_cursor: null, total: 1 }),
  "GET /users/u-1": ok(user),
  "GET /users/u-1/devices": ok([device], { has_more: false, next_cursor: null }),
  "GET /roles": ok(roles, { has_more: false }),
};

const admin = grants("user:read", "user:update", "role:manage");
const reader = grants("user:read");

describe("users list", () => {
  it("renders the API's rows and sends the search as the API's q parameter", async () => {
    const calls = mockApi(routes);
    renderAdmin(<UserList />, reader);
    const row = (await screen.findByText("ndapewa@example.na")).closest("tr")!;
    expect(within(row).getByText("Ndapewa Shilongo")).toBeTruthy();
    expect(within(row).getByText("Active")).toBeTruthy();
    expect(within(row).getByText("On")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Search name, email or username"), { target: { value: "shil" } });
    await waitFor(() =>
      expect(calls.some((call) => call.query.get("q") === "shil")).toBe(true));
  });
});

describe("user page", () => {
  it("shows profile, MFA state and devices; hides actions without user:update or role:manage", async () => {
    mockApi(routes);
    renderAdmin(<UserShow id="u-1" />, reader);
    expect(await screen.findByText("Windhoek Motors")).toBeTruthy();
    expect(screen.getByText("Enabled")).toBeTruthy();
    expect(await screen.findByText("Pixel 8")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Lock account" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Assign roles" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Sign out device/ })).toBeNull();
  });

  it("locks after a confirmation and shows the API's refusal", async () => {
    const calls = mockApi({ ...routes, "PATCH /users/u-1": fail(409, "RES_005", "Cannot lock the last active administrator") });
    renderAdmin(<UserShow id="u-1" />, admin);
    fireEvent.click(await screen.findByRole("button", { name: "Lock account" }));
    const dialog = await screen.findByRole("dialog");
    expect(callsTo(calls, "PATCH", "/users/u-1")).toHaveLength(0);
    fireEvent.click(within(dialog).getByRole("button", { name: "Lock account" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("Cannot lock the last active administrator");
    const [call] = callsTo(calls, "PATCH", "/users/u-1");
    expect(call!.body).toEqual({ status: "locked" });
  });

  it("assigns roles with PUT, and offers the emergency reason the API asks for", async () => {
    let attempts = 0;
    const calls = mockApi({
      ...routes,
      "PUT /users/u-1/roles": (call) => {
        attempts += 1;
        if (!call.headers.get("X-Emergency-Reason")) {
          return fail(403, "POL_001", "business_hours: outside business hours; send the X-Emergency-Reason header to override", [
            { header: "X-Emergency-Reason", message: "Why this change cannot wait" },
          ]);
        }
        return ok({ user_id: "u-1", roles: ["staff", "user"] });
      },
    });
    renderAdmin(<UserShow id="u-1" />, admin);
    fireEvent.click(await screen.findByRole("button", { name: "Assign roles" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.click(await within(dialog).findByLabelText("staff — Support staff"));
    fireEvent.click(within(dialog).getByRole("button", { name: "Save roles" }));
    expect((await within(dialog).findByRole("alert")).textContent).toContain("outside business hours");
    const [first] = callsTo(calls, "PUT", "/users/u-1/roles");
    expect(first!.body).toEqual({ roles: ["user", "staff"] });

    fireEvent.change(within(dialog).getByLabelText(/Emergency reason/), { target: { value: "Fraud desk cover" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save roles" }));
    await waitFor(() => expect(attempts).toBe(2));
    const second = callsTo(calls, "PUT", "/users/u-1/roles")[1]!;
    expect(second.headers.get("X-Emergency-Reason")).toBe("Fraud desk cover");
  });

  it("signs a device out with DELETE after a confirmation", async () => {
    const calls = mockApi({ ...routes, "DELETE /users/u-1/devices/d-9": noContent() });
    renderAdmin(<UserShow id="u-1" />, admin);
    fireEvent.click(await screen.findByRole("button", { name: "Sign out device Pixel 8" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: "Sign out" }));
    await waitFor(() => expect(callsTo(calls, "DELETE", "/users/u-1/devices/d-9")).toHaveLength(1));
  });
});
