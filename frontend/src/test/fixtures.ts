/** Test kit: records as the API sends them, every field present; a test overrides what it is about. */
import type { Transaction } from "../api/types";

/** A completed NAD transfer between two wallets. */
export function transaction(overrides: Partial<Transaction> = {}): Transaction {
  return {
    id: "t-1",
    type: "transfer",
    status: "completed",
    amount: "1.00",
    fee: "0.00",
    currency: "NAD",
    source_wallet_id: "w-a",
    destination_wallet_id: "w-b",
    description: null,
    external_reference: null,
    initiated_by: "u-1",
    expires_at: null,
    created_at: "2026-12-01T08:00:00Z",
    completed_at: "2026-12-01T08:00:00Z",
    decided_by: null,
    decided_at: null,
    decision_reason: null,
    reversed_amount: "0.00",
    reversal_of: null,
    direction: null,
    counterparty: null,
    signed_amount: null,
    ...overrides,
  };
}
