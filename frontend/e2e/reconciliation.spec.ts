/**
 * Flow 2: a bank statement with one malformed line is refused whole, and the page lists
 * the line and its problem (the API's 422 details).
 */
import { expect, openMenu, test } from "./support/admin";

const STATEMENT = [
  "date,reference,amount,currency",
  "2026-12-01,EFT-E2E-OK-1,150.00,NAD",
  "2026-12-01,EFT-E2E-BROKEN", // line 3: two fields where the header has four
  "2026-12-02,EFT-E2E-OK-2,-75.50,NAD",
].join("\n");

test("a statement with a malformed line is reported line by line", async ({ adminPage: page }) => {
  await openMenu(page, /^reconciliation$/i);
  await page.getByLabel("Bank statement (CSV)").setInputFiles({
    name: "statement.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`${STATEMENT}\n`, "utf8"),
  });
  await page.getByRole("button", { name: "Upload statement" }).click();

  await expect(page.getByRole("heading", { name: "Malformed lines" })).toBeVisible();
  const table = page.getByRole("table", { name: "Malformed lines" });
  await expect(table.getByRole("columnheader", { name: "Line" })).toBeVisible();
  await expect(table.getByRole("columnheader", { name: "Problem" })).toBeVisible();
  const rows = table.getByRole("row").filter({ has: page.getByRole("cell") });
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByRole("cell").first()).toHaveText("3");
  await expect(rows.first().getByRole("cell").nth(1)).not.toBeEmpty();
});
