/**
 * Flow 8: approvals without a mouse. Tab to the Approve button of a row, press Enter,
 * then confirm in the dialog with the keyboard alone.
 */
import { type Locator, type Page, expect, test } from "@playwright/test";
import { fixtures } from "./support/fixtures";
import { openInbox, row } from "./support/inbox";
import { signIn } from "./support/session";

const MAX_TABS = 150;

/** Presses Tab until `target` has the focus (fails when it never gets it). */
async function tabTo(page: Page, target: Locator): Promise<void> {
  for (let presses = 0; presses < MAX_TABS; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`the element was not reached within ${MAX_TABS} Tab presses`);
}

test("a staff member approves with the keyboard alone", async ({ page }) => {
  const { users, transfers } = fixtures();
  await signIn(page, users.colleague);
  await openInbox(page);
  const target = row(page, transfers.customer_keyboard.amount);
  const approve = target.getByRole("button", { name: "Approve" });
  await expect(approve).toBeVisible();

  await page.locator("body").focus();
  await tabTo(page, approve);
  await expect(approve).toBeFocused();
  await page.keyboard.press("Enter");

  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(/approve this transaction/i);
  const confirm = dialog.getByRole("button", { name: "Approve" });
  await tabTo(page, confirm);
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(row(page, transfers.customer_keyboard.amount)).toHaveCount(0);
  await expect(page.getByText(/transaction approved/i)).toBeVisible();
});
