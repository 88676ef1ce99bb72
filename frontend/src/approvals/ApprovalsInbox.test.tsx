import { fireEvent, render, screen, within } from "@testing-library/react";
import { AdminContext, type AuthProvider } from "react-admin";
import { describe, expect, it, vi } from "vitest";
import { api } from "../api/client";
import { createDataProvider } from "../dataProvider";
import type { Permissions } from "../permissions";
import { ApprovalsInbox } from "./ApprovalsInbox";

const base = {
  type: "transfer",
  status: "pending_approval",
  fee: "0.00",
  currency: "NAD",
  description: null,
  external_reference: null,
  expires_at: null,
  completed_at: null,
  decided_by: null,
  decided_at: null,
  decision_reason: null,
  reversed_amount: "0.00",
  reversal_of: null,
  direction: null,
  counterparty: null,
  signed_amount: null,
};
const rows = [
  { ...base, id: "t-customer", amount: "12345678901234.99999999", source_wallet_id: "w-cust", destination_wallet_id: "w-shop", initiated_by: "customer-1", created_at: new Date(Date.now() - 3 * 3600_000).toISOString() },
  { ...base, id: "t-mine", amount: "50.5", source_wallet_id: "w-me", destination_wallet_id: "w-you", initiated_by: "staff-1", created_at: new Date().toISOString() },
];

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function renderInbox(permissions: Permissions, decisionAnswer: () => Response) {
  const fetch = vi.fn(async (input: RequestInfo | URL, _init?: RequestInit) => {
    const url = new URL(String(input), "http://x");
    if (url.pathname.endsWith("/approve") || url.pathname.endsWith("/reject")) return decisionAnswer();
    return json(200, { status: "success", data: rows, meta: { has_more: false, next_cursor: null, limit: 25 }, timestamp: "t" });
  });
  vi.spyOn(globalThis, "fetch").mockImplementation(fetch);
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
      <ApprovalsInbox />
    </AdminContext>,
  );
  return fetch;
}

const approver: Permissions = { roles: ["finance"], permissions: ["payment:approve"], withheld: [], scopes: {} };

describe("approvals inbox", () => {
  it("lists pending transactions with exact amounts; one's own is not actionable", async () => {
    const fetch = renderInbox(approver, () => json(200, {}));
    const customerRow = (await screen.findByText("N$12,345,678,901,234.99999999")).closest("tr")!;
    expect(within(customerRow).getByText("w-cust → w-shop")).toBeTruthy();
    expect(within(customerRow).getByText("3 h")).toBeTruthy();
    expect(await within(customerRow).findByRole("button", { name: "Approve" })).toBeTruthy();
    const mine = screen.getByText("N$50.50").closest("tr")!;
    expect(await within(mine).findByText(/Your own/)).toBeTruthy();
    expect(within(mine).queryByRole("button", { name: "Approve" })).toBeNull();
    const listed = new URL(String(fetch.mock.calls[0]![0]), "http://x");
    expect(listed.pathname).toBe("/api/v1/transactions");
    expect(listed.searchParams.get("status")).toBe("pending_approval");
  });

  it("hides the actions from a caller without payment:approve", async () => {
    renderInbox({ roles: ["support"], permissions: ["user:read"], withheld: [], scopes: {} }, () => json(200, {}));
    const row = (await screen.findByText("N$12,345,678,901,234.99999999")).closest("tr")!;
    await screen.findByText(/Your own/);
    expect(within(row).queryByRole("button", { name: "Approve" })).toBeNull();
  });

  it("rejects only with a reason, after confirming, and shows the API's refusal", async () => {
    const fetch = renderInbox(approver, () =>
      json(409, { status: "error", error: { code: "TXN_010", message: "The transaction is no longer pending", details: null } }),
    );
    const row = (await screen.findByText("N$12,345,678,901,234.99999999")).closest("tr")!;
    fireEvent.click(await within(row).findByRole("button", { name: "Reject" }));
    const dialog = await screen.findByRole("dialog");
    const confirm = within(dialog).getByRole("button", { name: "Reject" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(dialog).getByRole("textbox"), { target: { value: "Unknown beneficiary" } });
    fireEvent.click(confirm);
    expect((await within(dialog).findByRole("alert")).textContent).toBe("The transaction is no longer pending");
    const call = fetch.mock.calls.find(([input]) => String(input).endsWith("/reject"))!;
    expect(String(call[0])).toBe("/api/v1/transactions/t-customer/reject");
    expect(JSON.parse(String(call[1]?.body))).toEqual({ reason: "Unknown beneficiary" });
  });
});
