import { useCallback, useEffect, useState } from "react";
import { api, errorMessage } from "../api/client";

export interface Loaded<T> {
  /** The answer for the current path (kept while a reload is under way). */
  data: T | undefined;
  error: string | null;
  loading: boolean;
  /** Ask again (after an action changed the record). */
  reload: () => void;
}

interface Answer<T> {
  path: string | null;
  round: number;
  data?: T;
  error: string | null;
}

/** GET one API resource for a page section; `null` asks nothing. Failures carry the API's message. */
export function useApiGet<T>(path: string | null): Loaded<T> {
  const [round, setRound] = useState(0);
  const [answer, setAnswer] = useState<Answer<T>>({ path: null, round: -1, error: null });
  const reload = useCallback(() => setRound((n) => n + 1), []);

  useEffect(() => {
    if (path === null) return undefined;
    let live = true;
    api.data<T>(path).then(
      (data) => {
        if (live) setAnswer({ path, round, data, error: null });
      },
      (failure: unknown) => {
        if (live) setAnswer({ path, round, error: errorMessage(failure) });
      },
    );
    return () => {
      live = false;
    };
  }, [path, round]);

  const current = answer.path === path && path !== null;
  return {
    data: current ? answer.data : undefined,
    error: current ? answer.error : null,
    loading: path !== null && !(current && answer.round === round),
    reload,
  };
}
