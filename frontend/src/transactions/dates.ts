/**
 * Calendar days staff pick (YYYY-MM-DD, in Africa/Windhoek) as the instants the API's date
 * filters take (ISO 8601 with an offset). A range "from D1 to D2" includes both days: `from`
 * is the start of D1 and `to` (exclusive on the API) the start of the day after D2.
 */
import { TIME_ZONE } from "../format";

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "+02:00": the zone's UTC offset on that day (read from Intl, not assumed). */
function offsetOn(day: string): string {
  const [y, m, d] = day.split("-").map((part) => Number.parseInt(part, 10)) as [number, number, number];
  const noon = new Date(Date.UTC(y, m - 1, d, 12));
  const name = new Intl.DateTimeFormat("en-US", { timeZone: TIME_ZONE, timeZoneName: "longOffset" })
    .formatToParts(noon)
    .find((part) => part.type === "timeZoneName")?.value;
  const offset = name?.replace("GMT", "") ?? "";
  return offset === "" ? "+00:00" : offset;
}

function shift(day: string, days: number): string {
  const [y, m, d] = day.split("-").map((part) => Number.parseInt(part, 10)) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The start of `day` in Windhoek, e.g. "2026-11-01T00:00:00+02:00"; "" stays "". */
export function dayStart(day: string | null | undefined): string {
  if (!day || !DAY.test(day)) return "";
  return `${day}T00:00:00${offsetOn(day)}`;
}

/** The start of the day after `day`: the exclusive end of a range ending on `day`. */
export function dayEnd(day: string | null | undefined): string {
  if (!day || !DAY.test(day)) return "";
  return dayStart(shift(day, 1));
}

/** Back from `dayStart`'s instant to the day shown in a date input. */
export function startToDay(instant: string | null | undefined): string {
  return instant ? instant.slice(0, 10) : "";
}

/** Back from `dayEnd`'s instant to the last day of the range. */
export function endToDay(instant: string | null | undefined): string {
  return instant && DAY.test(instant.slice(0, 10)) ? shift(instant.slice(0, 10), -1) : "";
}
