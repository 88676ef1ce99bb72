import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { AdminContext } from "react-admin";
import { describe, expect, it } from "vitest";
import { ApiClient } from "./api/client";
import { createAuthProvider } from "./authProvider";
import { LoginPage } from "./LoginPage";
import { ActivityTracker } from "./session/activity";
import { setSignOutReason } from "./session/signOutReason";
import { fail, mockApi, ok } from "./test/api";

const CODES = ["aaaa-1111", "bbbb-2222", "cccc-3333"];
const QR = '<svg xmlns="http://www.w3.org/2000/svg" id="qr-injected"><script>alert(1)</script><rect/></svg>';

/** A staff account without MFA: the first session is limited; after enrolment, MFA sign-in. */
function staffWithoutMfa(options: { enable?: () => Response } = {}) {
  let mfaOn = false;
  const calls = mockApi((call) => {
    const bearer = call.headers.get("Authorization");
    switch (call.path) {
      case "/auth/login":
        return mfaOn ? ok({ mfa_required: true, mfa_token: "mfa-token-1" }) : ok({ access_token: "limited", token_type: "Bearer", expires_in: 900 });
      case "/me/permissions":
        return bearer === "Bearer full"
          ? ok({ roles: ["finance"], permissions: ["payment:approve"], scopes: {}, withheld: [], mfa: true })
          : ok({ roles: ["user"], permissions: ["wallet:read"], scopes: {}, withheld: ["payment:approve"], mfa: false });
      case "/auth/mfa/setup":
        return ok({ secret: "JBSWY3DPEHPK3PXP", otpauth_uri: "otpauth://totp/Elcorp:x?secret=JBSWY3DPEHPK3PXP", qr_svg: QR });
      case "/auth/mfa/enable":
        if (options.enable) return options.enable();
        mfaOn = true;
        return ok({ mfa_enabled: true, backup_codes: CODES });
      case "/auth/logout":
        return ok({ logged_out: true, all_devices: false });
      case "/auth/mfa/verify":
        return ok({ access_token: "full", token_type: "Bearer", expires_in: 900, session_expires_at: "2026-12-15T08:00:00Z" });
      default:
        return ok({});
    }
  });
  const client = new ApiClient({ fetch: globalThis.fetch, locks: null });
  const authProvider = createAuthProvider(client, new ActivityTracker(localStorage));
  render(
    <AdminContext authProvider={authProvider}>
      <LoginPage client={client} />
    </AdminContext>,
  );
  return { calls, client };
}

async function signInWithPassword() {
  fireEvent.change(await screen.findByLabelText(/Email or username/), { target: { value: "finance.officer" } });
  fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: "pw-1" } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("LoginPage", () => {
  it("leads staff without MFA through enrolment, the backup codes, and a sign-in with MFA", async () => {
    const { calls, client } = staffWithoutMfa();
    await signInWithPassword();

    expect(await screen.findByRole("heading", { name: "Set up two-factor authentication" })).toBeTruthy();
    const qr = await screen.findByRole("img", { name: /QR code/ });
    expect(qr.getAttribute("src")).toMatch(/^data:image\/svg\+xml;charset=utf-8,/);
    expect(decodeURIComponent(qr.getAttribute("src")!.split(",")[1]!)).toBe(QR);
    expect(document.getElementById("qr-injected")).toBeNull(); // never markup in the DOM
    expect(screen.getByLabelText("Key for manual entry")).toHaveProperty("value", "JBSW Y3DP EHPK 3PXP");

    const code = screen.getByLabelText(/Code from your authenticator app/);
    expect(document.activeElement).toBe(code);
    fireEvent.change(code, { target: { value: "492 038" } });
    fireEvent.change(screen.getByLabelText(/Your password/), { target: { value: "pw-1" } });
    fireEvent.click(screen.getByRole("button", { name: "Turn on two-factor authentication" }));

    const list = await screen.findByRole("list", { name: "Backup codes" });
    expect(within(list).getAllByRole("listitem").map((item) => item.textContent)).toEqual(CODES);
    expect(document.activeElement).toBe(screen.getByRole("heading", { name: "Store your backup codes" }));
    const proceed = screen.getByRole("button", { name: "Continue to sign in with two-factor authentication" });
    expect(proceed).toHaveProperty("disabled", true);
    fireEvent.click(screen.getByRole("checkbox", { name: "I have stored these codes" }));
    expect(proceed).toHaveProperty("disabled", false);
    fireEvent.click(proceed);

    fireEvent.change(await screen.findByLabelText(/Authenticator or backup code/), { target: { value: "118 233" } });
    expect(screen.getByRole("status").textContent).toContain("Two-factor authentication is on");
    fireEvent.click(screen.getByRole("button", { name: "Verify" }));
    await waitFor(() => expect(client.token).toBe("full"));

    const posts = calls.filter((c) => c.method === "POST");
    expect(posts.map((c) => `${c.method} ${c.path}`)).toEqual([
      "POST /auth/login",
      "POST /auth/mfa/setup",
      "POST /auth/mfa/enable",
      "POST /auth/logout",
      "POST /auth/login",
      "POST /auth/mfa/verify",
    ]);
    expect(posts[2]).toMatchObject({ body: { code: "492038", password: "pw-1" } });
    expect(posts[2]!.headers.get("Authorization")).toBe("Bearer limited");
    expect(posts[3]!.headers.get("Authorization")).toBe("Bearer limited"); // the limited session is revoked
    expect(posts[4]!.body).toMatchObject({ username: "finance.officer", password: "pw-1" });
    expect(posts[5]!.body).toEqual({ mfa_token: "mfa-token-1", code: "118233" });
    expect(client.session.expiresAt?.toISOString()).toBe("2026-12-15T08:00:00.000Z");
  });

  it("shows the API's message when enabling is refused, and keeps the step", async () => {
    staffWithoutMfa({
      enable: () => fail(401, "AUTH_005", "Invalid MFA code"),
    });
    await signInWithPassword();
    fireEvent.change(await screen.findByLabelText(/Code from your authenticator app/), { target: { value: "000000" } });
    fireEvent.change(screen.getByLabelText(/Your password/), { target: { value: "pw-1" } });
    fireEvent.click(screen.getByRole("button", { name: "Turn on two-factor authentication" }));
    expect(await screen.findByText("Invalid MFA code")).toBeTruthy();
    expect(screen.getByRole("img", { name: /QR code/ })).toBeTruthy();
  });

  it("says why the last session ended", async () => {
    setSignOutReason("idle");
    staffWithoutMfa();
    expect((await screen.findByRole("status")).textContent).toBe("You were signed out after 15 minutes without activity.");
  });
});
