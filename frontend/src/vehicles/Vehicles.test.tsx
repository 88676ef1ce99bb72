import { fireEvent, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { area } from ".";
import { fail, json, mockApi, ok } from "../test/api";
import { withScope } from "../test/permissions";
import { renderApp } from "../test/render";

const VIN = "1HGCM82633A004352";
const vehicle = {
  id: "v-uuid-1",
  vin: VIN,
  chassis_number: null,
  identifier_type: "vin",
  check_digit_valid: true,
  manufacturer: "Honda",
  country: "United States",
  model_year: 2003,
  make: "Honda",
  model: "Accord",
  year: 2003,
  colour: "Silver",
  registration_number: "N 12345 W",
  owner_id: "owner-2",
  account_id: "acct-1",
  status: "active",
  created_at: "2026-01-10T09:00:00Z",
};
const chassis = { ...vehicle, id: "v-uuid-2", vin: null, chassis_number: "SV30-0169266", identifier_type: "chassis", check_digit_valid: null, manufacturer: null, country: null, model_year: null };
const history = [
  { owner_id: "owner-1", started_at: "2026-01-10T09:00:00Z", ended_at: "2026-06-01T10:00:00Z", transfer_id: null },
  { owner_id: "owner-2", started_at: "2026-06-01T10:00:00Z", ended_at: null, transfer_id: "tr-1" },
];
const transfer = {
  id: "tr-1",
  vehicle_id: "v-uuid-1",
  vehicle: { id: "v-uuid-1", vin: VIN, chassis_number: null, identifier_type: "vin", make: "Honda", model: "Accord", year: 2003 },
  direction: null,
  from_owner_id: "owner-1",
  to_user_id: "owner-2",
  status: "accepted",
  offered_by: "owner-1",
  reason: null,
  created_at: "2026-05-30T10:00:00Z",
  decided_by: "owner-2",
  decided_at: "2026-06-01T10:00:00Z",
};

function api(onForce: () => Response = () => json(201, { status: "success", data: transfer })) {
  return mockApi((call) => {
    if (call.path === "/vehicles") return ok([vehicle, chassis]);
    if (call.path === `/vehicles/${VIN}`) return ok(vehicle);
    if (call.path === `/vehicles/${VIN}/history`) return ok(history);
    if (call.path === `/vehicles/${VIN}/transfers`) return call.method === "POST" ? onForce() : ok([transfer]);
    return undefined;
  });
}

const ownScope = withScope("vehicle:transfer", "own");

describe("vehicles", () => {
  it("lists vehicles and looks one up by VIN: decoded fields, history and transfers", async () => {
    const calls = api();
    renderApp("/vehicles", area.resources!);
    expect(await screen.findByText("SV30-0169266")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("VIN or chassis number"), { target: { value: ` ${VIN} ` } });
    fireEvent.click(screen.getByRole("button", { name: "Look up vehicle" }));

    expect(await screen.findByText("United States")).toBeTruthy();
    expect(screen.getByText("Yes")).toBeTruthy(); // check digit valid
    expect(calls.some((c) => c.path === `/vehicles/${VIN}`)).toBe(true);
    const historyTable = (await screen.findByRole("table", { name: "Ownership history" })) as HTMLElement;
    expect(within(historyTable).getByText("Current owner")).toBeTruthy();
    expect(within(historyTable).getByText("Registration")).toBeTruthy();
    const transfers = await screen.findByRole("table", { name: "Transfers" });
    expect(within(transfers).getByText("accepted")).toBeTruthy();
  });

  it("hides the forced transfer without vehicle:transfer at scope all", async () => {
    api();
    renderApp(`/vehicles/${VIN}/show`, area.resources!, ownScope);
    await screen.findByRole("table", { name: "Transfers" });
    expect(screen.queryByRole("button", { name: "Force transfer" })).toBeNull();
  });

  it("forces a transfer with a reason after confirming, and shows the API's refusal", async () => {
    const calls = api(() => fail(409, "VEH_004", "The user is already the owner"));
    renderApp(`/vehicles/${VIN}/show`, area.resources!);
    fireEvent.click(await screen.findByRole("button", { name: "Force transfer" }));
    const dialog = await screen.findByRole("dialog");
    const confirm = within(dialog).getByRole("button", { name: "Force transfer now" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText(/New owner/), { target: { value: "owner-2" } });
    fireEvent.change(within(dialog).getByLabelText(/Reason/), { target: { value: "Court order 2026/114" } });
    fireEvent.click(confirm);
    expect((await within(dialog).findByRole("alert")).textContent).toBe("The user is already the owner");
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.path).toBe(`/vehicles/${VIN}/transfers`);
    expect(post.body).toEqual({ to_user_id: "owner-2", force: true, reason: "Court order 2026/114" });
  });

  it("shows a chassis-numbered vehicle without a check digit", async () => {
    mockApi((call) => {
      if (call.path === "/vehicles/SV30-0169266") return ok(chassis);
      if (call.path.startsWith("/vehicles/SV30-0169266/")) return ok([]);
      return undefined;
    });
    renderApp("/vehicles/SV30-0169266/show", area.resources!);
    expect(await screen.findByText("Not applicable (chassis number)")).toBeTruthy();
  });

  it("shows the API's answer for an unknown VIN", async () => {
    mockApi((call) => (call.path === "/vehicles" ? ok([]) : fail(404, "RES_001", "Vehicle not found")));
    renderApp("/vehicles/WVWZZZ1JZXW000001/show", area.resources!);
    expect(await screen.findByText("Vehicle not found")).toBeTruthy();
  });
});
