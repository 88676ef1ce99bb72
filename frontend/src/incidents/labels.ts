import type { BreachNotification, Incident } from "../api/types";

export const TYPE_LABEL: Record<Incident["type"], string> = {
  security: "Security",
  privacy: "Privacy",
  availability: "Availability",
  aml: "AML",
  operational: "Operational",
};

export const STATUS_LABEL: Record<Incident["status"], string> = {
  open: "Open",
  acknowledged: "Acknowledged",
  investigating: "Investigating",
  resolved: "Resolved",
  closed: "Closed",
};

export const SEVERITY_LABEL: Record<Incident["severity"], string> = {
  low: "Low",
  medium: "Medium",
  high: "High",
  critical: "Critical",
};

export const PRIORITIES: Incident["priority"][] = ["P1", "P2", "P3", "P4", "P5"];

/** Impact and urgency levels of the default 3 x 3 priority matrix (1 = high). A wider
 * configured matrix accepts more; the API refuses levels outside its matrix (INC_004). */
export const LEVELS = [
  { value: 1, label: "1 (high)" },
  { value: 2, label: "2 (medium)" },
  { value: 3, label: "3 (low)" },
];

export const CHANNEL_LABEL: Record<NonNullable<BreachNotification["channel"]>, string> = {
  post: "Post",
  email: "Email",
  website: "Website",
  news_media: "News media",
  as_directed_by_regulator: "As directed by the Regulator",
};

/** A `datetime-local` value (the browser's local time) for an instant. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** The instant a `datetime-local` value names, as the API's ISO 8601 with `Z`. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}
