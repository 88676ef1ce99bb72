import { describe, expect, it } from "vitest";
import { formatAge, formatDateTime } from "./format";

describe("format", () => {
  it("shows ages in minutes, hours, then days", () => {
    const now = new Date("2026-12-07T12:00:00Z");
    expect(formatAge("2026-12-07T11:55:00.000Z", now)).toBe("5 min");
    expect(formatAge("2026-12-07T09:00:00.000Z", now)).toBe("3 h");
    expect(formatAge("2026-12-04T12:00:00.000Z", now)).toBe("3 d");
    expect(formatAge("2026-12-07T12:10:00.000Z", now)).toBe("0 min");
  });

  it("shows times in Windhoek (UTC+2)", () => {
    expect(formatDateTime("2026-12-07T22:30:00.000Z")).toMatch(/8 Dec 2026.*00:30/);
    expect(formatDateTime(null)).toBe("");
  });
});
