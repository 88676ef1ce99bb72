import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { callsTo, fail, mockApi, ok } from "../test/api";
import { grants } from "../test/permissions";
import { renderAdmin } from "../test/render";
import { OrganisationList } from "./OrganisationList";
import { OrganisationShow } from "./OrganisationShow";


const org = {
  id: "o-1",
  name: "Windhoek Motors (Pty) Ltd",
  registration_number: "CC/2015/01234",
  vat_number: null,
  status: "active",
  created_at: "2026-01-01T08:00:00Z",
  updated_at: "2026-01-02T08:00:00Z",
};
const page = (rows: unknown[]) => () => ok(rows, { has_more: false, next_cursor: null });
const routes = {
  "GET /organizations": page([org]),
  "GET /organizations/o-1": () => ok(org),
  "GET /organizations/o-1/members": page([{ user_id: "u-7", org_role: "org_admin", added_at: "2026-01-03T08:00:00Z" }]),
  "GET /organizations/o-1/teams": page([
    { id: "t-1", organization_id: "o-1", name: "Dispatch", description: "Trucks", members: ["u-7"], created_at: "2026-01-03T08:00:00Z" },
  ]),
  "GET /organizations/o-1/invitations": page([
    {
      id: "i-1",
      organization_id: "o-1",
      organization_name: org.name,
      user_id: "u-8",
      org_role: "member",
      status: "pending",
      invited_by: "u-7",
      created_at: "2026-01-04T08:00:00Z",
      expires_at: "2026-01-11T08:00:00Z",
      decided_at: null,
    },
  ]),
};
const manager = grants("organization:manage");

describe("organisations", () => {
  it("lists organisations and searches with the API's q parameter", async () => {
    const calls = mockApi(routes);
    renderAdmin(<OrganisationList />, manager);
    const row = (await screen.findByText("Windhoek Motors (Pty) Ltd")).closest("tr")!;
    expect(within(row).getByText("CC/2015/01234")).toBeTruthy();
    expect(within(row).getByText("Active")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Search by name"), { target: { value: "motors" } });
    await waitFor(() =>
      expect(callsTo(calls, "GET", "/organizations").some((call) => call.query.get("q") === "motors")).toBe(true));
  });

  it("shows members, teams and invitations; no status buttons without organization:manage at scope all", async () => {
    mockApi(routes);
    const orgScoped = { ...manager, scopes: { "organization:manage": "organization" as const } };
    renderAdmin(<OrganisationShow id="o-1" />, orgScoped);
    expect(await screen.findByText("Dispatch")).toBeTruthy();
    expect(screen.getByText("Organisation admin")).toBeTruthy();
    expect(screen.getByText("Pending")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Suspend organisation" })).toBeNull();
  });

  it("suspends after a confirmation and shows the API's refusal", async () => {
    const calls = mockApi({
      ...routes,
      "POST /organizations/o-1/suspend": () => fail(409, "RES_005", "The organization is not active"),
    });
    renderAdmin(<OrganisationShow id="o-1" />, manager);
    fireEvent.click(await screen.findByRole("button", { name: "Suspend organisation" }));
    const dialog = await screen.findByRole("dialog");
    expect(callsTo(calls, "POST", "/organizations/o-1/suspend")).toHaveLength(0);
    fireEvent.click(within(dialog).getByRole("button", { name: "Suspend organisation" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("The organization is not active");
    expect(callsTo(calls, "POST", "/organizations/o-1/suspend")).toHaveLength(1);
  });

  it("closes with POST /close", async () => {
    const calls = mockApi({ ...routes, "POST /organizations/o-1/close": () => ok({ ...org, status: "closed" }) });
    renderAdmin(<OrganisationShow id="o-1" />, manager);
    fireEvent.click(await screen.findByRole("button", { name: "Close organisation" }));
    fireEvent.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Close organisation" }));
    await waitFor(() => expect(callsTo(calls, "POST", "/organizations/o-1/close")).toHaveLength(1));
  });
});
