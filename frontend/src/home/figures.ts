/** The home page's data: one small GET per section, only for the sections the caller may see. */
import { useEffect, useState } from "react";
import { api } from "../api/client";
import { LOCALE, TIME_ZONE } from "../format";
import { type Permissions, can } from "../permissions";

export interface Figures<T> {
  data?: T;
  error?: unknown;
}

/** GET `path` once (again when `path` or `query` change); the answer's `data`. */
export function useFigures<T>(path: string, query?: Record<string, string | number>): Figures<T> {
  const key = `${path}?${JSON.stringify(query ?? {})}`;
  const [state, setState] = useState<Figures<T> & { key?: string }>({});
  useEffect(() => {
    const controller = new AbortController();
    const [, encoded = "{}"] = key.split(/\?(.*)/s);
    api
      .data<T>(path, { query: JSON.parse(encoded) as Record<string, string | number>, signal: controller.signal })
      .then((data) => controller.signal.aborted || setState({ key, data }))
      .catch((error: unknown) => controller.signal.aborted || setState({ key, error }));
    return () => controller.abort();
  }, [path, key]);
  // An answer to an earlier request (another path or query) is not shown: still loading.
  return state.key === key ? { data: state.data, error: state.error } : {};
}

// What each section's endpoint requires (the API refuses everyone else anyway).
/** GET /transactions/daily: staff who see every transaction. */
export function canSeeAllTransactions(p: Permissions | null | undefined): boolean {
  return can(p, "payment:approve") || can(p, "payment:create", "all");
}
export const APPROVE = "payment:approve";
export const INCIDENT_READ = { permission: "incident:read", scope: "all" } as const;
export const SLA_READ = { permission: "sla:read", scope: "all" } as const;
export const RECONCILE = "payment:reconcile";

/** The month (YYYY-MM) it is now in Africa/Windhoek: the SLA report's period. */
export function windhoekMonth(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit" }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}`;
}

const dayFormat = new Intl.DateTimeFormat(LOCALE, { day: "numeric", month: "short", timeZone: "UTC" });

/** A calendar date the API sends ("2026-12-08", already a Windhoek day) as "8 Dec". */
export function formatDay(isoDate: string): string {
  return dayFormat.format(new Date(`${isoDate}T00:00:00Z`));
}
