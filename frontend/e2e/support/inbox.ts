/** The approvals inbox, found as a user finds it: from the menu, rows by their amount. */
import { type Locator, type Page, expect } from "@playwright/test";

export const INBOX = /approvals inbox/i;

/** "2500.00" -> a pattern for the Amount cell as the inbox shows it ("N$2,500.00"). */
export function amountPattern(amount: string): RegExp {
  const [whole = "0", fraction = "00"] = amount.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return new RegExp(`^\\D*${grouped}\\.${fraction}$`);
}

export async function openInbox(page: Page): Promise<void> {
  await page.getByRole("menuitem", { name: INBOX }).click();
  await expect(page.getByRole("table")).toBeVisible();
}

export function row(page: Page, amount: string): Locator {
  return page.getByRole("row").filter({ has: page.getByRole("cell", { name: amountPattern(amount) }) });
}
