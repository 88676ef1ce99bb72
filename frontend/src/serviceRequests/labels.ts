import type { ServiceRequest } from "../api/types";

export type RequestStatus = ServiceRequest["status"];
export type RequestAction = ServiceRequest["available_actions"][number];

/** The API's states in workflow order (ServiceRequest.status). */
export const STATUSES: RequestStatus[] = [
  "draft",
  "submitted",
  "in_review",
  "approved",
  "in_progress",
  "completed",
  "rejected",
  "cancelled",
];

export const STATUS_LABEL: Record<RequestStatus, string> = {
  draft: "Draft",
  submitted: "Submitted",
  in_review: "In review",
  approved: "Approved",
  in_progress: "In progress",
  completed: "Completed",
  rejected: "Rejected",
  cancelled: "Cancelled",
};

export const PRIORITY_LABEL: Record<ServiceRequest["priority"], string> = {
  low: "Low",
  normal: "Normal",
  high: "High",
  critical: "Critical",
};
