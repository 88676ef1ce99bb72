import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiClient } from "../api/client";
import type { AuditExportManifest, AuditLogEntry, AuditVerification } from "../api/types";
import { type Permissions, meets } from "../permissions";
import { type Call, fail, file, mockApi, ok } from "../test/api";
import { grants } from "../test/permissions";
import { renderAdmin } from "../test/render";
import { area } from ".";
import { fetchManifest } from "./auditApi";
import { AuditPage } from "./AuditPage";

const EXPORT =
  `{"entry":{"action":"user.login"},"hash":"${"aa".repeat(32)}","seq":1}\n` +
  `{"entry":{"action":"role.assigned"},"hash":"${"bb".repeat(32)}","seq":2}\n`;
const EXPORT_SHA256 = "fce6d47694333c9c7008524d9e39d539e98f136e8b8bab033e03ee3dbe45dfcb";
const EXPORT_ID = "9d0e0000-0000-4000-8000-000000000001";

const manifest: AuditExportManifest = {
  format: "elcorp-audit-export",
  version: 1,
  data_format: "jsonl",
  count: 2,
  first_seq: 1,
  last_seq: 2,
  previous_hash: "00".repeat(32),
  last_hash: "bb".repeat(32),
  data_sha256: EXPORT_SHA256,
  filters: { first_seq: 1, last_seq: null },
  generated_at: "2026-12-08T01:00:00.000000Z",
  checkpoints: [],
  public_keys: {},
};

const verified: AuditVerification = {
  ok: true,
  checked: 2,
  first_seq: 1,
  last_seq: 2,
  head_hash: "bb".repeat(32),
  checkpoints_checked: 1,
  problems: [],
  archived_through: 0,
};

const entry: AuditLogEntry = {
  id: "e1000000-0000-4000-8000-000000000001",
  occurred_at: "2026-12-07T10:15:00.123456Z",
  action: "role.assigned",
  actor_id: "u-admin",
  actor_roles: ["admin"],
  resource_type: "user",
  resource_id: "u-42",
  changes: { before: { roles: ["user"] }, after: { roles: ["user", "finance"] } },
  reason: "Joined the finance team",
  ip: "198.51.100.7",
  user_agent: "Mozilla/5.0",
  request_id: "req-77",
  seq: 2,
  hash: "bb".repeat(32),
};

interface Answers {
  exportBody?: string;
  manifest?: AuditExportManifest;
  verification?: AuditVerification;
}

function renderPage(permissions: Permissions, answers: Answers = {}): Call[] {
  const calls = mockApi(
    {
      "GET /audit-logs/export": () =>
        file(`audit-${EXPORT_ID}.jsonl`, answers.exportBody ?? EXPORT, "application/x-ndjson", { "X-Export-Id": EXPORT_ID }),
      "GET /audit-logs/exports/:id/manifest": () => ok(answers.manifest ?? manifest),
      "GET /audit-logs/verify": () => ok(answers.verification ?? verified),
    },
    () => ok([entry], { has_more: false, next_cursor: null, limit: 25 }),
  );
  renderAdmin(<AuditPage />, permissions);
  return calls;
}

const auditor: Permissions = {
  roles: ["auditor"],
  permissions: ["audit:view", "audit:export"],
  withheld: [],
  scopes: { "audit:view": "all" },
};

const paths = (calls: Call[]) => calls.map((call) => new URL(call.url, "http://x"));

beforeEach(() => {
  URL.createObjectURL = vi.fn(() => "blob:audit");
  URL.revokeObjectURL = vi.fn();
});

describe("audit log", () => {
  it("lists entries and opens one's detail: who, what, when, where, why, before and after", async () => {
    renderPage(auditor);
    const row = (await screen.findByText("role.assigned")).closest("tr")!;
    expect(within(row).getByText("user u-42")).toBeTruthy();
    fireEvent.click(within(row).getByText("role.assigned"));
    const detail = (await screen.findByText("Who")).closest("dl")!.parentElement!;
    expect(within(detail).getByText("u-admin")).toBeTruthy();
    expect(within(detail).getByText("Joined the finance team")).toBeTruthy();
    expect(within(detail).getByText("198.51.100.7")).toBeTruthy();
    expect(within(detail).getByText("2026-12-07T10:15:00.123456Z")).toBeTruthy();
    expect(within(detail).getByText(/"finance"/)).toBeTruthy();
    expect(within(detail).getByRole("heading", { name: "Before" })).toBeTruthy();
  });

  it("filters by the API's parameters; days become Africa/Windhoek instants (to: exclusive)", async () => {
    const calls = renderPage(auditor);
    await screen.findByText("role.assigned");
    fireEvent.change(screen.getByLabelText("Action"), { target: { value: "role.assigned" } });
    fireEvent.change(screen.getByLabelText("From day"), { target: { value: "2026-12-01" } });
    fireEvent.change(screen.getByLabelText("To day (inclusive)"), { target: { value: "2026-12-07" } });
    await waitFor(() => {
      const listed = paths(calls).filter((u) => u.pathname === "/api/v1/audit-logs").pop()!;
      expect(listed.searchParams.get("action")).toBe("role.assigned");
      expect(listed.searchParams.get("from")).toBe("2026-12-01T00:00:00+02:00");
      expect(listed.searchParams.get("to")).toBe("2026-12-08T00:00:00+02:00");
    });
    expect((screen.getByLabelText("To day (inclusive)") as HTMLInputElement).value).toBe("2026-12-07");
  });

  it("exports, checks the file against its manifest, and says Verified", async () => {
    const calls = renderPage(auditor);
    fireEvent.click(await screen.findByRole("button", { name: "Export audit log" }));
    const status = screen.getByRole("status");
    await waitFor(() => expect(status.textContent).toMatch(/^Verified: entries 1–2/));
    expect(status.textContent).toContain("matches its manifest");
    expect(screen.getAllByText(EXPORT_SHA256).length).toBe(2); // computed here, and the manifest's
    expect(URL.createObjectURL).toHaveBeenCalled();
    const urls = paths(calls);
    const exported = urls.find((u) => u.pathname.endsWith("/export"))!;
    expect(exported.searchParams.get("format")).toBe("jsonl");
    expect(urls.some((u) => u.pathname === `/api/v1/audit-logs/exports/${EXPORT_ID}/manifest`)).toBe(true);
    const verify = urls.find((u) => u.pathname.endsWith("/verify"))!;
    expect([verify.searchParams.get("from_seq"), verify.searchParams.get("to_seq")]).toEqual(["1", "2"]);
  });

  it("fails when the export does not match its manifest's SHA-256", async () => {
    renderPage(auditor, { exportBody: EXPORT.replace("user.login", "user.logout") });
    fireEvent.click(await screen.findByRole("button", { name: "Export audit log" }));
    const status = screen.getByRole("status");
    await waitFor(() => expect(status.textContent).toMatch(/^Verification failed: the export's SHA-256 [0-9a-f]{64} differs/));
    expect(status.textContent).not.toContain("Verified");
  });

  it("names the first broken entry the server reports", async () => {
    renderPage(auditor, {
      verification: {
        ...verified,
        ok: false,
        head_hash: null,
        problems: [
          { seq: 5, reason: "hash mismatch" },
          { seq: 9, reason: "checkpoint signature invalid (key k1)" },
        ],
      },
    });
    fireEvent.click(await screen.findByRole("button", { name: "Verify audit log" }));
    const status = screen.getByRole("status");
    await waitFor(() => expect(status.textContent).toBe("Verification failed: first broken entry is #5: hash mismatch"));
    expect(screen.getByText("Entry #9: checkpoint signature invalid (key k1)")).toBeTruthy();
  });

  it("verifies the whole chain when nothing was exported", async () => {
    const calls = renderPage(auditor);
    fireEvent.click(await screen.findByRole("button", { name: "Verify audit log" }));
    const status = screen.getByRole("status");
    await waitFor(() => expect(status.textContent).toMatch(/^Verified: entries 1–2 \(2 re-hashed, 1 signed checkpoints\)$/));
    const verify = paths(calls).find((u) => u.pathname.endsWith("/verify"))!;
    expect(verify.search).toBe("");
  });

  it("does not say Verified when the export's last hash is not the verified head", async () => {
    renderPage(auditor, { verification: { ...verified, head_hash: "cc".repeat(32) } });
    fireEvent.click(await screen.findByRole("button", { name: "Export audit log" }));
    const status = screen.getByRole("status");
    await waitFor(() => expect(status.textContent).toContain("Verification failed: the export's last hash differs"));
  });

  it("hides export and verification from a reader without audit:export", async () => {
    renderPage(grants("audit:view"));
    await screen.findByText("role.assigned");
    expect(screen.queryByRole("button", { name: "Export audit log" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Verify audit log" })).toBeNull();
  });
});

describe("audit export manifest", () => {
  it("retries while the manifest is not stored yet", async () => {
    let attempts = 0;
    const client = new ApiClient({
      fetch: async () => {
        attempts += 1;
        return attempts < 3 ? fail(404, "RES_001", "No completed export with this id") : ok(manifest);
      },
    });
    expect((await fetchManifest(EXPORT_ID, client, 0)).data_sha256).toBe(EXPORT_SHA256);
    expect(attempts).toBe(3);
  });
});

describe("audit menu entry", () => {
  it("sits in Compliance; needs audit:view beyond one's own records", () => {
    const [menuEntry] = area.menu;
    expect(menuEntry?.to).toBe("/audit");
    expect(menuEntry?.group).toBe("Compliance");
    const reader = (scope: "own" | "organization" | "all"): Permissions => ({
      roles: [],
      permissions: ["audit:view"],
      withheld: [],
      scopes: { "audit:view": scope },
    });
    expect(meets(reader("all"), menuEntry!.requires)).toBe(true);
    expect(meets(reader("organization"), menuEntry!.requires)).toBe(true);
    expect(meets(reader("own"), menuEntry!.requires)).toBe(false);
  });
});
