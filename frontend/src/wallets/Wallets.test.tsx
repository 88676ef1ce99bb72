import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { area } from ".";
import { area as transactions } from "../transactions";
import { fail, mockApi, mockObjectUrls, ok, pdf } from "../test/api";
import { transaction } from "../test/fixtures";
import { renderApp } from "../test/render";
import { walletsOf } from "../users/UserShow";

const wallet = {
  id: "3b1f0c8e-1d2a-4c5b-9e8f-0a1b2c3d4e5f",
  currency: "NAD",
  balance: "1234567.89",
  available_balance: "1234067.89",
  held: "500",
  status: "active",
  address: "9d0f3a7e-0000-4000-8000-000000000001",
  created_at: "2026-01-10T09:00:00Z",
};
const payment = transaction({ id: "t-1", amount: "99.5", source_wallet_id: wallet.id, destination_wallet_id: "w-shop" });
const resources = [...area.resources!, ...transactions.resources!];

describe("wallets", () => {
  it("lists a customer's wallets by the owner's user ID (the staff link from a user's page)", async () => {
    const owner = "5c6e1b7a-2f3d-4e5f-8a9b-0c1d2e3f4a5b";
    const calls = mockApi((call) => (call.path === "/wallets" ? ok(call.query.get("owner_id") === owner ? [wallet] : []) : undefined));
    renderApp(walletsOf(owner), resources);
    expect(await screen.findByText("N$1,234,567.89")).toBeTruthy();
    expect(calls.some((call) => call.path === "/wallets" && call.query.get("owner_id") === owner)).toBe(true);
    expect((screen.getByLabelText("Owner (user ID)") as HTMLInputElement).value).toBe(owner);
  });

  it("lists wallets with exact balances and opens any wallet by its ID", async () => {
    mockApi((call) => {
      if (call.path === "/wallets") return ok([wallet]);
      if (call.path === `/wallets/${wallet.id}`) return ok(wallet);
      if (call.path === "/transactions") return ok([]);
      return undefined;
    });
    renderApp("/wallets", resources);
    const balance = await screen.findByText("N$1,234,567.89");
    const row = balance.closest("tr")!;
    expect(within(row).getByText("N$1,234,067.89")).toBeTruthy();
    expect(within(row).getByText("N$500.00")).toBeTruthy();

    fireEvent.change(screen.getByLabelText("Wallet ID"), { target: { value: "not-an-id" } });
    fireEvent.click(screen.getByRole("button", { name: "Open wallet" }));
    expect(await screen.findByText(/A wallet ID is a UUID/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Wallet ID"), { target: { value: wallet.id.toUpperCase() } });
    fireEvent.click(screen.getByRole("button", { name: "Open wallet" }));
    expect(await screen.findByText("Statement")).toBeTruthy();
  });

  it("shows balances and recent transactions, and downloads the statement as asked", async () => {
    const files = mockObjectUrls();
    const calls = mockApi((call) => {
      if (call.path === `/wallets/${wallet.id}`) return ok(wallet);
      if (call.path === "/transactions") return ok([payment]);
      if (call.path === `/wallets/${wallet.id}/statement`) return pdf(`statement-${wallet.id}.pdf`);
      return undefined;
    });
    renderApp(`/wallets/${wallet.id}/show`, resources);

    expect(await screen.findByText("N$1,234,567.89")).toBeTruthy();
    expect(screen.getByText("N$500.00")).toBeTruthy();
    expect(await screen.findByText("N$99.50")).toBeTruthy();
    expect(calls.find((c) => c.path === "/transactions")!.query.get("wallet_id")).toBe(wallet.id);

    fireEvent.change(screen.getByLabelText("Statement from"), { target: { value: "2026-11-01" } });
    fireEvent.change(screen.getByLabelText("Statement to"), { target: { value: "2026-11-30" } });
    fireEvent.click(screen.getByRole("button", { name: "Download statement" }));
    await waitFor(() => expect(files.clicked).toHaveLength(1));
    expect(files.clicked[0]!.download).toBe(`statement-${wallet.id}.pdf`);
    const statement = calls.find((c) => c.path.endsWith("/statement"))!;
    expect(statement.method).toBe("GET");
    expect(Object.fromEntries(statement.query)).toEqual({
      format: "pdf",
      from: "2026-11-01T00:00:00+02:00",
      to: "2026-12-01T00:00:00+02:00",
    });
    await waitFor(() => expect(URL.revokeObjectURL).toHaveBeenCalledWith(files.clicked[0]!.href));
  });

  it("shows the API's refusal of a statement", async () => {
    mockApi((call) => {
      if (call.path === `/wallets/${wallet.id}`) return ok(wallet);
      if (call.path === "/transactions") return ok([]);
      if (call.path.endsWith("/statement")) return fail(422, "VAL_001", "from must be before to");
      return undefined;
    });
    renderApp(`/wallets/${wallet.id}/show`, resources);
    fireEvent.click(await screen.findByRole("button", { name: "Download statement" }));
    expect((await screen.findByRole("alert")).textContent).toBe("from must be before to");
  });
});
