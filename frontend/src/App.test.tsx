import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { App } from "./App";
import { fail, mockApi, ok } from "./test/api";

describe("the app shell", () => {
  it("signs in with a password and a TOTP code, then opens the home page", async () => {
    const log = mockApi((call) => {
      const { path } = call;
      const bearer = call.headers.get("Authorization");
      switch (path) {
        case "/auth/refresh":
          return fail(401, "AUTH_003", "No session");
        case "/auth/login":
          return ok({ mfa_required: true, mfa_token: "mfa-token-123" });
        case "/auth/mfa/verify":
          return ok({ access_token: "acc", token_type: "Bearer", expires_in: 900 });
        default:
          if (bearer !== "Bearer acc") return fail(401, "AUTH_001", "Sign in");
          if (path === "/me/permissions") return ok({ roles: ["finance"], permissions: ["payment:approve"], scopes: {}, withheld: [] });
          if (path === "/me") return ok({ id: "staff-1", username: "staff", full_name: "Staff One", email: "s@x", roles: ["finance"] });
          if (path === "/transactions/daily") return ok({ time_zone: "Africa/Windhoek", first: "2026-12-08", last: "2026-12-08", days: [{ date: "2026-12-08", count: 0, totals: [] }] });
          if (path === "/transactions/approval-queue") return ok({ pending: 0, under_1h: 0, from_1h_to_4h: 0, from_4h_to_24h: 0, over_24h: 0, oldest_created_at: null });
          return ok([], { has_more: false, next_cursor: null, limit: 25 });
      }
    });
    window.location.hash = "#/";
    render(<App />);

    fireEvent.change(await screen.findByLabelText(/Email or username/), { target: { value: "staff" } });
    fireEvent.change(screen.getByLabelText(/Password/), { target: { value: "pw" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    fireEvent.change(await screen.findByLabelText(/Authenticator or backup code/), { target: { value: "492038" } });
    fireEvent.click(screen.getByRole("button", { name: "Verify" }));

    expect(await screen.findByText("Nothing waits for approval.")).toBeTruthy();
    const calls = log.map((call) => `${call.method} ${call.path}`);
    expect(calls).toContain("GET /transactions/approval-queue");
    expect(calls).toContain("POST /auth/login");
    expect(calls).toContain("POST /auth/mfa/verify");
  });
});
