/**
 * One page of an API list at a time, on the list contract (`limit` + opaque `cursor`,
 * `meta.next_cursor`): for lists whose rows have no `id` (react-admin's lists need one), or
 * several lists on one page. Paging stays on the server; rows are shown in the API's order.
 */
import { useCallback, useState } from "react";
import { type Envelope, api } from "../api/client";
import { useLoaded } from "./useLoaded";

type Query = Record<string, string | number | boolean | null | undefined>;

export interface CursorPage<T> {
  rows: T[];
  loading: boolean;
  error: string | null;
  /** 1-based. */
  page: number;
  hasNext: boolean;
  hasPrevious: boolean;
  next: () => void;
  previous: () => void;
  reload: () => void;
}

function loadPage(key: string): Promise<Envelope<unknown[]>> {
  const [path, query, limit, cursor] = JSON.parse(key) as [string, Query, number, string | null];
  return api.request<unknown[]>(path, { query: { ...query, limit, ...(cursor ? { cursor } : {}) } });
}

export function useCursorPage<T>(path: string, query: Query = {}, limit = 25): CursorPage<T> {
  const listKey = JSON.stringify([path, query, limit]);
  // The cursors that opened pages 2, 3, ... of the list named by `key`.
  const [trail, setTrail] = useState<{ key: string; cursors: string[] }>({ key: listKey, cursors: [] });
  const cursors = trail.key === listKey ? trail.cursors : []; // new filters: back to the first page
  const cursor = cursors.length ? cursors[cursors.length - 1] : null;
  const { data, error, loading, reload } = useLoaded(JSON.stringify([path, query, limit, cursor]), loadPage);
  const nextCursor = data && data.meta.has_more !== false ? (data.meta.next_cursor ?? null) : null;

  const next = useCallback(() => {
    if (!nextCursor) return;
    setTrail((t) => ({ key: listKey, cursors: [...(t.key === listKey ? t.cursors : []), nextCursor] }));
  }, [nextCursor, listKey]);
  const previous = useCallback(() => {
    setTrail((t) => ({ key: listKey, cursors: (t.key === listKey ? t.cursors : []).slice(0, -1) }));
  }, [listKey]);

  return {
    rows: (data?.data ?? []) as T[],
    loading,
    error,
    page: cursors.length + 1,
    hasNext: Boolean(nextCursor),
    hasPrevious: cursors.length > 0,
    next,
    previous,
    reload,
  };
}
