/**
 * react-admin's data provider on the API's list contract: `limit` + opaque `cursor`, with
 * `meta.has_more` / `meta.next_cursor` (and `meta.total` where a list has it). react-admin
 * asks for page numbers, so each list (resource + filters + page size) keeps the cursor
 * that opens each page it has seen: page N uses the `next_cursor` page N-1 answered.
 * Answers react-admin's partial pagination (`pageInfo`) while the list has more and no total;
 * on the last page the total is known and answered.
 */
import type { DataProvider, GetListResult, Identifier, RaRecord } from "react-admin";
import { ApiClient, api, errorMessage } from "./api/client";

type Query = Record<string, string | number | boolean | null | undefined>;

export class CursorCache {
  private readonly lists = new Map<string, Map<number, string>>();

  key(resource: string, filter: object, perPage: number): string {
    return JSON.stringify([resource, filter, perPage]);
  }

  cursorFor(key: string, page: number): string | undefined {
    return this.lists.get(key)?.get(page);
  }

  remember(key: string, page: number, cursor: string): void {
    const pages = this.lists.get(key) ?? new Map<number, string>();
    pages.set(page, cursor);
    this.lists.set(key, pages);
  }

  forget(resource: string): void {
    for (const key of this.lists.keys()) {
      if ((JSON.parse(key) as unknown[])[0] === resource) this.lists.delete(key);
    }
  }
}

/** An error react-admin shows as a notification: the API's own message. */
export class DataProviderError extends Error {
  readonly status: number | undefined;
  readonly body: unknown;

  constructor(cause: unknown) {
    super(errorMessage(cause));
    this.name = "DataProviderError";
    const failure = cause as { status?: number; code?: string; details?: unknown };
    this.status = failure.status;
    this.body = { code: failure.code, details: failure.details };
  }
}

async function surfaced<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new DataProviderError(error);
  }
}

function filterQuery(filter: Record<string, unknown>): Query {
  const query: Query = {};
  for (const [name, value] of Object.entries(filter)) {
    if (value === undefined || value === null || value === "") continue;
    query[name] = typeof value === "object" ? JSON.stringify(value) : (value as string | number | boolean);
  }
  return query;
}

export function createDataProvider(client: ApiClient = api, cache = new CursorCache()): DataProvider {
  const path = (resource: string, id?: Identifier) =>
    id === undefined ? `/${resource}` : `/${resource}/${encodeURIComponent(String(id))}`;

  async function fetchPage(resource: string, filter: Record<string, unknown>, perPage: number, cursor?: string) {
    return client.request<RaRecord[]>(path(resource), {
      query: { ...filterQuery(filter), ...(cursor ? { cursor } : {}), limit: perPage },
    });
  }

  /** The cursor opening `page`: cached, or found by walking on from the nearest page seen
   * (a bookmarked ?page=3; keyset lists take no page number). Null past the last page. */
  async function cursorFor(resource: string, key: string, filter: Record<string, unknown>, perPage: number, page: number) {
    let known = page;
    while (known > 1 && !cache.cursorFor(key, known)) known -= 1;
    let cursor = known > 1 ? cache.cursorFor(key, known) : undefined;
    for (; known < page; known += 1) {
      const next = (await fetchPage(resource, filter, perPage, cursor)).meta.next_cursor;
      if (!next) return null;
      cache.remember(key, known + 1, next);
      cursor = next;
    }
    return cursor;
  }

  async function getList(
    resource: string,
    params: { pagination?: { page: number; perPage: number }; filter?: Record<string, unknown> },
  ): Promise<GetListResult> {
    const { page, perPage } = params.pagination ?? { page: 1, perPage: 20 };
    const filter = params.filter ?? {};
    const key = cache.key(resource, filter, perPage);
    const cursor = page > 1 ? await cursorFor(resource, key, filter, perPage, page) : undefined;
    if (cursor === null) {
      return { data: [], pageInfo: { hasNextPage: false, hasPreviousPage: true } };
    }
    const envelope = await fetchPage(resource, filter, perPage, cursor);
    const meta = envelope.meta;
    if (meta.next_cursor) cache.remember(key, page + 1, meta.next_cursor);
    if (typeof meta.total === "number") {
      return { data: envelope.data, total: meta.total };
    }
    if (!meta.has_more) {
      // The last page: the count is known (earlier pages are full), so react-admin shows
      // "1-2 of 2" rather than the partial "1-25 of 25" it would derive from the page size.
      return { data: envelope.data, total: (page - 1) * perPage + envelope.data.length };
    }
    return { data: envelope.data, pageInfo: { hasNextPage: true, hasPreviousPage: page > 1 } };
  }

  return {
    getList: (resource, params) => surfaced(() => getList(resource, params)),
    getOne: (resource, params) => surfaced(async () => ({ data: await client.data(path(resource, params.id)) })),
    getMany: (resource, params) =>
      surfaced(async () => ({
        data: await Promise.all(params.ids.map((id) => client.data<RaRecord>(path(resource, id)))),
      })),
    getManyReference: (resource, params) =>
      surfaced(() =>
        getList(resource, { pagination: params.pagination, filter: { ...params.filter, [params.target]: params.id } }),
      ),
    create: (resource, params) =>
      surfaced(async () => {
        const data = await client.data<RaRecord>(path(resource), { method: "POST", body: params.data });
        cache.forget(resource);
        return { data };
      }),
    update: (resource, params) =>
      surfaced(async () => ({
        data: await client.data<RaRecord>(path(resource, params.id), { method: "PATCH", body: params.data }),
      })),
    updateMany: (resource, params) =>
      surfaced(async () => {
        for (const id of params.ids) {
          await client.data(path(resource, id), { method: "PATCH", body: params.data });
        }
        return { data: params.ids };
      }),
    delete: (resource, params) =>
      surfaced(async () => {
        await client.request(path(resource, params.id), { method: "DELETE" });
        cache.forget(resource);
        return { data: params.previousData ?? ({ id: params.id } as never) };
      }),
    deleteMany: (resource, params) =>
      surfaced(async () => {
        for (const id of params.ids) {
          await client.request(path(resource, id), { method: "DELETE" });
        }
        cache.forget(resource);
        return { data: params.ids };
      }),
  } as DataProvider;
}
