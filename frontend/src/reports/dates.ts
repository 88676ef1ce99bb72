/**
 * Calendar days and months as the business counts them (Africa/Windhoek), for the operations
 * screens' inputs: the API takes days as YYYY-MM-DD, months as YYYY-MM, instants in UTC.
 * Day arithmetic runs on UTC dates of the calendar day, so no local clock shifts a day.
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

/** The UTC offset of Africa/Windhoek at `instant`, as "+02:00". */
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
