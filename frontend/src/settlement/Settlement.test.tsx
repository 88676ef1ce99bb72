import { fireEvent, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { SettlementBatch } from "../api/types";
import { type Permissions, meets } from "../permissions";
import { type Call, fail, mockApi, ok } from "../test/api";
import { grantsAt } from "../test/permissions";
import { renderAdmin } from "../test/render";
import { area } from ".";
import { exportItems, parseCsv } from "./batches";
import { BatchDetails } from "./BatchShow";
import { SettlementPage } from "./SettlementPage";

const batch: SettlementBatch = {
  id: "5e0c1d2e-0000-4000-8000-000000000001",
  business_date: "2026-12-06",
  currency: "NAD",
  status: "closed",
  count: 3,
  deposits_count: 2,
  deposits_total: "1000000.5",
  withdrawals_count: 1,
  withdrawals_total: "250.00",
  net: "999750.50",
  created_at: "2026-12-06T00:00:00Z",
  closed_at: "2026-12-07T01:00:00Z",
  closed_by: null,
};

const EXPORT =
  "transaction_id,type,amount,currency,completed_at,reference,count\n" +
  'a1,deposit,1000000.00,NAD,2026-12-06T08:00:00Z,"TOP, UP ""1""",\n' +
  "a2,withdrawal,-250.00,NAD,2026-12-06T09:00:00Z,WD-2,\n" +
  ",deposits_total,1000000.50,NAD,,,2\n";

const finance = grantsAt("own", "payment:reconcile");

/** Answers by `answer`; anything else gets the batches list. */
function setup(answer: (call: Call) => Response | undefined): Call[] {
  return mockApi(answer, () => ok([batch], { has_more: false, next_cursor: null, limit: 25 }));
}

describe("settlement batches", () => {
  it("lists batches with exact totals", async () => {
    setup(() => undefined);
    renderAdmin(<SettlementPage />, finance);
    const row = (await screen.findByText("2026-12-06")).closest("tr")!;
    expect(within(row).getByText("N$1,000,000.50")).toBeTruthy();
    expect(within(row).getByText("N$999,750.50")).toBeTruthy();
    expect(within(row).getByText("Closed")).toBeTruthy();
  });

  it("closes a batch only after confirming, and shows the API's refusal", async () => {
    const calls = setup((call) =>
      call.method === "POST" ? fail(409, "SET_001", "The business day is not over yet") : undefined,
    );
    renderAdmin(<SettlementPage />, finance);
    fireEvent.click(await screen.findByRole("button", { name: "Close batch" }));
    expect(calls.some((call) => call.method === "POST")).toBe(false);
    const dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByLabelText(/Business day/), { target: { value: "2026-12-07" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Close batch" }));
    expect((await within(dialog).findByRole("alert")).textContent).toContain("The business day is not over yet");
    const post = calls.find((call) => call.method === "POST")!;
    expect(post.url).toBe("/api/v1/settlement/batches/close");
    expect(post.body).toEqual({ date: "2026-12-07", currency: "NAD" });
    expect(post.headers.get("Idempotency-Key")).toBeTruthy();
  });

  it("hides closing from a caller without payment:reconcile", async () => {
    setup(() => undefined);
    renderAdmin(<SettlementPage />, grantsAt("own", "user:read"));
    await screen.findByText("2026-12-06");
    expect(screen.queryByRole("button", { name: "Close batch" })).toBeNull();
  });

  it("shows a batch's totals and its items from the export", async () => {
    const calls = setup((call) => (call.path.endsWith("/export") ? new Response(EXPORT, { status: 200, headers: { "Content-Type": "text/csv" } }) : undefined));
    renderAdmin(<BatchDetails batch={batch} />, finance);
    const totals = screen.getByRole("table", { name: "Totals" });
    expect(within(totals).getByText("N$1,000,000.50")).toBeTruthy();
    expect(within(totals).getByText("N$250.00")).toBeTruthy();
    fireEvent.click(await screen.findByRole("button", { name: "Show items" }));
    const items = await screen.findByRole("region", { name: "Items (2)" });
    expect(within(items).getByText('TOP, UP "1"')).toBeTruthy();
    expect(within(items).getByText("-N$250.00")).toBeTruthy();
    const call = calls.find((c) => c.url.endsWith("/export"))!;
    expect(call.url).toBe(`/api/v1/settlement/batches/${batch.id}/export`);
  });

  it("parses RFC 4180 CSV", () => {
    expect(parseCsv('a,"b,c","d""e"\r\n"multi\nline",,\n')).toEqual([
      ["a", "b,c", 'd"e'],
      ["multi\nline", "", ""],
    ]);
    expect(exportItems(EXPORT).map((i) => i.transaction_id)).toEqual(["a1", "a2"]);
  });
});

describe("settlement menu entry", () => {
  it("sits in Money and needs payment:reconcile", () => {
    const [entry] = area.menu;
    expect(entry?.to).toBe("/settlement");
    expect(entry?.group).toBe("Money");
    const staff: Permissions = { roles: ["staff"], permissions: ["payment:reconcile"], withheld: [], scopes: {} };
    expect(meets(staff, entry!.requires)).toBe(true);
    expect(meets({ ...staff, permissions: ["payment:create", "audit:view"] }, entry!.requires)).toBe(false);
  });
});
