import { type ApiClient, type Download, api, idempotencyKey } from "../api/client";
import type { SettlementBatch } from "../api/types";

export const SETTLE_PERMISSION = "payment:reconcile";
export const BATCHES = "settlement/batches";

export interface CloseRequest {
  /** The business day (Africa/Windhoek); the API's default is yesterday. */
  date?: string;
  currency: string;
}

/** POST /settlement/batches/close (idempotent on the API's side: a closed batch is answered as is). */
export function closeBatch(request: CloseRequest, client: ApiClient = api): Promise<SettlementBatch> {
  const body = request.date ? { date: request.date, currency: request.currency } : { currency: request.currency };
  return client.data<SettlementBatch>(`/${BATCHES}/close`, {
    method: "POST",
    body,
    headers: { "Idempotency-Key": idempotencyKey() },
  });
}

/** GET /settlement/batches/{id}/export: the batch's CSV. */
export function exportBatch(id: string, client: ApiClient = api): Promise<Download> {
  return client.download(`/${BATCHES}/${encodeURIComponent(id)}/export`);
}

/** One settled movement of an export (its totals rows are left out). */
export interface BatchItem {
  transaction_id: string;
  type: string;
  amount: string;
  currency: string;
  completed_at: string;
  reference: string;
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else {
      field += c;
    }
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The movements of an export: the rows naming a transaction, by the header's column names. */
export function exportItems(csv: string): BatchItem[] {
  const [header, ...rows] = parseCsv(csv);
  if (!header) return [];
  const column = (name: string) => header.indexOf(name);
  const at = (row: string[], name: string) => row[column(name)] ?? "";
  return rows
    .filter((row) => at(row, "transaction_id") !== "")
    .map((row) => ({
      transaction_id: at(row, "transaction_id"),
      type: at(row, "type"),
      amount: at(row, "amount"),
      currency: at(row, "currency"),
      completed_at: at(row, "completed_at"),
      reference: at(row, "reference"),
    }));
}
