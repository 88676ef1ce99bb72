/**
 * Flow 1: a staff approver signs in with TOTP, approves a customer's transfer above the
 * threshold after confirming, and sees it leave the inbox; their own pending transfer is
 * listed but offers no approve action (four eyes: someone else decides).
 */
import { expect, test } from "@playwright/test";
import { fixtures } from "./support/fixtures";
import { openInbox, row } from "./support/inbox";
import { signIn } from "./support/session";

test("an approver approves a customer's transfer; their own waits for someone else", async ({ page }) => {
  const { users, transfers } = fixtures();
  await signIn(page, users.approver);
  await openInbox(page);

  const own = row(page, transfers.approver_own.amount);
  await expect(own).toBeVisible();
  await expect(own).toContainText(/your own/i);
  await expect(own.getByRole("button", { name: "Approve", disabled: false })).toHaveCount(0);

  const customers = row(page, transfers.customer_mouse.amount);
  await customers.getByRole("button", { name: "Approve" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(/approve this transaction/i);
  await dialog.getByRole("button", { name: "Approve" }).click();
  await expect(dialog).toBeHidden();
  await expect(row(page, transfers.customer_mouse.amount)).toHaveCount(0);
  await expect(page.getByText(/transaction approved/i)).toBeVisible();
  // What is left still waits: the customer's other transfers and the approver's own.
  await expect(row(page, transfers.customer_left.amount)).toBeVisible();
  await expect(row(page, transfers.approver_own.amount)).toBeVisible();
});
