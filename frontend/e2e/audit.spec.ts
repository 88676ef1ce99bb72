/**
 * Flow 4: the audit log is exported (a file download) and verified: the server re-hashes
 * the chain and the browser checks the downloaded file against its signed manifest.
 */
import { expect, openMenu, test } from "./support/admin";

test("the audit log is exported and verified", async ({ adminPage: page }) => {
  await openMenu(page, /^audit log$/i);
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export audit log" }).click();
  expect((await download).suggestedFilename()).toMatch(/\S/);
  const status = page.getByRole("status").filter({ hasText: /verif/i });
  await expect(status).toContainText("Verified", { timeout: 30_000 });

  await page.getByRole("button", { name: "Verify audit log" }).click();
  await expect(status).toContainText("Verified", { timeout: 30_000 });
  await expect(status).not.toContainText(/failed/i);
});
