/** The risk register's words and its 5×5 matrix (likelihood × impact, POPIA s19 risk
 * assessment); the bands mirror the API's (low ≤ 4, medium ≤ 9, high ≤ 16, critical ≤ 25). */
import type { Risk } from "../api/types";

export type Rating = Risk["rating"];
export type Basis = "inherent" | "residual";

export const LEVELS = [1, 2, 3, 4, 5] as const;
/** Impact from severe down to negligible: the heat map's rows, top to bottom. */
export const IMPACTS_DOWN = [5, 4, 3, 2, 1] as const;

export const LIKELIHOOD_LABEL: Record<number, string> = { 1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain" };
export const IMPACT_LABEL: Record<number, string> = { 1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Severe" };

export const RATING_LABEL: Record<Rating, string> = { low: "Low", medium: "Medium", high: "High", critical: "Critical" };
export const STATUS_LABEL: Record<Risk["status"], string> = { open: "Open", treated: "Treated", accepted: "Accepted", closed: "Closed" };
export const TREATMENT_LABEL: Record<NonNullable<Risk["treatment"]>, string> = {
  mitigate: "Mitigate",
  accept: "Accept",
  transfer: "Transfer",
  avoid: "Avoid",
};
export const CATEGORY_LABEL: Record<Risk["category"], string> = {
  security: "Security",
  privacy: "Privacy",
  availability: "Availability",
  fraud: "Fraud",
  operational: "Operational",
  compliance: "Compliance",
  financial: "Financial",
};

export function ratingOf(score: number): Rating {
  if (score <= 4) return "low";
  if (score <= 9) return "medium";
  if (score <= 16) return "high";
  return "critical";
}

export interface HeatMap {
  /** counts[likelihood - 1][impact - 1] */
  counts: number[][];
  /** Risks without a residual assessment (residual basis only). */
  unassessed: number;
  total: number;
}

/** How many risks sit in each likelihood × impact cell, on the inherent or residual scores. */
export function heatMap(risks: readonly Pick<Risk, "likelihood" | "impact" | "residual_likelihood" | "residual_impact">[], basis: Basis): HeatMap {
  const counts = LEVELS.map(() => LEVELS.map(() => 0));
  let unassessed = 0;
  for (const risk of risks) {
    const likelihood = basis === "inherent" ? risk.likelihood : risk.residual_likelihood;
    const impact = basis === "inherent" ? risk.impact : risk.residual_impact;
    if (likelihood == null || impact == null) {
      unassessed += 1;
      continue;
    }
    const row = counts[likelihood - 1];
    if (row && impact >= 1 && impact <= 5) row[impact - 1]! += 1;
  }
  return { counts, unassessed, total: risks.length };
}

/** "9 (medium)" or "Not assessed". */
export function scoreText(score: number | null, rating: Rating | null): string {
  return score === null || rating === null ? "Not assessed" : `${score} (${(RATING_LABEL[rating] ?? rating).toLowerCase()})`;
}
