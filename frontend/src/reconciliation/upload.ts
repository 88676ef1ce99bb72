import { ApiError, type ApiClient, api } from "../api/client";
import type { ReconciliationRun } from "../api/types";

export const RECONCILE_PERMISSION = "payment:reconcile";
export const RUNS = "reconciliation/runs";

/** A row of a refused statement, as the API names it (422 REC_001 `details`). */
export interface MalformedLine {
  line: number;
  message: string;
}

/**
 * POST /reconciliation/runs with the statement in the multipart field `file` (text/csv).
 * A browser that cannot tell a `.csv` file's type sends it as text/csv; any other type is
 * sent as it is, for the API to refuse. No Idempotency-Key: the route does not require one,
 * and a multipart body's boundary differs on every send, so a retry with the same key would
 * be refused as a different request (IDEM_001) rather than replayed. Completing a pending
 * top-up the statement shows paid is idempotent on the API's side.
 */
export function uploadStatement(file: File, client: ApiClient = api): Promise<ReconciliationRun> {
  const form = new FormData();
  const typed = file.type ? file : new File([file], file.name, { type: "text/csv" });
  form.append("file", typed, file.name);
  return client.data<ReconciliationRun>(`/${RUNS}`, { method: "POST", form });
}

/** The malformed lines a refused upload lists, or null when the failure is another one. */
export function malformedLines(error: unknown): MalformedLine[] | null {
  if (!(error instanceof ApiError) || error.status !== 422 || !Array.isArray(error.details)) return null;
  const lines = (error.details as unknown[]).filter(
    (d): d is MalformedLine =>
      typeof d === "object" && d !== null && typeof (d as MalformedLine).line === "number" && typeof (d as MalformedLine).message === "string",
  );
  return lines.length ? lines : null;
}
