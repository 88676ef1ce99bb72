/**
 * `test` with a signed-in administrator's page shared by the tests of one worker: the
 * administrator signs in once (one TOTP step) for the admin flows and the page tour, instead
 * of waiting for a fresh step before each. Tests navigate from the menu, so they do not
 * depend on each other's state.
 */
import { type Page, test as base } from "@playwright/test";
import { fixtures } from "./fixtures";
import { newContext, signIn } from "./session";

export const test = base.extend<{}, { adminPage: Page }>({
  adminPage: [
    async ({ browser }, use) => {
      const context = await newContext(browser);
      const page = await context.newPage();
      await signIn(page, fixtures().users.admin);
      await use(page);
      await context.close();
    },
    { scope: "worker", timeout: 90_000 },
  ],
});

export { expect } from "@playwright/test";

/** Waits until the page has loaded what it shows: no request in flight, no progress bar. */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle");
  const progress = page.locator('[role="progressbar"]:visible');
  for (let tries = 0; tries < 40 && (await progress.count()) > 0; tries++) {
    await page.waitForTimeout(250);
  }
}

/** Opens a menu entry by its label, as a user would. */
export async function openMenu(page: Page, label: RegExp): Promise<void> {
  await page.getByRole("menuitem", { name: label }).click();
  await settle(page);
}
