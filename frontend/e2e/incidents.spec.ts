/**
 * Flow 3: staff open an incident from the list, record that personal information was
 * compromised, and see the POPIA s22 notification clock running.
 */
import { expect, openMenu, test } from "./support/admin";

test("an incident is opened and its s22 clock runs", async ({ adminPage: page }) => {
  await openMenu(page, /^incidents$/i);
  const create = page.getByRole("button", { name: "New incident" });
  await expect(create, "the list offers New incident, even while it is empty").toBeVisible();
  await create.click();
  // Wait for the form's page: the list's own "Type" filter must not be mistaken for the field.
  await page.waitForURL(/\/incidents\/new$/);
  await expect(page.getByRole("button", { name: "Open incident" })).toBeVisible();

  await page.getByLabel(/^Type/).selectOption({ label: "Privacy" });
  await page.getByLabel(/^Title/).fill("Customer list e-mailed to a wrong address");
  await page.getByLabel(/^Description/).fill("A CSV of 40 customers' names and phone numbers went to an outside address.");
  await page.getByLabel(/^Impact/).selectOption({ label: "1 (high)" });
  await page.getByLabel(/^Urgency/).selectOption({ label: "1 (high)" });
  await page.getByRole("button", { name: "Open incident" }).click();

  const panel = page.getByRole("region", { name: "Breach notification (s22)" });
  await expect(page.getByRole("heading", { name: "Breach notification (s22)" })).toBeVisible();
  await panel.getByRole("button", { name: /record breach notification/i }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel(/^Discovered at/)).not.toHaveValue(""); // defaults to now
  await dialog.getByLabel(/^Possible consequences/).fill("Phishing aimed at the customers named.");
  await dialog.getByLabel(/^Measures taken/).fill("Recipient asked to delete it; mail rules tightened.");
  await dialog.getByLabel(/^What the data subjects should do/).fill("Ignore messages asking for PINs or codes.");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();

  const clock = page.getByRole("timer");
  await expect(clock).toBeVisible();
  await expect(clock).toContainText(/notify the regulator within \d+ d \d+ h|notify the regulator within \d+ h/i);
});
