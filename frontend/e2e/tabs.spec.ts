/**
 * Flow 6: two tabs of one browser reload at the same moment. Each reload signs back in
 * through POST /auth/refresh with the shared HttpOnly cookie; refresh tokens rotate, so
 * the tabs must take turns (the client's cross-tab refresh lock). Without it the second
 * refresh would present a spent token, which the API treats as theft: it revokes the
 * session and the tabs fall back to the sign-in page.
 *
 * To make "the same moment" certain rather than lucky, each refresh request is held until
 * the other tab's has been sent too (or for at most HOLD_MS, which is what happens to the
 * first one when the second tab is rightly waiting for the lock).
 */
import { type BrowserContext, type Page, expect, test } from "@playwright/test";
import { fixtures } from "./support/fixtures";
import { route, signIn } from "./support/session";

const HOLD_MS = 2_000;

/** Holds each refresh until a second one is in flight, or HOLD_MS have passed. */
async function pairRefreshes(context: BrowserContext): Promise<() => number> {
  let sent = 0;
  const paired = () => sent >= 2;
  await context.route("**/api/v1/auth/refresh", async (request) => {
    sent += 1;
    const deadline = Date.now() + HOLD_MS;
    while (!paired() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    await request.continue();
  });
  return () => sent;
}

async function expectSignedIn(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("menuitem").first()).toBeVisible();
  await expect(page.getByRole("button", { name: /^sign in$/i })).toHaveCount(0);
}

test("two tabs reloading together both stay signed in", async ({ page }) => {
  await signIn(page, fixtures().users.approver);
  const other = await page.context().newPage();
  await other.goto(route("/"));
  await expectSignedIn(other);

  for (let round = 1; round <= 2; round++) {
    await test.step(`both tabs reload at once (round ${round})`, async () => {
      await page.context().unrouteAll();
      const refreshes = await pairRefreshes(page.context());
      await Promise.all([page.reload(), other.reload()]);
      await expectSignedIn(page);
      await expectSignedIn(other);
      expect(refreshes(), "each reloaded tab signed back in with a refresh").toBe(2);
    });
  }
});
