/**
 * Flow 5: a user whose role ("customer-support") lacks payment:approve sees no approvals
 * inbox in the menu and no Approve button even at the inbox's address; and the API itself
 * refuses the approval when called directly with that user's own token (403): hiding the
 * button is convenience, the API is the control.
 */
import { expect, test } from "@playwright/test";
import { fixtures } from "./support/fixtures";
import { INBOX } from "./support/inbox";
import { apiToken, route, signIn } from "./support/session";

test("customer support can neither see nor use an approval", async ({ page, request }) => {
  const { users, transfers } = fixtures();
  const support = users.support;

  const token = await apiToken(request, support);
  const refused = await request.post(`/api/v1/transactions/${transfers.customer_left.id}/approve`, {
    headers: { Authorization: `Bearer ${token}`, "Idempotency-Key": crypto.randomUUID() },
    data: {},
  });
  expect(refused.status(), await refused.text()).toBe(403);
  expect((await refused.json()).error.code, "refused for the permission, not for a missing MFA").toBe("ACC_001");

  await signIn(page, support); // waits for the next TOTP step: the API call above spent this one
  await expect(page.getByRole("menuitem").first()).toBeVisible(); // the menu has loaded ...
  await expect(page.getByRole("menuitem", { name: INBOX })).toHaveCount(0); // ... without the inbox
  await page.goto(route("/approvals"));
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);

  // The transfer still waits for an approver: the refusal changed nothing (its owner looks).
  const owner = await apiToken(request, fixtures().customer);
  const still = await request.get(`/api/v1/transactions/${transfers.customer_left.id}`, {
    headers: { Authorization: `Bearer ${owner}` },
  });
  expect(still.status()).toBe(200);
  expect((await still.json()).data.status).toBe("pending_approval");
});
