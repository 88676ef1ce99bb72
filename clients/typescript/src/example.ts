// A small client written against the types that openapi-typescript generates from the
// API's OpenAPI document (`npm run generate`, then `npm run check`). If the document stops
// describing a field used here, this file stops compiling: the contract test runs both.
import type { paths } from "./schema";

type CreateTransfer = paths["/api/v1/transfers"]["post"];
export type TransferRequest = CreateTransfer["requestBody"]["content"]["application/json"];
type TransferCreated = CreateTransfer["responses"][201]["content"]["application/json"];
export type Transaction = TransferCreated["data"];

type ListTransactions = paths["/api/v1/transactions"]["get"];
type TransactionPage = ListTransactions["responses"][200]["content"]["application/json"];
export type TransactionItem = TransactionPage["data"][number];
type ApiError = ListTransactions["responses"][401]["content"]["application/json"];

export class ElcorpClient {
  constructor(
    private readonly baseUrl: string,
    private readonly accessToken: string,
  ) {}

  /** Moves money once, however often it is retried with the same key. */
  async transfer(body: TransferRequest, idempotencyKey: string): Promise<Transaction> {
    const response = await fetch(`${this.baseUrl}/api/v1/transfers`, {
      method: "POST",
      headers: this.headers({ "Idempotency-Key": idempotencyKey }),
      body: JSON.stringify(body),
    });
    if (response.status !== 201) {
      const failure = (await response.json()) as ApiError;
      throw new Error(`${failure.error.code}: ${failure.error.message}`);
    }
    const created = (await response.json()) as TransferCreated;
    return created.data;
  }

  /** Every transaction the caller may see, page by page, following `next_cursor`. */
  async *transactions(limit = 50): AsyncGenerator<TransactionItem> {
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: String(limit) });
      if (cursor !== null) query.set("cursor", cursor);
      const response = await fetch(`${this.baseUrl}/api/v1/transactions?${query}`, { headers: this.headers() });
      const page = (await response.json()) as TransactionPage;
      yield* page.data;
      cursor = page.meta.has_more ? page.meta.next_cursor ?? null : null;
    } while (cursor !== null);
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${this.accessToken}`, "Content-Type": "application/json", ...extra };
  }
}

export const exampleTransfer: TransferRequest = {
  source_wallet_id: "2f1c7b7e-3a4d-4c59-9d51-0c1f6a1e9b11",
  destination_wallet_id: "8a0d6c2e-5b7f-4e21-a3c4-6d9e8f7a1b22",
  amount: "125.50",
  currency: "NAD",
  description: "Rent, December",
};

export function describe(item: TransactionItem): string {
  const amount: string = item.amount;
  const currency: string = item.currency;
  return `${item.id} ${item.type} ${item.status} ${amount} ${currency}`;
}
