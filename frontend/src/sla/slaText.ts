/** How an SLA case reads on the board: which goal is running, when it is due, how late or how
 * much time is left, as text (colour is never the only signal). */
import type { SlaCase, SlaGoal } from "../api/types";
import { formatAge } from "../format";

export const CASE_TYPE_LABEL: Record<SlaCase["case_type"], string> = {
  service_request: "Service request",
  incident: "Incident",
  privacy_request: "Privacy request",
};

/** The dashboard page of the case behind an SLA clock (react-admin resource routes). */
export function caseLink(c: Pick<SlaCase, "case_type" | "case_id">): string {
  const id = encodeURIComponent(c.case_id);
  switch (c.case_type) {
    case "service_request":
      return `/service-requests/${id}/show`;
    case "incident":
      return `/incidents/${id}/show`;
    case "privacy_request":
      return `/privacy/${id}`;
  }
}

export interface CurrentGoal {
  name: "First response" | "Resolution";
  goal: SlaGoal;
}

/** The goal that matters now: a breached one on a breached case, else the first response
 * while it runs, then the resolution. */
export function currentGoal(c: SlaCase): CurrentGoal {
  const response: CurrentGoal = { name: "First response", goal: c.response };
  const resolution: CurrentGoal | null = c.resolution ? { name: "Resolution", goal: c.resolution } : null;
  if (c.state === "breached") {
    if (resolution?.goal.breached) return resolution;
    if (c.response.breached) return response;
  }
  const responseRunning = c.response.met === null && c.response.stopped_at === null;
  return responseRunning || !resolution ? response : resolution;
}

/** Working minutes as "45 min", "6 h", "3 d" (the policy's clock, e.g. business hours). */
export function workingTime(minutes: number): string {
  const m = Math.max(0, Math.floor(minutes));
  if (m < 60) return `${m} min`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** "Late by 3 h", "45 min left", "2 h left (clock paused)". */
export function timingText(goal: SlaGoal, now: Date = new Date()): string {
  if (goal.due_at === null) {
    // Paused: the due time moves on resume; what is left is in the policy's working minutes.
    if (goal.remaining_minutes <= 0) return `Late by ${workingTime(goal.elapsed_minutes - goal.target_minutes)} (clock paused)`;
    return `${workingTime(goal.remaining_minutes)} left (clock paused)`;
  }
  const due = new Date(goal.due_at);
  if (goal.breached || due.getTime() <= now.getTime()) return `Late by ${formatAge(goal.due_at, now)}`;
  return `${formatAge(now.toISOString(), due)} left`;
}
