import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ReconciliationRun } from "../api/types";
import { type Permissions, meets } from "../permissions";
import { type Call, created, fail, json, mockApi, ok } from "../test/api";
import { grantsAt } from "../test/permissions";
import { renderAdmin } from "../test/render";
import { area } from ".";
import { ReconciliationPage } from "./ReconciliationPage";
import { RunDetails } from "./RunShow";

const run: ReconciliationRun = {
  id: "0b7e1c1e-0000-4000-8000-000000000001",
  status: "completed",
  statement_from: "2026-11-01",
  statement_to: "2026-11-30",
  file_name: "november.csv",
  file_sha256: "ab".repeat(32),
  statement_lines: 3,
  counts: { matched: 1, unmatched_in_bank: 1, unmatched_in_ledger: 1 },
  created_by: "0b7e1c1e-0000-4000-8000-0000000000aa",
  created_at: "2026-12-01T08:00:00Z",
  matched: [
    {
      line: 2,
      date: "2026-11-03",
      ledger_date: "2026-11-03",
      reference: "TOPUP-1",
      amount: "1500.5",
      currency: "NAD",
      transaction_id: "0b7e1c1e-0000-4000-8000-0000000000b1",
      type: "deposit",
    },
  ],
  unmatched_in_bank: [{ line: 3, date: "2026-11-04", reference: "UNKNOWN", amount: "12345678.12345678", currency: "NAD" }],
  unmatched_in_ledger: [
    {
      transaction_id: "0b7e1c1e-0000-4000-8000-0000000000b2",
      type: "withdrawal",
      date: "2026-11-05",
      reference: "WD-9",
      amount: "-250.00",
      currency: "NAD",
    },
  ],
};

const reconciler = grantsAt("own", "payment:reconcile");

/** The runs list answers every GET; a POST (the upload) gets `uploadAnswer`. */
function renderPage(permissions: Permissions, uploadAnswer: () => Response): Call[] {
  const { counts, id, created_at, statement_from, statement_to, file_name, file_sha256, statement_lines, status, created_by } = run;
  const item = { counts, id, created_at, statement_from, statement_to, file_name, file_sha256, statement_lines, status, created_by };
  const calls = mockApi((call) => (call.method === "POST" ? uploadAnswer() : ok([item], { has_more: false, next_cursor: null, limit: 25 })));
  renderAdmin(<ReconciliationPage />, permissions);
  return calls;
}

async function chooseFile(name = "statement.csv", type = "text/csv") {
  const file = new File(["date,reference,amount,currency\n2026-11-03,TOPUP-1,1500.50,NAD\n"], name, { type });
  fireEvent.change(await screen.findByLabelText("Bank statement (CSV)"), { target: { files: [file] } });
  return file;
}



describe("reconciliation", () => {
  it("lists runs with their counts", async () => {
    const calls = renderPage(reconciler, () => json(201, {}));
    const row = (await screen.findByText("november.csv")).closest("tr")!;
    expect(within(row).getByText("2026-11-01 – 2026-11-30")).toBeTruthy();
    expect(new URL(calls[0]!.url, "http://x").pathname).toBe("/api/v1/reconciliation/runs");
  });

  it("uploads the statement as multipart in the field `file`", async () => {
    const calls = renderPage(reconciler, () => created(run));
    const upload = (await screen.findByRole("button", { name: "Upload statement" })) as HTMLButtonElement;
    expect(upload.disabled).toBe(true);
    const file = await chooseFile();
    fireEvent.click(upload);
    await waitFor(() => expect(calls.some((call) => call.method === "POST")).toBe(true));
    const post = calls.find((call) => call.method === "POST")!;
    expect(post.url).toBe("/api/v1/reconciliation/runs");
    const body = post.body as FormData;
    expect(body).toBeInstanceOf(FormData);
    const sent = body.get("file") as File;
    expect(sent.name).toBe(file.name);
    expect(sent.type).toBe("text/csv");
    expect(await sent.text()).toBe(await file.text());
    expect(post.headers.get("Content-Type")).toBeNull(); // the browser sets the multipart boundary
  });

  it("sends a .csv file of unknown type as text/csv", async () => {
    const calls = renderPage(reconciler, () => created(run));
    await chooseFile("statement.csv", "");
    fireEvent.click(await screen.findByRole("button", { name: "Upload statement" }));
    await waitFor(() => expect(calls.some((call) => call.method === "POST")).toBe(true));
    const post = calls.find((call) => call.method === "POST")!;
    expect(((post.body as FormData).get("file") as File).type).toBe("text/csv");
  });

  it("shows a refused file's malformed lines in a table", async () => {
    renderPage(reconciler, () =>
      json(422, {
        status: "validation_error",
        error: {
          code: "REC_001",
          message: "2 malformed row(s) in the bank statement; nothing was reconciled",
          details: [
            { line: 3, message: "amount: not a decimal number" },
            { line: 7, message: "date: expected YYYY-MM-DD" },
          ],
        },
      }),
    );
    await chooseFile();
    fireEvent.click(await screen.findByRole("button", { name: "Upload statement" }));
    const heading = await screen.findByRole("heading", { name: "Malformed lines" });
    expect(heading).toBeTruthy();
    expect(screen.getByText("2 malformed row(s) in the bank statement; nothing was reconciled")).toBeTruthy();
    const table = screen.getByRole("table", { name: "Malformed lines" });
    expect(within(table).getByRole("columnheader", { name: "Line" })).toBeTruthy();
    expect(within(table).getByRole("columnheader", { name: "Problem" })).toBeTruthy();
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => within(r).getAllByRole("cell").map((c) => c.textContent))).toEqual([
      ["3", "amount: not a decimal number"],
      ["7", "date: expected YYYY-MM-DD"],
    ]);
  });

  it("shows another refusal's message without a table", async () => {
    renderPage(reconciler, () =>
      fail(415, "REC_003", "The bank statement must be a CSV file (text/csv)"),
    );
    await chooseFile("statement.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    fireEvent.click(await screen.findByRole("button", { name: "Upload statement" }));
    expect(await screen.findByText("The bank statement must be a CSV file (text/csv)")).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Malformed lines" })).toBeNull();
  });

  it("hides the upload from a caller without payment:reconcile", async () => {
    renderPage(grantsAt("own", "user:read"), () => json(201, {}));
    await screen.findByText("november.csv");
    expect(screen.queryByRole("button", { name: "Upload statement" })).toBeNull();
    expect(screen.queryByLabelText("Bank statement (CSV)")).toBeNull();
  });

  it("shows a run's matched and unmatched lines with exact amounts", () => {
    render(<RunDetails run={run} />);
    const inLedger = screen.getByRole("region", { name: "Missing in ledger (1)" });
    expect(within(inLedger).getByText("N$12,345,678.12345678")).toBeTruthy();
    const inBank = screen.getByRole("region", { name: "Missing in bank (1)" });
    expect(within(inBank).getByText("-N$250.00")).toBeTruthy();
    expect(within(screen.getByRole("region", { name: "Matched (1)" })).getByText("N$1,500.50")).toBeTruthy();
  });
});

describe("reconciliation menu entry", () => {
  it("sits in Money and needs payment:reconcile", () => {
    const [entry] = area.menu;
    expect(entry?.to).toBe("/reconciliation");
    expect(entry?.group).toBe("Money");
    const staff: Permissions = { roles: ["staff"], permissions: ["payment:reconcile"], withheld: [], scopes: {} };
    expect(meets(staff, entry!.requires)).toBe(true);
    expect(meets({ ...staff, permissions: ["payment:create", "audit:view"] }, entry!.requires)).toBe(false);
  });
});
