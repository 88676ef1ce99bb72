/**
 * The audit trail's export and verification, as the dashboard checks them: the server
 * re-hashes the chain (GET /audit-logs/verify); the browser checks the exported file against
 * its manifest (SHA-256 of every byte, entry count, last hash) and that the manifest's last
 * hash is the head the server has just verified. "Verified" only when all of these hold.
 */
import { ApiError, type ApiClient, type Download, api } from "../api/client";
import type { AuditExportManifest, AuditVerification } from "../api/types";
import { sameDigest, sha256Hex } from "../shared/files";

export const AUDIT_VIEW = "audit:view";
export const AUDIT_EXPORT = "audit:export";
export const AUDIT_LOGS = "audit-logs";

export type ExportFormat = "jsonl" | "csv";

export interface ExportRange {
  format: ExportFormat;
  fromSeq?: number;
  toSeq?: number;
}

export interface AuditExport {
  file: Download;
  /** From `X-Export-Id`. */
  exportId: string | null;
  /** Hex SHA-256 of the bytes received (null where Web Crypto is unavailable). */
  sha256: string | null;
  /** Lines of entries in the file (the CSV header not counted). */
  entries: number;
  /** The manifest (null when the API named no export id or has no manifest for it). */
  manifest: AuditExportManifest | null;
  manifestError: string | null;
}

const MANIFEST_TRIES = 4;
const MANIFEST_DELAY_MS = 250;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The manifest is stored when the server's stream ends: it can lag the last byte briefly. */
export async function fetchManifest(exportId: string, client: ApiClient = api, delayMs = MANIFEST_DELAY_MS): Promise<AuditExportManifest> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await client.data<AuditExportManifest>(`/${AUDIT_LOGS}/exports/${encodeURIComponent(exportId)}/manifest`);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404 || attempt >= MANIFEST_TRIES) throw error;
      await wait(delayMs * attempt);
    }
  }
}

function countEntries(text: string, format: ExportFormat): number {
  const lines = text.split("\n").filter((line) => line !== "").length;
  return format === "csv" ? Math.max(0, lines - 1) : lines;
}

/** GET /audit-logs/export (format, from_seq, to_seq), then its manifest. */
export async function exportAuditLog(range: ExportRange, client: ApiClient = api, delayMs?: number): Promise<AuditExport> {
  const file = await client.download(`/${AUDIT_LOGS}/export`, {
    query: { format: range.format, from_seq: range.fromSeq, to_seq: range.toSeq },
  });
  const exportId = file.headers.get("X-Export-Id");
  const [sha256, text] = await Promise.all([sha256Hex(file.blob), file.blob.text()]);
  let manifest: AuditExportManifest | null = null;
  let manifestError: string | null = null;
  if (exportId) {
    try {
      manifest = await fetchManifest(exportId, client, delayMs);
    } catch (error) {
      manifestError = error instanceof Error ? error.message : String(error);
    }
  }
  return { file, exportId, sha256, entries: countEntries(text, range.format), manifest, manifestError };
}

/** GET /audit-logs/verify over a range (the whole chain when none is given). */
export function verifyChain(range: { fromSeq?: number; toSeq?: number } = {}, client: ApiClient = api): Promise<AuditVerification> {
  return client.data<AuditVerification>(`/${AUDIT_LOGS}/verify`, {
    query: { from_seq: range.fromSeq, to_seq: range.toSeq },
  });
}

export interface Problem {
  seq: number | null;
  reason: string;
}

export interface VerificationResult {
  ok: boolean;
  /** What the status line says: starts with "Verified" only when `ok`. */
  summary: string;
  server: AuditVerification | null;
  problems: Problem[];
}

const TEXT = {
  verified: (v: AuditVerification) =>
    v.checked === 0
      ? "Verified: no entries to check in this range"
      : `Verified: entries ${v.first_seq}–${v.last_seq} (${v.checked} re-hashed, ${v.checkpoints_checked} signed checkpoints)`,
  archived: (n: number) => `; entries up to ${n} are in archive files (verified offline)`,
  exportOk: (name: string) => `; the export ${name} matches its manifest (SHA-256, entry count, last hash)`,
  failed: "Verification failed",
  firstBroken: (p: Problem) => (p.seq === null ? p.reason : `first broken entry is #${p.seq}: ${p.reason}`),
  noManifest: (why: string | null) => `the export's manifest could not be read${why ? ` (${why})` : ""}`,
  noCrypto: "this browser cannot compute SHA-256 here, so the export's digest was not checked",
  digest: (mine: string, theirs: string) => `the export's SHA-256 ${mine} differs from its manifest's ${theirs}`,
  count: (mine: number, theirs: number) => `the export holds ${mine} entries, its manifest says ${theirs}`,
  head: (seq: number) => `the export's last hash differs from the verified chain at entry #${seq}`,
};

function problemsOf(server: AuditVerification): Problem[] {
  return server.problems.map((p) => ({
    seq: typeof p.seq === "number" ? p.seq : null,
    reason: typeof p.reason === "string" ? p.reason : JSON.stringify(p),
  }));
}

/** The export's own checks (null when they pass). */
function exportProblem(exported: AuditExport, server: AuditVerification): string | null {
  const manifest = exported.manifest;
  if (!manifest) return TEXT.noManifest(exported.manifestError);
  if (!exported.sha256) return TEXT.noCrypto;
  if (!sameDigest(exported.sha256, manifest.data_sha256)) return TEXT.digest(exported.sha256, manifest.data_sha256);
  if (exported.entries !== manifest.count) return TEXT.count(exported.entries, manifest.count);
  if (manifest.count > 0 && server.last_seq === manifest.last_seq && server.head_hash !== manifest.last_hash) {
    return TEXT.head(manifest.last_seq);
  }
  return null;
}

/** The range the server should verify: the export's, or the whole chain. */
export function rangeOf(exported: AuditExport | null): { fromSeq?: number; toSeq?: number } {
  const manifest = exported?.manifest;
  if (!manifest || manifest.count === 0) return {};
  return { fromSeq: manifest.first_seq, toSeq: manifest.last_seq };
}

/** Server verification, and the export's checks when there is one. */
export async function verifyAudit(exported: AuditExport | null, client: ApiClient = api): Promise<VerificationResult> {
  const server = await verifyChain(rangeOf(exported), client);
  const problems = problemsOf(server);
  if (!server.ok) {
    const first = problems[0] ?? { seq: null, reason: "the server reported the chain as broken" };
    return { ok: false, summary: `${TEXT.failed}: ${TEXT.firstBroken(first)}`, server, problems };
  }
  const fromExport = exported ? exportProblem(exported, server) : null;
  if (fromExport) {
    return { ok: false, summary: `${TEXT.failed}: ${fromExport}`, server, problems: [{ seq: null, reason: fromExport }] };
  }
  let summary = TEXT.verified(server);
  if (server.archived_through > 0) summary += TEXT.archived(server.archived_through);
  if (exported) summary += TEXT.exportOk(exported.file.filename);
  return { ok: true, summary, server, problems: [] };
}
