import { fireEvent, screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { type Permissions, meets } from "../permissions";
import { type Call, file, json, mockApi, ok } from "../test/api";
import { grantsAt } from "../test/permissions";
import { renderAdmin } from "../test/render";
import { area } from ".";
import { addDays, previousMonth, startOfBusinessDay } from "../shared/dates";
import { sha256FromReprDigest, sha256Hex } from "../shared/files";
import { ReportsPage } from "./ReportsPage";


const CSV = "id,amount\nt1,10.00\n";
// SHA-256 of CSV, as hex and as the Repr-Digest header's base64.
const HEX = "699966ba0ccf14ea74525d6ec91e2feaa1f08bf314b4ca48836e475f825818a3";
const REPR = "sha-256=:aZlmugzPFOp0Ul1uyR4v6qHwi/MUtMpIg25HX4JYGKM=:";

const record = {
  id: "7c1f0000-0000-4000-8000-000000000001",
  type: "large-transactions",
  period: "2026-10",
  format: "pdf",
  sha256: "cd".repeat(32),
  size_bytes: 2048,
  rows: 12,
  generated_by: "system",
  generated_at: "2026-11-01T02:00:00Z",
};

/** Any report download gets `download`; anything else the stored reports. */
function renderPage(permissions: Permissions, download: () => Response): Call[] {
  const calls = mockApi(
    (call) => (call.path.startsWith("/reports/") ? download() : undefined),
    () => ok([record], { has_more: false, next_cursor: null, limit: 25 }),
  );
  renderAdmin(<ReportsPage />, permissions);
  return calls;
}

const officer = grantsAt("own", "report:generate");

beforeEach(() => {
  URL.createObjectURL = vi.fn(() => "blob:report");
  URL.revokeObjectURL = vi.fn();
});

describe("regulatory reports", () => {
  it("lists the stored reports", async () => {
    renderPage(officer, () => json(500, {}));
    const row = (await screen.findByText("Large transactions")).closest("tr")!;
    expect(within(row).getByText("2026-10")).toBeTruthy();
    expect(within(row).getByText("PDF")).toBeTruthy();
    expect(within(row).getByText("cd".repeat(32))).toBeTruthy();
  });

  it("downloads the chosen report and shows its SHA-256 from Repr-Digest, checked", async () => {
    const calls = renderPage(officer, () =>
      file("transactions-2026-11.csv", CSV, "text/csv", { "Repr-Digest": REPR, "X-Report-Id": record.id }),
    );
    const period = await screen.findByLabelText(/^Period \(YYYY-MM\)/);
    fireEvent.change(period, { target: { value: "2026-11" } });
    fireEvent.click(screen.getByRole("button", { name: "Download report" }));
    const status = await screen.findByRole("status");
    await within(status).findByText(HEX);
    expect(within(status).getByText("transactions-2026-11.csv")).toBeTruthy();
    expect(await within(status).findByText(/matches this SHA-256/)).toBeTruthy();
    const call = calls.find((c) => c.url.includes("/reports/"))!;
    const url = new URL(call.url, "http://x");
    expect(url.pathname).toBe("/api/v1/reports/transactions");
    expect(url.searchParams.get("period")).toBe("2026-11");
    expect(url.searchParams.get("format")).toBe("csv");
    expect(URL.createObjectURL).toHaveBeenCalled();
  });

  it("says so when the file does not match its digest", async () => {
    renderPage(officer, () => new Response("tampered", { status: 200, headers: { "Repr-Digest": REPR } }));
    fireEvent.click(await screen.findByRole("button", { name: "Download report" }));
    expect(await screen.findByText(/does not match the server's digest/)).toBeTruthy();
  });

  it("shows the API's refusal", async () => {
    renderPage(officer, () =>
      json(422, { status: "validation_error", error: { code: "RPT_003", message: "The period has not ended yet", details: [] } }),
    );
    fireEvent.click(await screen.findByRole("button", { name: "Download report" }));
    expect(await screen.findByText("The period has not ended yet")).toBeTruthy();
  });

  it("hides generation from a caller without report:generate", async () => {
    renderPage(grantsAt("own", "user:read"), () => json(500, {}));
    await screen.findByText("Large transactions");
    expect(screen.queryByRole("button", { name: "Download report" })).toBeNull();
  });
});

describe("file and date helpers", () => {
  it("reads the SHA-256 of a Repr-Digest header", () => {
    expect(sha256FromReprDigest(`sha-512=:AAAA:, ${REPR}`)).toBe(HEX);
    expect(sha256FromReprDigest("sha-512=:AAAA:")).toBeNull();
    expect(sha256FromReprDigest(null)).toBeNull();
  });

  it("computes a file's SHA-256", async () => {
    // A fetched body, as in the app (jsdom's own Blob hands Web Crypto a foreign ArrayBuffer).
    expect(await sha256Hex(await new Response(CSV).blob())).toBe(HEX);
  });

  it("counts business days and months in Africa/Windhoek", () => {
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(previousMonth(new Date("2026-01-15T12:00:00Z"))).toBe("2025-12");
    // 22:30 UTC on 31 October is already 1 November in Windhoek (UTC+2).
    expect(previousMonth(new Date("2026-10-31T22:30:00Z"))).toBe("2026-10");
    expect(startOfBusinessDay("2026-12-01")).toBe("2026-12-01T00:00:00+02:00");
  });
});

describe("reports menu entry", () => {
  it("sits in Compliance and needs report:generate", () => {
    const [entry] = area.menu;
    expect(entry?.to).toBe("/reports");
    expect(entry?.group).toBe("Compliance");
    const staff: Permissions = { roles: ["staff"], permissions: ["report:generate"], withheld: [], scopes: {} };
    expect(meets(staff, entry!.requires)).toBe(true);
    expect(meets({ ...staff, permissions: ["payment:create", "audit:view"] }, entry!.requires)).toBe(false);
  });
});
