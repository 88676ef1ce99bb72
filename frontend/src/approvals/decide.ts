import { type ApiClient, api } from "../api/client";
import type { Transaction } from "../api/types";

export type Decision = "approve" | "reject";

/** POST /transactions/{id}/approve|reject; answers the decided transaction. */
export function decide(id: string, decision: Decision, reason: string, client: ApiClient = api): Promise<Transaction> {
  const body = decision === "approve" ? (reason ? { comment: reason } : {}) : { reason };
  return client.data<Transaction>(`/transactions/${encodeURIComponent(id)}/${decision}`, { method: "POST", body });
}
