/**
 * DISPLAY ONLY: the height of a bar that stands for an amount of money.
 *
 * A chart needs numbers for its geometry; the figures people read (summary lines, tooltips,
 * tables) are always the API's decimal strings through `formatMoney`. This conversion keeps
 * the integer part and two fraction digits, so a bar can be off by less than a cent of its
 * height: harmless for a picture, and it never feeds any text, sum or comparison.
 */
import { parseDecimal } from "../money";

export function barHeight(amount: string): number {
  const { negative, integer, fraction } = parseDecimal(amount);
  const magnitude = Number.parseFloat(`${integer}.${fraction.slice(0, 2) || "0"}`);
  return negative ? -magnitude : magnitude;
}

/** A percentage the API sends as a string ("95.0", or null when nothing was decided). */
export function percentHeight(percent: string | null | undefined): number {
  return percent == null ? 0 : Number.parseFloat(percent);
}
