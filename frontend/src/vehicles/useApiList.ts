import { useEffect, useState } from "react";
import { api, errorMessage } from "../api/client";

export interface ApiList<T> {
  rows: T[];
  hasMore: boolean;
  error: string | null;
  loading: boolean;
}

interface Answer<T> {
  key: string;
  rows: T[];
  hasMore: boolean;
  error: string | null;
}

/** One page (up to `limit`) of a nested list such as GET /vehicles/{vin}/history; a new `version` reloads it. */
export function useApiList<T>(path: string, version = 0, limit = 100): ApiList<T> {
  const key = `${path}#${limit}#${version}`;
  const [answer, setAnswer] = useState<Answer<T> | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    api
      .request<T[]>(path, { query: { limit }, signal: controller.signal })
      .then((envelope) => {
        if (controller.signal.aborted) return;
        setAnswer({ key, rows: envelope.data ?? [], hasMore: Boolean(envelope.meta.has_more), error: null });
      })
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) setAnswer({ key, rows: [], hasMore: false, error: errorMessage(failure) });
      });
    return () => controller.abort();
  }, [key, path, limit]);
  if (answer?.key !== key) return { rows: [], hasMore: false, error: null, loading: true };
  return { rows: answer.rows, hasMore: answer.hasMore, error: answer.error, loading: false };
}
