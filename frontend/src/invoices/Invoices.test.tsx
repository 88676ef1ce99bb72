import { fireEvent, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { area } from ".";
import { fail, json, mockApi, mockObjectUrls, ok, pdf } from "../test/api";
import { withoutPermission } from "../test/permissions";
import { renderApp } from "../test/render";

const invoice = {
  id: "i-1",
  number: "INV-2026-000042",
  status: "issued",
  issuer: { id: "is-1", name: "Elcorp Namibia (Pty) Ltd", address: "Independence Ave, Windhoek", vat_number: "1234567" },
  payer_id: "u-7",
  payer: { name: "Ndapewa Shikongo", address: "Klein Windhoek", vat_number: null },
  currency: "NAD",
  vat_rate: "15",
  lines: [
    { description: "Fleet licence", quantity: "3", unit_price: "357827.50", net: "1073482.50" },
    { description: "Inspection", quantity: "1.5", unit_price: "0.01", net: "0.02" },
  ],
  subtotal: "1073482.52",
  vat: "161022.38",
  total: "1234504.90",
  credited: "0.00",
  amount_due: "1234504.90",
  issued_at: "2026-12-01T08:00:00Z",
  due_date: "2026-12-31",
  paid_at: null,
  paid_transaction_id: null,
  pending_transaction_id: null,
  voided_at: null,
  void_reason: null,
  created_by: "staff-1",
  created_at: "2026-11-30T08:00:00Z",
  credit_notes: [],
};
const listed = [{ ...invoice, total: "1234567.89", credit_notes: null }, { ...invoice, id: "i-2", number: null, status: "draft", total: "10", credit_notes: null }];

function api(onAction: () => Response = () => ok(invoice)) {
  return mockApi((call) => {
    if (call.path === "/invoices") return ok(listed);
    if (call.path === "/invoices/i-1") return ok(invoice);
    if (call.path === "/invoices/i-1/pdf") return pdf("INV-2026-000042.pdf");
    if (call.method === "POST" && call.path.startsWith("/invoices/i-1/")) return onAction();
    return undefined;
  });
}

describe("invoices", () => {
  it("lists invoices with exact totals, filtered by status as the API names it", async () => {
    const calls = api();
    renderApp(`/invoices?filter=${encodeURIComponent(JSON.stringify({ status: "issued" }))}`, area.resources!);
    const total = await screen.findByText("N$1,234,567.89");
    expect(total.closest("td")?.className).toMatch(/alignRight/);
    expect(screen.getByText("Draft (no number yet)")).toBeTruthy();
    expect(calls.find((c) => c.path === "/invoices")!.query.get("status")).toBe("issued");
  });

  it("shows lines, subtotal, VAT and total, and previews the PDF in the page", async () => {
    mockObjectUrls();
    const calls = api();
    renderApp("/invoices/i-1/show", area.resources!);
    const lines = await screen.findByRole("table", { name: "Lines" });
    expect(within(lines).getByText("N$1,073,482.50")).toBeTruthy();
    expect(within(lines).getByText("N$1,073,482.52")).toBeTruthy(); // subtotal
    expect(within(lines).getByText("VAT (15%)")).toBeTruthy();
    expect(within(lines).getByText("N$161,022.38")).toBeTruthy();
    expect(within(lines).getAllByText("N$1,234,504.90")).toHaveLength(2); // total, amount due

    const frame = (await screen.findByTitle("Invoice PDF preview")) as HTMLIFrameElement;
    expect(frame.tagName).toBe("IFRAME");
    expect(frame.getAttribute("src")).toMatch(/^blob:/);
    const link = screen.getByRole("link", { name: "Download invoice PDF" });
    expect(link.getAttribute("href")).toBe(frame.getAttribute("src"));
    expect(link.getAttribute("download")).toBe("INV-2026-000042.pdf");
    const fetched = calls.find((c) => c.path.endsWith("/pdf"))!;
    expect(fetched.method).toBe("GET");
    expect(fetched.path).toBe("/invoices/i-1/pdf");
  });

  it("hides issue, void and credit without invoice:manage", async () => {
    mockObjectUrls();
    api();
    renderApp("/invoices/i-1/show", area.resources!, withoutPermission("invoice:manage"));
    await screen.findByRole("table", { name: "Lines" });
    await screen.findByTitle("Invoice PDF preview");
    expect(screen.queryByRole("button", { name: "Void invoice" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Issue credit note" })).toBeNull();
  });

  it("voids only with a reason, after confirming, and shows the API's refusal", async () => {
    mockObjectUrls();
    const calls = api(() => fail(409, "INV_003", "A payment of this invoice is waiting for approval"));
    renderApp("/invoices/i-1/show", area.resources!);
    fireEvent.click(await screen.findByRole("button", { name: "Void invoice" }));
    const dialog = await screen.findByRole("dialog");
    const confirm = within(dialog).getByRole("button", { name: "Void now" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText(/Reason/), { target: { value: "Issued to the wrong payer" } });
    fireEvent.click(confirm);
    expect((await within(dialog).findByRole("alert")).textContent).toBe("A payment of this invoice is waiting for approval");
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.path).toBe("/invoices/i-1/void");
    expect(post.body).toEqual({ reason: "Issued to the wrong payer" });
  });

  it("issues a credit note with its lines and reason and an Idempotency-Key", async () => {
    mockObjectUrls();
    const calls = api(() => json(201, { status: "success", data: { id: "cn-1" } }));
    renderApp("/invoices/i-1/show", area.resources!);
    fireEvent.click(await screen.findByRole("button", { name: "Issue credit note" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByLabelText(/Line 1 description/), { target: { value: "Discount" } });
    fireEvent.change(within(dialog).getByLabelText(/Line 1 unit price/), { target: { value: "33.33" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Add line" }));
    fireEvent.change(within(dialog).getByLabelText(/Line 2 description/), { target: { value: "Late delivery" } });
    fireEvent.change(within(dialog).getByLabelText(/Line 2 quantity/), { target: { value: "2" } });
    fireEvent.change(within(dialog).getByLabelText(/Line 2 unit price/), { target: { value: "10.00" } });
    fireEvent.change(within(dialog).getByLabelText(/^Reason/), { target: { value: "Goodwill" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Issue credit note now" }));
    await screen.findByText("Credit note issued");
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.path).toBe("/invoices/i-1/credit-notes");
    expect(post.body).toEqual({
      lines: [
        { description: "Discount", quantity: "1", unit_price: "33.33" },
        { description: "Late delivery", quantity: "2", unit_price: "10.00" },
      ],
      reason: "Goodwill",
    });
    expect(post.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("issues a draft after confirming (no PDF before)", async () => {
    const draft = { ...invoice, id: "i-2", number: null, status: "draft" };
    const calls = mockApi((call) => {
      if (call.path === "/invoices/i-2" && call.method === "GET") return ok(draft);
      if (call.path === "/invoices/i-2/issue") return ok(invoice);
      return undefined;
    });
    renderApp("/invoices/i-2/show", area.resources!);
    expect(await screen.findByText("A draft has no PDF: issue it first.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Issue credit note" })).toBeNull();
    fireEvent.click(await screen.findByRole("button", { name: "Issue invoice" }));
    fireEvent.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Issue now" }));
    await screen.findByText("Invoice issued");
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.path).toBe("/invoices/i-2/issue");
    expect(post.body).toBeUndefined();
    expect(calls.some((c) => c.path.endsWith("/pdf") && c.path.includes("i-2"))).toBe(false);
  });
});
