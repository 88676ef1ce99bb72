import { api, idempotencyKey } from "../api/client";
import type { CreditNote, Invoice } from "../api/types";

export interface LineInput {
  description: string;
  quantity: string;
  unit_price: string;
}

const base = (id: string) => `/invoices/${encodeURIComponent(id)}`;

/** POST /invoices/{id}/issue: the draft gets its number and becomes payable. */
export function issueInvoice(id: string): Promise<Invoice> {
  return api.data<Invoice>(`${base(id)}/issue`, { method: "POST", headers: { "Idempotency-Key": idempotencyKey() } });
}

/** POST /invoices/{id}/void {reason}. */
export function voidInvoice(id: string, reason: string): Promise<Invoice> {
  return api.data<Invoice>(`${base(id)}/void`, {
    method: "POST",
    body: { reason },
    headers: { "Idempotency-Key": idempotencyKey() },
  });
}

/** POST /invoices/{id}/credit-notes {lines, reason}; on a paid invoice it refunds money, so a key is always sent. */
export function creditInvoice(id: string, lines: LineInput[], reason: string): Promise<CreditNote> {
  return api.data<CreditNote>(`${base(id)}/credit-notes`, {
    method: "POST",
    body: { lines, reason },
    headers: { "Idempotency-Key": idempotencyKey() },
  });
}
