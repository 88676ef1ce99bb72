import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { area } from ".";
import { dayEnd, dayStart, endToDay, startToDay } from "../shared/dates";
import { fail, mockApi, mockObjectUrls, ok, pdf } from "../test/api";
import { transaction } from "../test/fixtures";
import { renderApp } from "../test/render";

/** Decided and completed: the page shows the decision. */
const base = {
  description: "Rent December",
  completed_at: "2026-12-01T08:05:00Z",
  decided_by: "u-9",
  decided_at: "2026-12-01T08:04:00Z",
  decision_reason: "Checked with the customer",
};
const rows = [
  transaction({ ...base, id: "t-1", amount: "1234567.89", source_wallet_id: "w-a", destination_wallet_id: "w-b" }),
  transaction({ ...base, id: "t-2", amount: "0.5", type: "deposit", status: "pending_approval", source_wallet_id: "w-c", destination_wallet_id: "w-d" }),
];

describe("transaction dates", () => {
  it("turns picked days into Windhoek instants, the end day included", () => {
    expect(dayStart("2026-11-01")).toBe("2026-11-01T00:00:00+02:00");
    expect(dayEnd("2026-11-30")).toBe("2026-12-01T00:00:00+02:00");
    expect(dayEnd("2026-12-31")).toBe("2027-01-01T00:00:00+02:00");
    expect(startToDay(dayStart("2026-11-01"))).toBe("2026-11-01");
    expect(endToDay(dayEnd("2026-11-30"))).toBe("2026-11-30");
    expect(dayStart("")).toBe("");
  });
});

describe("transactions", () => {
  it("lists the API's rows with exact, right-aligned amounts and the API's filter names", async () => {
    const calls = mockApi((call) => (call.path === "/transactions" ? ok(rows) : undefined));
    const filter = { status: "completed", type: "transfer", from: dayStart("2026-11-01"), to: dayEnd("2026-11-30") };
    renderApp(`/transactions?filter=${encodeURIComponent(JSON.stringify(filter))}`, area.resources!);

    const amount = await screen.findByText("N$1,234,567.89");
    expect(amount.closest("td")?.className).toMatch(/alignRight/);
    expect(screen.getByText("N$0.50")).toBeTruthy();
    const row = amount.closest("tr")!;
    expect(within(row).getByText("w-a → w-b")).toBeTruthy();
    expect(within(row).getByText("Completed")).toBeTruthy();
    const listed = calls.find((c) => c.path === "/transactions")!;
    expect(Object.fromEntries(listed.query)).toMatchObject({
      status: "completed",
      type: "transfer",
      from: "2026-11-01T00:00:00+02:00",
      to: "2026-12-01T00:00:00+02:00",
    });
    // Read-only: no decision here (the approvals inbox decides).
    expect(screen.queryByRole("button", { name: "Approve" })).toBeNull();
  });

  it("sends a picked day range as the API's from/to instants", async () => {
    const calls = mockApi((call) => (call.path === "/transactions" ? ok(rows) : undefined));
    renderApp("/transactions", area.resources!);
    await screen.findByText("N$1,234,567.89");
    fireEvent.change(screen.getByLabelText("From date"), { target: { value: "2026-11-01" } });
    fireEvent.blur(screen.getByLabelText("From date"));
    fireEvent.change(screen.getByLabelText("To date"), { target: { value: "2026-11-30" } });
    fireEvent.blur(screen.getByLabelText("To date"));
    await waitFor(() => {
      const last = calls.filter((c) => c.path === "/transactions").at(-1)!;
      expect(last.query.get("from")).toBe("2026-11-01T00:00:00+02:00");
      expect(last.query.get("to")).toBe("2026-12-01T00:00:00+02:00");
    });
    expect((screen.getByLabelText("To date") as HTMLInputElement).value).toBe("2026-11-30");
  });

  it("shows a transaction's parties and status history, and downloads its receipt", async () => {
    const files = mockObjectUrls();
    const calls = mockApi((call) => {
      if (call.path === "/transactions/t-1") return ok(rows[0]);
      if (call.path === "/transactions/t-1/receipt") return pdf("INV-2026-000007.pdf");
      return undefined;
    });
    renderApp("/transactions/t-1/show", area.resources!);

    expect(await screen.findByText("N$1,234,567.89")).toBeTruthy();
    expect(screen.getByText("Checked with the customer")).toBeTruthy();
    expect(screen.getByRole("link", { name: "w-a" }).getAttribute("href")).toContain("/wallets/w-a/show");
    expect(screen.queryByRole("button", { name: /Approve|Reject|Reverse/ })).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: "Download receipt (PDF)" }));
    await waitFor(() => expect(files.clicked).toHaveLength(1));
    expect(files.clicked[0]!.download).toBe("INV-2026-000007.pdf");
    const download = calls.find((c) => c.path.endsWith("/receipt"))!;
    expect(download.method).toBe("GET");
    expect(download.path).toBe("/transactions/t-1/receipt");
  });

  it("shows the API's refusal when a transaction has no receipt", async () => {
    mockApi((call) => {
      if (call.path === "/transactions/t-1") return ok(rows[0]);
      if (call.path === "/transactions/t-1/receipt") return fail(404, "RES_001", "This transaction paid no invoice");
      return undefined;
    });
    renderApp("/transactions/t-1/show", area.resources!);
    fireEvent.click(await screen.findByRole("button", { name: "Download receipt (PDF)" }));
    expect((await screen.findByRole("alert")).textContent).toBe("This transaction paid no invoice");
  });
});
