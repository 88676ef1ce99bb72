import { describe, expect, it } from "vitest";
import { ABSOLUTE_WARNING_MS, IDLE_TIMEOUT_MS, IDLE_WARNING_MS, idleExpired, minutesLeft, sessionPhase } from "./policy";

const MIN = 60_000;
const start = Date.UTC(2026, 11, 8, 8, 0, 0);

describe("session policy", () => {
  it("is 15 minutes idle with a warning 2 minutes before, and warns 15 minutes before the absolute end", () => {
    expect([IDLE_TIMEOUT_MS, IDLE_WARNING_MS, ABSOLUTE_WARNING_MS]).toEqual([15 * MIN, 2 * MIN, 15 * MIN]);
  });

  it("moves from active to the idle warning to the end", () => {
    const at = (minutes: number) => sessionPhase({ now: start + minutes * MIN, lastActivity: start, expiresAt: null });
    expect(at(12.9)).toEqual({ kind: "active" });
    expect(at(13)).toEqual({ kind: "idle-warning", endsAt: start + 15 * MIN });
    expect(at(15)).toEqual({ kind: "ended", reason: "idle" });
  });

  it("warns about the absolute end, which activity does not move, and ends there", () => {
    const expiresAt = start + 60 * MIN;
    const at = (minutes: number) => sessionPhase({ now: start + minutes * MIN, lastActivity: start + minutes * MIN, expiresAt });
    expect(at(44)).toEqual({ kind: "active" });
    expect(at(45)).toEqual({ kind: "absolute-warning", endsAt: expiresAt });
    expect(at(60)).toEqual({ kind: "ended", reason: "absolute" });
  });

  it("warns about the absolute end, not idleness, when it comes first", () => {
    const phase = sessionPhase({ now: start + 13 * MIN, lastActivity: start, expiresAt: start + 14 * MIN });
    expect(phase).toEqual({ kind: "absolute-warning", endsAt: start + 14 * MIN });
  });

  it("rounds the minutes left up and never says 0", () => {
    expect(minutesLeft(start + 2 * MIN, start)).toBe(2);
    expect(minutesLeft(start + 61_000, start)).toBe(2);
    expect(minutesLeft(start + 1_000, start)).toBe(1);
  });

  it("knows a stored activity past the idle limit", () => {
    expect(idleExpired(null, start)).toBe(false);
    expect(idleExpired(start - 14 * MIN, start)).toBe(false);
    expect(idleExpired(start - 15 * MIN, start)).toBe(true);
  });
});
