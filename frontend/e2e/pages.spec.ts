/**
 * Flow 7: every page an administrator can reach from the menu (and the sign-in page), each
 * checked by axe: any violation of impact "serious" or "critical" fails the test (all
 * pages are visited first and every violation printed). A full-page screenshot of each
 * goes to test-results/screenshots/<page>.png, and with UPDATE_SCREENSHOTS=1 also to the
 * repository's docs/screenshots/.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { Page, TestInfo } from "@playwright/test";
import { expect, settle, test } from "./support/admin";
import { DASHBOARD } from "./support/session";

const BLOCKING = new Set(["serious", "critical"]);

interface Finding {
  page: string;
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

function slug(href: string): string {
  const path = href.replace(/^.*#\/?/, "").replace(/\?.*$/, "");
  return path.replace(/[^a-zA-Z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase() || "home";
}

async function screenshot(page: Page, info: TestInfo, name: string): Promise<void> {
  const folders = [resolve(info.config.rootDir, "../test-results/screenshots")];
  if (process.env.UPDATE_SCREENSHOTS === "1") folders.push(resolve(info.config.rootDir, "../../docs/screenshots"));
  for (const folder of folders) {
    mkdirSync(folder, { recursive: true });
    await page.screenshot({ path: resolve(folder, `${name}.png`), fullPage: true, animations: "disabled" });
  }
}

async function audit(page: Page, name: string): Promise<Finding[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => BLOCKING.has(violation.impact ?? ""))
    .map((violation) => ({
      page: name,
      rule: violation.id,
      impact: violation.impact ?? "",
      help: violation.help,
      targets: violation.nodes
        .slice(0, 5)
        .map((node) => `${node.target.join(" ")}: ${(node.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 240)}`),
    }));
}

/** One line per rule and element, with the pages it was found on (theme issues repeat on all). */
function report(findings: Finding[]): string {
  const seen = new Map<string, string[]>();
  for (const f of findings) {
    for (const target of f.targets) {
      const key = `[${f.impact}] ${f.rule} - ${f.help}\n    ${target}`;
      seen.set(key, [...(seen.get(key) ?? []), f.page]);
    }
  }
  return [...seen].map(([key, pages]) => `${key}\n    on: ${pages.join(", ")}`).join("\n");
}

test("the sign-in page has no serious accessibility issue", async ({ page }, info) => {
  await page.goto(DASHBOARD);
  await expect(page.getByRole("button", { name: /^sign in$/i })).toBeVisible();
  await screenshot(page, info, "sign-in");
  const findings = await audit(page, "sign-in");
  expect(findings.length, `serious or critical axe violations:\n${report(findings)}`).toBe(0);
});

test("every menu page has no serious accessibility issue", async ({ adminPage: page }, info) => {
  test.setTimeout(600_000);
  await page.goto(DASHBOARD);
  await settle(page);
  const entries = await page.getByRole("menuitem").evaluateAll((items) =>
    items.map((item) => ({ name: (item.textContent ?? "").trim(), href: item.getAttribute("href") ?? "" })),
  );
  expect(entries.length, "the administrator's menu").toBeGreaterThan(1);

  const findings: Finding[] = [];
  const failures: string[] = [];
  for (const entry of entries) {
    const name = slug(entry.href);
    await test.step(`${entry.name} (${name})`, async () => {
      try {
        await page.getByRole("menuitem", { name: entry.name, exact: true }).click();
        await settle(page);
        await expect(page.getByRole("heading").first()).toBeVisible();
        await screenshot(page, info, name);
        findings.push(...(await audit(page, name)));
      } catch (error) {
        failures.push(`${entry.name}: ${String(error).split("\n")[0]}`);
      }
    });
  }
  expect(failures.length, `pages that did not load:\n${failures.join("\n")}`).toBe(0);
  expect(findings.length, `serious or critical axe violations:\n${report(findings)}`).toBe(0);
});
