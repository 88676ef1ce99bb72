import { render, screen } from "@testing-library/react";
import { CoreAdminContext, type AuthProvider } from "react-admin";
import { describe, expect, it } from "vitest";
import { Can, can, type Permissions } from "./permissions";

const approver: Permissions = { roles: ["finance"], permissions: ["payment:approve", "user:read"], withheld: [] };
const support: Permissions = { roles: ["support"], permissions: ["user:read"], withheld: ["payment:approve"] };

describe("can", () => {
  it("answers from the permissions the API granted", () => {
    expect(can(approver, "payment:approve")).toBe(true);
    expect(can(support, "payment:approve")).toBe(false); // withheld is not held
    expect(can({ roles: [], permissions: ["payment:*"], withheld: [] }, "payment:approve")).toBe(true);
    expect(can({ roles: ["admin"], permissions: [], withheld: [] }, "payment:approve")).toBe(false); // no role list
    expect(can(null, "user:read")).toBe(false);
  });
});

function withPermissions(permissions: Permissions, ui: React.ReactNode) {
  const authProvider: AuthProvider = {
    login: async () => {},
    logout: async () => {},
    checkAuth: async () => {},
    checkError: async () => {},
    getPermissions: async () => permissions,
  };
  return render(<CoreAdminContext authProvider={authProvider}>{ui}</CoreAdminContext>);
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
