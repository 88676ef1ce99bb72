/**
 * An API list read page by page and shown as one growing list ("More"): the first page on
 * load, each further page from the cursor the previous one answered. Order and filtering
 * stay the API's.
 */
import { useCallback, useEffect, useState } from "react";
import { api, errorMessage } from "../api/client";

type Query = Record<string, string | number | boolean | null | undefined>;

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

interface State<T> {
  key: string;
  items: T[];
  total: number | null;
  next: string | null;
  error: string | null;
}

export function useCursorList<T>(path: string, query: Query, limit: number): CursorList<T> {
  const key = JSON.stringify([path, query, limit]);
  const [state, setState] = useState<State<T> | null>(null);
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
          next: answer.meta.has_more && answer.meta.next_cursor ? answer.meta.next_cursor : null,
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
            s && s.key === key
              ? {
                  ...s,
                  items: [...s.items, ...answer.data],
                  next: answer.meta.has_more && answer.meta.next_cursor ? answer.meta.next_cursor : null,
                  error: null,
                }
              : s,
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
