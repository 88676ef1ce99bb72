import { fireEvent, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Permissions } from "../permissions";
import { type Call, fail, json, mockApi, ok } from "../test/api";
import { transaction } from "../test/fixtures";
import { grantsAt } from "../test/permissions";
import { renderAdmin } from "../test/render";
import { ApprovalsInbox } from "./ApprovalsInbox";

const base = { status: "pending_approval" as const, completed_at: null };
const rows = [
  transaction({ ...base, id: "t-customer", amount: "12345678901234.99999999", source_wallet_id: "w-cust", destination_wallet_id: "w-shop", initiated_by: "customer-1", created_at: new Date(Date.now() - 3 * 3600_000).toISOString() }),
  transaction({ ...base, id: "t-mine", amount: "50.5", source_wallet_id: "w-me", destination_wallet_id: "w-you", initiated_by: "staff-1", created_at: new Date().toISOString() }),
];

/** The pending list answers every request but a decision, which gets `decisionAnswer`. */
function renderInbox(permissions: Permissions, decisionAnswer: () => Response): Call[] {
  const calls = mockApi((call) =>
    call.path.endsWith("/approve") || call.path.endsWith("/reject")
      ? decisionAnswer()
      : ok(rows, { has_more: false, next_cursor: null, limit: 25 }),
  );
  renderAdmin(<ApprovalsInbox />, permissions);
  return calls;
}

const approver = grantsAt("own", "payment:approve");

describe("approvals inbox", () => {
  it("lists pending transactions with exact amounts; one's own is not actionable", async () => {
    const calls = renderInbox(approver, () => json(200, {}));
    const customerRow = (await screen.findByText("N$12,345,678,901,234.99999999")).closest("tr")!;
    expect(within(customerRow).getByText("w-cust → w-shop")).toBeTruthy();
    expect(within(customerRow).getByText("3 h")).toBeTruthy();
    expect(await within(customerRow).findByRole("button", { name: "Approve" })).toBeTruthy();
    const mine = screen.getByText("N$50.50").closest("tr")!;
    expect(await within(mine).findByText(/Your own/)).toBeTruthy();
    expect(within(mine).queryByRole("button", { name: "Approve" })).toBeNull();
    const listed = new URL(calls[0]!.url, "http://x");
    expect(listed.pathname).toBe("/api/v1/transactions");
    expect(listed.searchParams.get("status")).toBe("pending_approval");
  });

  it("hides the actions from a caller without payment:approve", async () => {
    renderInbox(grantsAt("own", "user:read"), () => json(200, {}));
    const row = (await screen.findByText("N$12,345,678,901,234.99999999")).closest("tr")!;
    await screen.findByText(/Your own/);
    expect(within(row).queryByRole("button", { name: "Approve" })).toBeNull();
  });

  it("rejects only with a reason, after confirming, and shows the API's refusal", async () => {
    const calls = renderInbox(approver, () =>
      fail(409, "TXN_010", "The transaction is no longer pending"),
    );
    const row = (await screen.findByText("N$12,345,678,901,234.99999999")).closest("tr")!;
    fireEvent.click(await within(row).findByRole("button", { name: "Reject" }));
    const dialog = await screen.findByRole("dialog");
    const confirm = within(dialog).getByRole("button", { name: "Reject" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(dialog).getByRole("textbox"), { target: { value: "Unknown beneficiary" } });
    fireEvent.click(confirm);
    expect((await within(dialog).findByRole("alert")).textContent).toBe("The transaction is no longer pending");
    const call = calls.find((c) => c.url.endsWith("/reject"))!;
    expect(call.url).toBe("/api/v1/transactions/t-customer/reject");
    expect(call.body).toEqual({ reason: "Unknown beneficiary" });
  });
});
