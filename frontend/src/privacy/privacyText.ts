/** How a data-subject request reads in the queue: labels, and the due date as text
 * ("Overdue by 2 d", "Due in 5 d"), never colour alone. */
import type { PrivacyRequestStaffView } from "../api/types";
import { formatAge } from "../format";

export type RequestStatus = PrivacyRequestStaffView["status"];
export type RequestType = PrivacyRequestStaffView["type"];

export const STATUS_LABEL: Record<RequestStatus, string> = {
  received: "Received",
  verifying: "Verifying identity",
  in_progress: "In progress",
  extended: "Extended",
  completed: "Completed",
  refused: "Refused",
};

export const TYPE_LABEL: Record<RequestType, string> = {
  access: "Access",
  correction: "Correction",
  erasure: "Erasure",
  objection: "Objection",
  marketing_opt_out: "Marketing opt-out",
};

export const METHOD_LABEL: Record<string, string> = {
  authenticated_session: "Authenticated session",
  identity_document: "Identity document",
  in_person: "In person",
  callback: "Call-back to contact details on record",
};

export const OPEN_STATUSES: readonly RequestStatus[] = ["received", "verifying", "in_progress", "extended"];

export function isOpen(status: RequestStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** True when the request is open and past its due date (the API's `overdue`, or by `now`). */
export function isOverdue(r: Pick<PrivacyRequestStaffView, "status" | "due_at" | "overdue">, now: Date = new Date()): boolean {
  return isOpen(r.status) && (r.overdue || new Date(r.due_at).getTime() < now.getTime());
}

/** "Overdue by 2 d", "Due in 5 d", or "Closed" once completed or refused. */
export function dueText(r: Pick<PrivacyRequestStaffView, "status" | "due_at" | "overdue">, now: Date = new Date()): string {
  if (!isOpen(r.status)) return "Closed";
  if (isOverdue(r, now)) return `Overdue by ${formatAge(r.due_at, now)}`;
  return `Due in ${formatAge(now.toISOString(), new Date(r.due_at))}`;
}

export interface HistoryEntry {
  at: string;
  event: string;
  detail: string;
}

/** The request's history from its own record, oldest first. */
export function history(r: PrivacyRequestStaffView): HistoryEntry[] {
  const entries: HistoryEntry[] = [{ at: r.received_at, event: "Received", detail: r.details ?? "" }];
  for (const v of r.verifications) {
    entries.push({
      at: v.verified_at,
      event: v.passed ? "Identity check passed" : "Identity check failed",
      detail: [METHOD_LABEL[v.method] ?? v.method, v.note].filter(Boolean).join(": "),
    });
  }
  if (r.started_at) entries.push({ at: r.started_at, event: "Work started", detail: "" });
  if (r.extension?.extended_at) {
    entries.push({
      at: r.extension.extended_at,
      event: `Deadline extended by ${r.extension.days} d`,
      detail: r.extension.reason ?? "",
    });
  }
  const recordedAt = typeof r.dispute?.recorded_at === "string" ? r.dispute.recorded_at : null;
  if (recordedAt) entries.push({ at: recordedAt, event: "Correction dispute recorded", detail: String(r.dispute?.reason ?? "") });
  if (r.closed_at) {
    entries.push({
      at: r.closed_at,
      event: r.status === "refused" ? "Refused" : "Completed",
      detail: [r.resolution, r.legal_ground].filter(Boolean).join(" · "),
    });
  }
  for (const n of r.notifications) {
    entries.push({ at: n.queued_at, event: "Notification queued", detail: `${n.recipient} by ${n.channel}` });
  }
  entries.sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  return entries;
}
