import { describe, expect, it, vi } from "vitest";
import { ACTIVITY_KEY, ACTIVITY_WRITE_INTERVAL_MS, ActivityTracker, SIGNED_OUT_KEY, onSignOutElsewhere } from "./activity";

describe("ActivityTracker", () => {
  it("shares activity through storage, written at most every few seconds", () => {
    let now = 1_000_000;
    const tracker = new ActivityTracker(localStorage, () => now);
    tracker.record();
    expect(localStorage.getItem(ACTIVITY_KEY)).toBe("1000000");
    now += 1_000;
    tracker.record();
    expect(localStorage.getItem(ACTIVITY_KEY)).toBe("1000000"); // throttled
    expect(tracker.lastActivity()).toBe(1_001_000); // but counted in this tab
    now += ACTIVITY_WRITE_INTERVAL_MS;
    tracker.record();
    expect(localStorage.getItem(ACTIVITY_KEY)).toBe(String(now));
  });

  it("counts another tab's activity", () => {
    const tracker = new ActivityTracker(localStorage, () => 5_000);
    localStorage.setItem(ACTIVITY_KEY, "9000");
    expect(tracker.lastActivity()).toBe(9_000);
  });

  it("ignores passive activity while paused, not an explicit choice", () => {
    let now = 10_000;
    const tracker = new ActivityTracker(localStorage, () => now);
    tracker.pause(true);
    now = 20_000;
    tracker.record();
    expect(tracker.lastActivity()).toBe(10_000);
    tracker.record(true);
    expect(tracker.lastActivity()).toBe(20_000);
  });

  it("listens to keyboard and pointer activity until stopped", () => {
    let now = 10_000;
    const tracker = new ActivityTracker(localStorage, () => now);
    const stop = tracker.listen(window);
    now = 50_000;
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "Tab" }));
    expect(tracker.lastActivity()).toBe(50_000);
    stop();
    now = 90_000;
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "Tab" }));
    expect(tracker.lastActivity()).toBe(50_000);
  });

  it("announces a sign-out to the other tabs", () => {
    const tracker = new ActivityTracker(localStorage, () => 42);
    tracker.announceSignOut();
    expect(localStorage.getItem(SIGNED_OUT_KEY)).toBe("42");
    const heard = vi.fn();
    const stop = onSignOutElsewhere(heard, window);
    window.dispatchEvent(new StorageEvent("storage", { key: ACTIVITY_KEY, newValue: "1" }));
    window.dispatchEvent(new StorageEvent("storage", { key: SIGNED_OUT_KEY, newValue: "43" }));
    stop();
    expect(heard).toHaveBeenCalledOnce();
  });
});
