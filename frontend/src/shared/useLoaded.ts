/**
 * An API answer for a page section, keyed: `key` names what to load (a path, or path + filters +
 * cursor; `null` loads nothing) and `load(key)` fetches it (a module-level function, so it is
 * stable). State changes only when an answer arrives; "loading" is derived (no answer for this
 * key and round yet), and the last answer stays shown while a reload is under way.
 */
import { useCallback, useEffect, useState } from "react";
import { api, errorMessage } from "../api/client";

export interface Loaded<T> {
  /** The answer for the current key (undefined until it arrives). */
  data: T | undefined;
  /** The API's message when it refused. */
  error: string | null;
  loading: boolean;
  /** Ask again (after an action changed what is shown). */
  reload: () => void;
}

interface Answer<T> {
  key: string | null;
  round: number;
  data?: T;
  error: string | null;
}

export function useLoaded<T>(key: string | null, load: (key: string) => Promise<T>): Loaded<T> {
  const [round, setRound] = useState(0);
  const [answer, setAnswer] = useState<Answer<T>>({ key: null, round: -1, error: null });
  const reload = useCallback(() => setRound((n) => n + 1), []);

  useEffect(() => {
    if (key === null) return undefined;
    let live = true;
    load(key).then(
      (data) => {
        if (live) setAnswer({ key, round, data, error: null });
      },
      (failure: unknown) => {
        if (live) setAnswer({ key, round, error: errorMessage(failure) });
      },
    );
    return () => {
      live = false;
    };
  }, [key, round, load]);

  const current = key !== null && answer.key === key;
  return {
    data: current ? answer.data : undefined,
    error: current ? answer.error : null,
    loading: key !== null && !(current && answer.round === round),
    reload,
  };
}

function getData(path: string): Promise<unknown> {
  return api.data<unknown>(path);
}

/** GET one API resource (its `data`) for a page section; `null` asks nothing. */
export function useApiGet<T>(path: string | null): Loaded<T> {
  return useLoaded(path, getData) as Loaded<T>;
}
