/**
 * Calendar days and months as the business counts them (Africa/Windhoek), for the screens'
 * inputs: days as YYYY-MM-DD, months as YYYY-MM, and the instants the API's date filters take
 * (ISO 8601 with the zone's offset). A range "from D1 to D2" includes both days: `from` is the
 * start of D1 and `to` (exclusive on the API) the start of the day after D2. Day arithmetic runs
 * on UTC dates of the calendar day, so no local clock shifts a day.
 */
import { TIME_ZONE } from "../format";

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today's calendar day in Africa/Windhoek, YYYY-MM-DD. */
export function businessToday(now: Date = new Date()): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/** `day` moved by `days` calendar days. */
export function addDays(day: string, days: number): string {
  const match = DAY.exec(day);
  if (!match) throw new RangeError(`not a day: ${day}`);
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days));
  return date.toISOString().slice(0, 10);
}

/** The month before the current one in Africa/Windhoek, YYYY-MM (the latest a report may cover). */
export function previousMonth(now: Date = new Date()): string {
  const [year, month] = businessToday(now).split("-").map(Number) as [number, number];
  const date = new Date(Date.UTC(year, month - 2, 1));
  return date.toISOString().slice(0, 7);
}

/** The UTC offset of Africa/Windhoek at `instant`, as "+02:00" (read from Intl, not assumed). */
function offsetAt(instant: Date): string {
  const name =
    new Intl.DateTimeFormat("en-US", { timeZone: TIME_ZONE, timeZoneName: "longOffset" })
      .formatToParts(instant)
      .find((part) => part.type === "timeZoneName")?.value ?? "GMT";
  const match = /GMT([+-]\d{2}):?(\d{2})?/.exec(name);
  return match ? `${match[1]}:${match[2] ?? "00"}` : "+00:00";
}

/** The instant a business day starts (midnight in Africa/Windhoek), ISO 8601 with its offset. */
export function startOfBusinessDay(day: string): string {
  if (!DAY.test(day)) throw new RangeError(`not a day: ${day}`);
  // The offset at noon UTC of that day is the day's offset (no zone changes at midnight there).
  return `${day}T00:00:00${offsetAt(new Date(`${day}T12:00:00Z`))}`;
}

/** For date inputs: the start of `day` in Windhoek, e.g. "2026-11-01T00:00:00+02:00"; "" stays "". */
export function dayStart(day: string | null | undefined): string {
  return day && DAY.test(day) ? startOfBusinessDay(day) : "";
}

/** The start of the day after `day`: the exclusive end of a range ending on `day`. */
export function dayEnd(day: string | null | undefined): string {
  return day && DAY.test(day) ? startOfBusinessDay(addDays(day, 1)) : "";
}

/** Back from `dayStart`'s instant to the day shown in a date input. */
export function startToDay(instant: string | null | undefined): string {
  return instant ? instant.slice(0, 10) : "";
}

/** Back from `dayEnd`'s instant to the last day of the range. */
export function endToDay(instant: string | null | undefined): string {
  return instant && DAY.test(instant.slice(0, 10)) ? addDays(instant.slice(0, 10), -1) : "";
}
