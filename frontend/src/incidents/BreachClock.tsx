/**
 * The POPIA s22 clock: the API computes the deadline (`due_at` = discovery + the platform's
 * BREACH_NOTIFICATION_TARGET_HOURS, 72 h by default); this shows what is left, or how late,
 * against a `now` the caller passes (a ticking clock on the page, a fixed one in tests).
 */
import { Typography } from "@mui/material";
import { useEffect, useState } from "react";
import type { BreachNotification } from "../api/types";

const TEXT = {
  notifyRegulator: (left: string) => `Notify the regulator within ${left}`,
  notifySubjects: (left: string) => `Notify the data subjects within ${left}`,
  overdue: (late: string) => `Overdue by ${late}`,
  complete: "The regulator and the data subjects are notified",
};

/** "2 d 4 h", "3 h 20 min", "3 h", "45 min" (whole minutes, rounded down). */
export function formatSpan(milliseconds: number): string {
  const minutes = Math.floor(Math.abs(milliseconds) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
  return `${rest} min`;
}

type ClockInput = Pick<BreachNotification, "due_at" | "regulator_notified_at" | "subjects_notified_at">;

export interface ClockReading {
  text: string;
  overdue: boolean;
}

export function readClock(breach: ClockInput, now: Date): ClockReading {
  if (breach.regulator_notified_at && breach.subjects_notified_at) return { text: TEXT.complete, overdue: false };
  const left = new Date(breach.due_at).getTime() - now.getTime();
  if (left < 0) return { text: TEXT.overdue(formatSpan(left)), overdue: true };
  const span = formatSpan(left);
  return { text: breach.regulator_notified_at ? TEXT.notifySubjects(span) : TEXT.notifyRegulator(span), overdue: false };
}

export function BreachClock({ breach, now }: { breach: ClockInput; now: Date }) {
  const reading = readClock(breach, now);
  return (
    <Typography role="timer" variant="h6" component="p" color={reading.overdue ? "error" : "text.primary"}>
      {reading.text}
    </Typography>
  );
}

/** The current time, renewed every `everyMs` (a minute by default). */
export function useNow(everyMs = 60_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
