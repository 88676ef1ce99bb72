import { act, fireEvent, render, screen } from "@testing-library/react";
import { AdminContext } from "react-admin";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiClient } from "../api/client";
import { grantsAt } from "../test/permissions";
import { authProviderFor } from "../test/render";
import { ACTIVITY_KEY, ActivityTracker, SIGNED_OUT_KEY } from "./activity";
import { SessionBanner } from "./SessionBanner";
import { takeSignOutReason } from "./signOutReason";

const MIN = 60_000;
const START = Date.UTC(2026, 11, 8, 8, 0, 0);
const staff = grantsAt("own", "payment:approve");

function renderBanner({ expiresInMinutes = null as number | null, permissions = staff } = {}) {
  const client = new ApiClient({ fetch: vi.fn(), locks: null });
  client.setTokens({
    access_token: "acc",
    token_type: "Bearer",
    expires_in: 900,
    session_expires_at: expiresInMinutes === null ? null : new Date(START + expiresInMinutes * MIN).toISOString(),
  });
  const tracker = new ActivityTracker(localStorage);
  const logout = vi.fn(async () => {
    client.setToken(null);
  });
  const authProvider = { ...authProviderFor(permissions), logout };
  render(
    <AdminContext authProvider={authProvider}>
      <SessionBanner client={client} tracker={tracker} />
    </AdminContext>,
  );
  return { client, tracker, logout };
}

/** Let the clock run (the banner re-evaluates every second), then settle promises. */
async function pass(ms: number) {
  await act(async () => {
    vi.advanceTimersByTime(ms);
  });
}

describe("SessionBanner", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: START });
  });
  afterEach(() => {
    vi.useRealTimers();
    takeSignOutReason();
  });

  it("warns 2 minutes before the idle limit and stays signed in on request", async () => {
    const { logout } = renderBanner();
    await pass(12 * MIN);
    expect(screen.queryByRole("alertdialog")).toBeNull();
    await pass(1 * MIN);
    const dialog = screen.getByRole("alertdialog", { name: "Your session ends in 2 min" });
    expect(dialog.textContent).toContain("15 minutes without activity");
    await pass(61_000);
    expect(screen.getByRole("alertdialog", { name: "Your session ends in 1 min" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Stay signed in" }));
    for (let i = 0; i < 5; i++) await pass(1_000); // the closing transition
    expect(screen.queryByRole("alertdialog")).toBeNull();
    await pass(12 * MIN);
    expect(screen.queryByRole("alertdialog")).toBeNull(); // the idle clock restarted
    expect(logout).not.toHaveBeenCalled();
  });

  it("signs out after 15 minutes without activity and says why on the sign-in page", async () => {
    const { logout } = renderBanner();
    await pass(15 * MIN);
    expect(logout).toHaveBeenCalledOnce();
    expect(takeSignOutReason()).toBe("idle");
  });

  it("counts keyboard activity, but not once the warning asks for a choice", async () => {
    const { logout } = renderBanner();
    await pass(10 * MIN);
    fireEvent.keyDown(window, { key: "Tab" });
    await pass(12 * MIN);
    expect(screen.queryByRole("alertdialog")).toBeNull();
    await pass(1 * MIN);
    expect(screen.getByRole("alertdialog")).toBeTruthy();
    fireEvent.mouseMove(window); // a passing pointer is not a decision
    await pass(2 * MIN);
    expect(logout).toHaveBeenCalledOnce();
  });

  it("keeps this tab signed in while the user works in another tab", async () => {
    const { logout } = renderBanner();
    await pass(10 * MIN);
    localStorage.setItem(ACTIVITY_KEY, String(Date.now())); // the other tab's activity
    await pass(10 * MIN);
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(logout).not.toHaveBeenCalled();
  });

  it("shows the absolute end as a status banner and signs out there, whatever the activity", async () => {
    const { logout } = renderBanner({ expiresInMinutes: 20 });
    await pass(4 * MIN);
    expect(screen.queryByRole("status")).toBeNull();
    await pass(1 * MIN);
    expect(screen.getByRole("status").textContent).toContain("Your session ends in 15 min");
    fireEvent.keyDown(window, { key: "a" });
    await pass(10 * MIN);
    expect(screen.getByRole("status").textContent).toContain("Your session ends in 5 min");
    expect(screen.queryByRole("alertdialog")).toBeNull();
    fireEvent.keyDown(window, { key: "a" });
    await pass(5 * MIN);
    expect(logout).toHaveBeenCalledOnce();
    expect(takeSignOutReason()).toBe("absolute");
  });

  it("leaves when another tab signs out", async () => {
    const { client, logout } = renderBanner();
    await act(async () => {
      window.dispatchEvent(new StorageEvent("storage", { key: SIGNED_OUT_KEY, newValue: "1" }));
    });
    expect(client.token).toBeNull();
    expect(logout).toHaveBeenCalledOnce();
    expect(takeSignOutReason()).toBe("elsewhere");
  });

  it("says when staff permissions are withheld for want of MFA", async () => {
    renderBanner({ permissions: { ...staff, permissions: [], withheld: ["payment:approve"] } });
    for (let i = 0; i < 5; i++) await pass(100); // the permissions query
    expect(screen.getByText(/did not sign in with two-factor authentication/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Sign in with two-factor authentication" })).toBeTruthy();
  });
});
