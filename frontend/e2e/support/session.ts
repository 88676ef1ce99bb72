/**
 * Signing in as staff do (password, then the authenticator code), through the dashboard's
 * own sign-in page; and, for the checks that go around the UI, a fresh sign-in over HTTP.
 */
import { type APIRequestContext, type Browser, type BrowserContext, type Page, expect } from "@playwright/test";
import { type Person, fixtures } from "./fixtures";
import { freshCode } from "./totp";

export const DASHBOARD = "/dashboard/";

/** The dashboard's URL for an in-app route ("/approvals"): react-admin routes by hash. */
export function route(path: string): string {
  return `${DASHBOARD}#${path}`;
}

export function baseURL(): string {
  return process.env.E2E_BASE_URL ?? "http://127.0.0.1:8000";
}

/** A context like the configured ones, for fixtures that outlive one test. */
export function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: baseURL(),
    reducedMotion: "reduce",
    locale: "en-NA",
    timezoneId: "Africa/Windhoek",
    viewport: { width: 1366, height: 900 },
  });
}

function code(person: Person): Promise<string> {
  if (!person.totp_secret) throw new Error(`${person.username} has no authenticator enrolled`);
  return freshCode(person.username, person.totp_secret, person.totp_last_step);
}

/** Signs `person` in on the sign-in page and waits for the signed-in layout. */
export async function signIn(page: Page, person: Person): Promise<void> {
  await page.goto(DASHBOARD);
  await page.getByLabel(/email or username/i).fill(person.email);
  await page.getByLabel(/^password/i).fill(person.password);
  await page.getByRole("button", { name: /^sign in$/i }).click();
  const codeField = page.getByLabel(/authenticator or backup code/i);
  await expect(codeField).toBeVisible();
  await codeField.fill(await code(person));
  await page.getByRole("button", { name: /^verify$/i }).click();
  await expect(codeField).toBeHidden();
  await expect(page.getByRole("navigation").or(page.getByRole("menu")).first()).toBeVisible();
}

/** An access token from a fresh sign-in over HTTP (password, then TOTP), not through the UI. */
export async function apiToken(request: APIRequestContext, person: Person): Promise<string> {
  const device = { device_id: crypto.randomUUID(), device_name: "Browser suite (direct API call)" };
  const login = await request.post("/api/v1/auth/login", {
    data: { email: person.email, password: person.password, ...device },
  });
  expect(login.status(), await login.text()).toBe(200);
  let data = (await login.json()).data;
  if (data.mfa_required) {
    const verified = await request.post("/api/v1/auth/mfa/verify", {
      data: { mfa_token: data.mfa_token, code: await code(person) },
    });
    expect(verified.status(), await verified.text()).toBe(200);
    data = (await verified.json()).data;
  }
  return data.access_token as string;
}

export function users() {
  return fixtures().users;
}
