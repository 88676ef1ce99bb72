/** Dates as staff read them: en-NA, in Africa/Windhoek. Strings in one place (i18n-ready). */
export const LOCALE = "en-NA";
export const TIME_ZONE = "Africa/Windhoek";

const dateTime = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "short", hourCycle: "h23", timeZone: TIME_ZONE });

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : "";
}

/** "5 min", "3 h", "2 d": how long something has waited. */
export function formatAge(iso: string, now: Date = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - new Date(iso).getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}
