/**
 * API lists on the list contract (`limit` + opaque `cursor`, `meta.next_cursor`, `meta.has_more`),
 * for lists react-admin's `<List>` cannot show (rows without `id`, nested lists, several lists on
 * one page). Paging stays on the server; rows are shown in the API's order.
 *
 * - `useCursorPage`: one page at a time, with previous/next.
 * - `useCursorList`: one growing list, each further page appended ("More").
 */
import { useCallback, useEffect, useState } from "react";
import { type Envelope, api, errorMessage } from "../api/client";
import { useLoaded } from "./useLoaded";

export type Query = Record<string, string | number | boolean | null | undefined>;

/** The cursor of the page after this answer, or null on the last page. */
function nextCursorOf(meta: Envelope<unknown>["meta"]): string | null {
  return meta.has_more !== false ? (meta.next_cursor ?? null) : null;
}

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
  /** Ask the current page again. */
  reload: () => void;
  /** Back to the first page, asked again (after a change that moves rows between pages). */
  restart: () => void;
}

function loadPage(key: string): Promise<Envelope<unknown[]>> {
  const [path, query, limit, cursor] = JSON.parse(key) as [string, Query, number, string | null];
  return api.request<unknown[]>(path, { query: { ...query, limit, ...(cursor ? { cursor } : {}) } });
}

export function useCursorPage<T>(path: string, query: Query = {}, limit = 25): CursorPage<T> {
  const listKey = JSON.stringify([path, query, limit]);
  // The cursors that opened pages 2, 3, ... of the list named by `listKey`.
  const [trail, setTrail] = useState<{ key: string; cursors: string[] }>({ key: listKey, cursors: [] });
  const cursors = trail.key === listKey ? trail.cursors : []; // new filters: back to the first page
  const cursor = cursors.length ? cursors[cursors.length - 1] : null;
  const { data, error, loading, reload } = useLoaded(JSON.stringify([path, query, limit, cursor]), loadPage);
  const nextCursor = data ? nextCursorOf(data.meta) : null;

  const next = useCallback(() => {
    if (!nextCursor) return;
    setTrail((t) => ({ key: listKey, cursors: [...(t.key === listKey ? t.cursors : []), nextCursor] }));
  }, [nextCursor, listKey]);
  const previous = useCallback(() => {
    setTrail((t) => ({ key: listKey, cursors: (t.key === listKey ? t.cursors : []).slice(0, -1) }));
  }, [listKey]);
  const restart = useCallback(() => {
    setTrail({ key: listKey, cursors: [] });
    reload();
  }, [listKey, reload]);

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
    restart,
  };
}

export interface CursorList<T> {
  items: T[];
  /** `meta.total` when the list answers it. */
  total: number | null;
  hasMore: boolean;
  loading: boolean;
  error: string | null;
  more: () => void;
  /** Add an item the caller created (shown at the end). */
  append: (item: T) => void;
}

interface ListState<T> {
  key: string;
  items: T[];
  total: number | null;
  next: string | null;
  error: string | null;
}

export function useCursorList<T>(path: string, query: Query, limit: number): CursorList<T> {
  const key = JSON.stringify([path, query, limit]);
  const [state, setState] = useState<ListState<T> | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    let live = true;
    const [where, filters] = JSON.parse(key) as [string, Query];
    api.request<T[]>(where, { query: { ...filters, limit } }).then(
      (answer) => {
        if (!live) return;
        setState({
          key,
          items: answer.data,
          total: typeof answer.meta.total === "number" ? answer.meta.total : null,
          next: nextCursorOf(answer.meta),
          error: null,
        });
      },
      (failure: unknown) => {
        if (live) setState({ key, items: [], total: null, next: null, error: errorMessage(failure) });
      },
    );
    return () => {
      live = false;
    };
  }, [key, limit]);

  const current = state !== null && state.key === key ? state : null;

  const more = useCallback(() => {
    if (!current?.next) return;
    setLoadingMore(true);
    api
      .request<T[]>(path, { query: { ...query, limit, cursor: current.next } })
      .then(
        (answer) =>
          setState((s) =>
            s && s.key === key ? { ...s, items: [...s.items, ...answer.data], next: nextCursorOf(answer.meta), error: null } : s,
          ),
        (failure: unknown) => setState((s) => (s && s.key === key ? { ...s, error: errorMessage(failure) } : s)),
      )
      .finally(() => setLoadingMore(false));
  }, [current, key, limit, path, query]);

  const append = useCallback(
    (item: T) => setState((s) => (s && s.key === key ? { ...s, items: [...s.items, item], total: s.total === null ? null : s.total + 1 } : s)),
    [key],
  );

  return {
    items: current?.items ?? [],
    total: current?.total ?? null,
    hasMore: Boolean(current?.next),
    loading: current === null || loadingMore,
    error: current?.error ?? null,
    more,
    append,
  };
}
