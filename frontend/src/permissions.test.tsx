import { render, screen } from "@testing-library/react";
import { CoreAdminContext } from "react-admin";
import { describe, expect, it } from "vitest";
import { Can, can, meets, type Permissions } from "./permissions";
import { authProviderFor } from "./test/render";

const approver: Permissions = { roles: ["finance"], permissions: ["payment:approve", "user:read"], withheld: [], scopes: {} };
const support: Permissions = { roles: ["support"], permissions: ["user:read"], withheld: ["payment:approve"], scopes: {} };

describe("can", () => {
  it("answers from the permissions the API granted", () => {
    expect(can(approver, "payment:approve")).toBe(true);
    expect(can(support, "payment:approve")).toBe(false); // withheld is not held
    expect(can({ roles: [], permissions: ["payment:*"], withheld: [], scopes: {} }, "payment:approve")).toBe(true);
    expect(can({ roles: ["admin"], permissions: [], withheld: [], scopes: {} }, "payment:approve")).toBe(false); // no role list
    expect(can(null, "user:read")).toBe(false);
  });
});

function withPermissions(permissions: Permissions, ui: React.ReactNode) {
  return render(<CoreAdminContext authProvider={authProviderFor(permissions)}>{ui}</CoreAdminContext>);
}

describe("<Can>", () => {
  it("shows the action to a holder of the permission", async () => {
    withPermissions(approver, <Can permission="payment:approve"><button>Approve</button></Can>);
    expect(await screen.findByRole("button", { name: "Approve" })).toBeTruthy();
  });

  it("hides it from a caller without it", async () => {
    withPermissions(support, <><Can permission="payment:approve"><button>Approve</button></Can><Can permission="user:read"><span>users</span></Can></>);
    expect(await screen.findByText("users")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Approve" })).toBeNull();
  });
});

describe("scoped permissions", () => {
  const customer: Permissions = {
    roles: ["user"],
    permissions: ["vehicle:read", "payment:create"],
    withheld: [],
    scopes: { "vehicle:read": "own", "payment:create": "own" },
  };
  const staff: Permissions = { ...customer, roles: ["staff"], scopes: { "vehicle:read": "all", "payment:create": "all" } };

  it("an own-scope grant never opens a screen that lists everyone's records", () => {
    expect(can(customer, "vehicle:read")).toBe(true);
    expect(can(customer, "vehicle:read", "all")).toBe(false);
    expect(can(customer, "vehicle:read", "organization")).toBe(false);
    expect(meets(customer, { permission: "vehicle:read", scope: "all" })).toBe(false);
  });

  it("a wider scope satisfies a narrower requirement", () => {
    expect(can(staff, "vehicle:read", "all")).toBe(true);
    expect(can(staff, "vehicle:read", "own")).toBe(true);
    expect(meets(staff, ["payment:create", { permission: "vehicle:read", scope: "all" }])).toBe(true);
  });

  it("a permission with no stated scope counts as own-scope only", () => {
    const unstated: Permissions = { roles: [], permissions: ["audit:view"], withheld: [], scopes: {} };
    expect(can(unstated, "audit:view", "all")).toBe(false);
  });
});
