import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Permissions } from "../permissions";
import { type Call, type Routes, fail, mockApi, ok } from "../test/api";
import { grants, grantsAt } from "../test/permissions";
import { renderAdmin } from "../test/render";
import { HomePage } from "./HomePage";

// The chart module is a picture (recharts); the figures are asserted through the text.
vi.mock("./Charts", () => ({
  default: ({ rows }: { rows: { label: string; tip: string[] }[] }) => (
    <div data-testid="chart">{rows.map((r) => `${r.label}: ${r.tip.join(" / ")}`).join(" | ")}</div>
  ),
}));

const DAILY = {
  time_zone: "Africa/Windhoek",
  first: "2026-12-06",
  last: "2026-12-08",
  days: [
    { date: "2026-12-06", count: 2, totals: [{ currency: "NAD", count: 2, value: "12345678901234.99999999" }] },
    { date: "2026-12-07", count: 0, totals: [] },
    {
      date: "2026-12-08",
      count: 12,
      totals: [
        { currency: "NAD", count: 11, value: "4500.00" },
        { currency: "ZAR", count: 1, value: "0.5" },
      ],
    },
  ],
};
const QUEUE = {
  pending: 5,
  under_1h: 1,
  from_1h_to_4h: 2,
  from_4h_to_24h: 1,
  over_24h: 1,
  oldest_created_at: new Date(Date.now() - 30 * 3600_000).toISOString(),
};
const INCIDENTS = { total: 7, by_priority: { P1: 2, P2: 0, P3: 4, P4: 1, P5: 0 } };
const SLA = {
  start: "2026-11-30T22:00:00.000Z",
  end: "2026-12-31T22:00:00.000Z",
  groups: [],
  by_case_type: [
    { case_type: "incident", category: "*", priority: "*", cases: 20, response_met: 19, response_decided: 20, response_met_percent: "95.0", resolution_met: 15, resolution_decided: 16, resolution_met_percent: "93.8", breached: 2 },
    { case_type: "privacy_request", category: "*", priority: "*", cases: 3, response_met: 0, response_decided: 0, response_met_percent: null, resolution_met: 0, resolution_decided: 0, resolution_met_percent: null, breached: 0 },
  ],
};
const run = (id: string, created: string, bank: number, ledger: number) => ({
  id,
  status: "completed",
  statement_from: "2026-12-01",
  statement_to: "2026-12-07",
  file_name: "bank.csv",
  file_sha256: "ab",
  statement_lines: 10,
  counts: { matched: 6, unmatched_in_bank: bank, unmatched_in_ledger: ledger },
  created_by: "staff-1",
  created_at: created,
});
const RUNS = [run("r2", "2026-12-08T08:00:00.000Z", 3, 1), run("r1", "2026-12-01T08:00:00.000Z", 0, 2)];

const ANSWERS: Routes = {
  "GET /transactions/daily": () => ok(DAILY),
  "GET /transactions/approval-queue": () => ok(QUEUE),
  "GET /incidents/open-by-priority": () => ok(INCIDENTS),
  "GET /sla/report": () => ok(SLA),
  "GET /reconciliation/runs": () => ok(RUNS, { has_more: false, next_cursor: null, limit: 5 }),
};

let answers: Routes;
beforeEach(() => {
  answers = { ...ANSWERS };
});

function renderHome(permissions: Permissions): Call[] {
  const calls = mockApi(answers);
  renderAdmin(<HomePage />, permissions);
  return calls;
}

const paths = (calls: Call[]) => calls.map((call) => new URL(call.url, "http://x").pathname);

const everything = grants("payment:create", "payment:approve", "payment:reconcile", "incident:read", "sla:read", "user:read");

function section(name: string): HTMLElement {
  return screen.getByRole("region", { name });
}

describe("home page", () => {
  it("shows the transfers per day with exact money strings", async () => {
    const calls = renderHome(everything);
    expect(await screen.findByText("Today: 12 transfers, N$4,500.00, R0.50")).toBeTruthy();
    const daily = section("Transfers per day");
    const table = within(daily).getByRole("table", { name: "Transfers per day" });
    const first = within(table).getByText("6 Dec").closest("tr")!;
    expect(within(first).getByText("N$12,345,678,901,234.99999999")).toBeTruthy();
    expect(within(within(table).getByText("7 Dec").closest("tr")!).getByText("None")).toBeTruthy();
    // The chart's tooltips carry the exact strings too.
    expect((await within(daily).findByTestId("chart")).textContent).toContain("6 Dec: 2 transfers / N$12,345,678,901,234.99999999");
    const called = calls.map((call) => new URL(call.url, "http://x"));
    expect(called.find((u) => u.pathname === "/api/v1/transactions/daily")?.searchParams.get("days")).toBe("14");
  });

  it("shows the approvals waiting by age", async () => {
    renderHome(everything);
    expect(await screen.findByText(/^5 waiting for approval, the oldest since .+ \(30 h\)$/)).toBeTruthy();
    const table = within(section("Approvals waiting")).getByRole("table", { name: "Approvals waiting" });
    expect(within(within(table).getByText("1–4 h").closest("tr")!).getByText("2")).toBeTruthy();
    expect(within(within(table).getByText("24 h or more").closest("tr")!).getByText("1")).toBeTruthy();
  });

  it("shows open incidents by priority, SLA compliance and reconciliation exceptions", async () => {
    const calls = renderHome(everything);
    expect(await screen.findByText("7 incidents not closed: P1 2, P2 0, P3 4, P4 1, P5 0")).toBeTruthy();
    expect(await screen.findByText(/^\d{4}-\d{2}: 23 cases, 2 breached$/)).toBeTruthy();
    const sla = within(section("SLA compliance")).getByRole("table", { name: "SLA compliance" });
    const incident = within(sla).getByText("incident").closest("tr")!;
    expect(within(incident).getByText("95.0% (19 of 20)")).toBeTruthy();
    expect(within(incident).getByText("93.8% (15 of 16)")).toBeTruthy();
    expect(within(within(sla).getByText("privacy_request").closest("tr")!).getAllByText("No goal decided")).toHaveLength(2);
    expect(await screen.findByText(/^Latest run \(.+\): 3 unmatched in bank, 1 unmatched in ledger$/)).toBeTruthy();
    const called = calls.map((call) => new URL(call.url, "http://x"));
    expect(called.find((u) => u.pathname === "/api/v1/sla/report")?.searchParams.get("period")).toMatch(/^\d{4}-\d{2}$/);
    expect(called.find((u) => u.pathname === "/api/v1/reconciliation/runs")?.searchParams.get("limit")).toBe("5");
  });

  it("shows only the sections the caller's permissions allow, and asks only for those", async () => {
    const calls = renderHome(grants("incident:read", "user:read"));
    expect(await screen.findByText(/incidents not closed/)).toBeTruthy();
    for (const hidden of ["Transfers per day", "Approvals waiting", "SLA compliance", "Reconciliation exceptions"]) {
      expect(screen.queryByRole("heading", { name: hidden })).toBeNull();
    }
    expect(paths(calls)).toEqual(["/api/v1/incidents/open-by-priority"]);
  });

  it("needs everyone's transactions for the daily figures: a customer's own-scope grant is not enough", async () => {
    const calls = renderHome(grantsAt("own", "payment:create", "user:read"));
    expect(await screen.findByText("There is nothing on the home page for your permissions.")).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Transfers per day" })).toBeNull();
    expect(paths(calls)).toEqual([]);
  });

  it("shows the API's message when a figure is refused", async () => {
    answers["GET /transactions/approval-queue"] = () => fail(403, "ACC_001", "You may not approve payments");
    renderHome(everything);
    const message = await screen.findByText("You may not approve payments");
    expect(section("Approvals waiting").contains(message)).toBe(true);
  });

  it("says so when nothing waits and there is no run yet", async () => {
    answers["GET /transactions/approval-queue"] = () => ok({ ...QUEUE, pending: 0, under_1h: 0, from_1h_to_4h: 0, from_4h_to_24h: 0, over_24h: 0, oldest_created_at: null });
    answers["GET /reconciliation/runs"] = () => ok([], { has_more: false });
    renderHome(everything);
    expect(await screen.findByText("Nothing waits for approval.")).toBeTruthy();
    expect(await screen.findByText("No reconciliation runs yet.")).toBeTruthy();
  });
});
