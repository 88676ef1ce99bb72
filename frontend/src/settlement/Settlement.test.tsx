import { configure, fireEvent, render, screen, within } from "@testing-library/react";
import { AdminContext, type AuthProvider } from "react-admin";
import { describe, expect, it, vi } from "vitest";
import { api } from "../api/client";
import type { SettlementBatch } from "../api/types";
import { createDataProvider } from "../dataProvider";
import { type Permissions, meets } from "../permissions";
import { area } from ".";
import { exportItems, parseCsv } from "./batches";
import { BatchDetails } from "./BatchShow";
import { SettlementPage } from "./SettlementPage";

// The first render of a file loads react-admin and MUI: slow on a busy machine.
configure({ asyncUtilTimeout: 5000 });

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

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

const finance: Permissions = { roles: ["finance"], permissions: ["payment:reconcile"], withheld: [], scopes: {} };

function setup(permissions: Permissions, answer: (url: URL, init?: RequestInit) => Response | undefined) {
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://x");
    return (
      answer(url, init) ??
      json(200, { status: "success", data: [batch], meta: { has_more: false, next_cursor: null, limit: 25 } })
    );
  });
  vi.spyOn(globalThis, "fetch").mockImplementation(fetch);
  const authProvider: AuthProvider = {
    login: async () => {},
    logout: async () => {},
    checkAuth: async () => {},
    checkError: async () => {},
    getPermissions: async () => permissions,
  };
  return { fetch, authProvider };
}

describe("settlement batches", { timeout: 20_000 }, () => {
  it("lists batches with exact totals", async () => {
    const { authProvider } = setup(finance, () => undefined);
    render(
      <AdminContext dataProvider={createDataProvider(api)} authProvider={authProvider}>
        <SettlementPage />
      </AdminContext>,
    );
    const row = (await screen.findByText("2026-12-06")).closest("tr")!;
    expect(within(row).getByText("N$1,000,000.50")).toBeTruthy();
    expect(within(row).getByText("N$999,750.50")).toBeTruthy();
    expect(within(row).getByText("Closed")).toBeTruthy();
  });

  it("closes a batch only after confirming, and shows the API's refusal", async () => {
    const { fetch, authProvider } = setup(finance, (_url, init) =>
      init?.method === "POST"
        ? json(409, { status: "error", error: { code: "SET_001", message: "The business day is not over yet", details: null } })
        : undefined,
    );
    render(
      <AdminContext dataProvider={createDataProvider(api)} authProvider={authProvider}>
        <SettlementPage />
      </AdminContext>,
    );
    fireEvent.click(await screen.findByRole("button", { name: "Close batch" }));
    expect(fetch.mock.calls.some(([, init]) => init?.method === "POST")).toBe(false);
    const dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByLabelText(/Business day/), { target: { value: "2026-12-07" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Close batch" }));
    expect((await within(dialog).findByRole("alert")).textContent).toContain("The business day is not over yet");
    const [input, init] = fetch.mock.calls.find(([, options]) => options?.method === "POST")!;
    expect(String(input)).toBe("/api/v1/settlement/batches/close");
    expect(JSON.parse(String(init?.body))).toEqual({ date: "2026-12-07", currency: "NAD" });
    expect(new Headers(init?.headers).get("Idempotency-Key")).toBeTruthy();
  });

  it("hides closing from a caller without payment:reconcile", async () => {
    const { authProvider } = setup({ roles: ["support"], permissions: ["user:read"], withheld: [], scopes: {} }, () => undefined);
    render(
      <AdminContext dataProvider={createDataProvider(api)} authProvider={authProvider}>
        <SettlementPage />
      </AdminContext>,
    );
    await screen.findByText("2026-12-06");
    expect(screen.queryByRole("button", { name: "Close batch" })).toBeNull();
  });

  it("shows a batch's totals and its items from the export", async () => {
    const { fetch, authProvider } = setup(finance, (url) =>
      url.pathname.endsWith("/export")
        ? new Response(EXPORT, { status: 200, headers: { "Content-Type": "text/csv" } })
        : undefined,
    );
    render(
      <AdminContext dataProvider={createDataProvider(api)} authProvider={authProvider}>
        <BatchDetails batch={batch} />
      </AdminContext>,
    );
    const totals = screen.getByRole("table", { name: "Totals" });
    expect(within(totals).getByText("N$1,000,000.50")).toBeTruthy();
    expect(within(totals).getByText("N$250.00")).toBeTruthy();
    fireEvent.click(await screen.findByRole("button", { name: "Show items" }));
    const items = await screen.findByRole("region", { name: "Items (2)" });
    expect(within(items).getByText('TOP, UP "1"')).toBeTruthy();
    expect(within(items).getByText("-N$250.00")).toBeTruthy();
    const call = fetch.mock.calls.find(([input]) => String(input).endsWith("/export"))!;
    expect(String(call[0])).toBe(`/api/v1/settlement/batches/${batch.id}/export`);
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
