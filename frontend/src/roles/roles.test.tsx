import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { callsTo, fail, json, mockApi, ok } from "../test/api";
import { grants } from "../test/permissions";
import { renderAdmin } from "../test/render";
import { RoleEditor } from "./RoleEditor";
import { RoleList } from "./RoleList";
import { RoleShow } from "./RoleShow";

const auditor = {
  id: "r-aud",
  name: "branch-auditor",
  description: "Reads users and the audit log of the branch",
  permissions: ["audit:view", "user:read"],
  scopes: { "audit:view": "all", "user:read": "organization" },
  is_system_role: false,
};
const staff = { ...auditor, id: "r-staff", name: "staff", description: "Support", is_system_role: true };
const catalogue = [
  {
    category: "identity",
    permissions: [
      { name: "user:read", description: "Read user accounts", scopes: ["own", "organization", "all"], privileged: false },
      { name: "user:update", description: "Change user accounts", scopes: ["own", "organization", "all"], privileged: true },
    ],
  },
  {
    category: "compliance",
    permissions: [{ name: "audit:view", description: "Read the audit log", scopes: ["organization", "all"], privileged: true }],
  },
];

const routes = {
  "GET /roles": () => ok([auditor, staff], { has_more: false, next_cursor: null }),
  "GET /roles/r-aud": () => ok(auditor),
  "GET /permissions": () => ok(catalogue, { has_more: false, total: 2 }),
};

describe("roles", () => {
  it("lists roles with their description and permission count", async () => {
    mockApi(routes);
    renderAdmin(<RoleList />, grants("role:manage"));
    const row = (await screen.findByText("branch-auditor")).closest("tr")!;
    expect(within(row).getByText("Reads users and the audit log of the branch")).toBeTruthy();
    expect(within(row).getByText("2")).toBeTruthy();
    expect(within(row).getByText("Custom role")).toBeTruthy();
    expect(await screen.findByRole("link", { name: "New role" })).toBeTruthy();
  });

  it("hides the change buttons without role:manage", async () => {
    mockApi(routes);
    renderAdmin(<RoleShow id="r-aud" />, grants("user:read"));
    expect(await screen.findByText("Own organisation")).toBeTruthy(); // user:read's scope
    expect(screen.queryByRole("button", { name: "Delete role" })).toBeNull();
    expect(screen.queryByRole("link", { name: "Edit role" })).toBeNull();
  });

  it("deletes a custom role after a confirmation and shows the API's refusal", async () => {
    const calls = mockApi({
      ...routes,
      "DELETE /roles/r-aud": () => fail(409, "RES_005", "The role is the last grant of role:manage"),
    });
    renderAdmin(<RoleShow id="r-aud" />, grants("role:manage"));
    fireEvent.click(await screen.findByRole("button", { name: "Delete role" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete role" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("The role is the last grant of role:manage");
    expect(callsTo(calls, "DELETE", "/roles/r-aud")).toHaveLength(1);
  });

  it("edits permissions and scopes from the catalogue and sends them with PATCH after a confirmation", async () => {
    const calls = mockApi({ ...routes, "PATCH /roles/r-aud": () => ok({ ...auditor }) });
    renderAdmin(<RoleEditor id="r-aud" />, grants("role:manage"));
    fireEvent.click(await screen.findByRole("checkbox", { name: "Grant user:update" }));
    fireEvent.click(screen.getByRole("checkbox", { name: "Grant audit:view" }));
    fireEvent.click(screen.getByRole("button", { name: "Save role" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByText("Added: user:update")).toBeTruthy();
    expect(within(dialog).getByText("Removed: audit:view")).toBeTruthy();
    expect(callsTo(calls, "PATCH", "/roles/r-aud")).toHaveLength(0);
    fireEvent.click(within(dialog).getByRole("button", { name: "Save role" }));
    await waitFor(() => expect(callsTo(calls, "PATCH", "/roles/r-aud")).toHaveLength(1));
    expect(callsTo(calls, "PATCH", "/roles/r-aud")[0]!.body).toEqual({
      description: "Reads users and the audit log of the branch",
      permissions: ["user:read", "user:update"],
      scopes: { "user:read": "organization", "user:update": "all" },
    });
  });

  it("creates a role with POST and shows a validation refusal", async () => {
    const calls = mockApi({
      ...routes,
      "POST /roles": () =>
        json(422, {
          status: "validation_error",
          error: { code: "VAL_001", message: "Invalid input", details: [{ field: "name", message: "String should match pattern" }] },
        }),
    });
    renderAdmin(<RoleEditor />, grants("role:manage"));
    fireEvent.change(await screen.findByRole("textbox", { name: /Role name/ }), { target: { value: "Bad Name" } });
    fireEvent.click(screen.getByRole("checkbox", { name: "Grant user:read" }));
    fireEvent.click(screen.getByRole("button", { name: "Save role" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: "Save role" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("Invalid input (name: String should match pattern)");
    expect(callsTo(calls, "POST", "/roles")[0]!.body).toEqual({
      name: "Bad Name",
      description: null,
      permissions: ["user:read"],
      scopes: { "user:read": "all" },
    });
  });
});
