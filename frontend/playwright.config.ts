/**
 * The dashboard's browser suite (e2e/), in Debian's Chromium against `make run`'s stack.
 * backend/tests/browser/test_dashboard.py starts and seeds the stack, then runs this with
 * E2E_BASE_URL (the API, which serves the dashboard under /dashboard/) and E2E_FIXTURES
 * (the seeded users and transfers). `make test` runs it when Chromium is installed.
 */
import { defineConfig, devices } from "@playwright/test";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/artifacts",
  fullyParallel: false,
  workers: 1, // small CI machines; the specs also share seeded users
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 120_000, // a sign-in may wait up to 30 s for a fresh TOTP time step
  expect: { timeout: 15_000 },
  reporter: [["list"], ["html", { outputFolder: "test-results/html", open: "never" }]],
  use: {
    baseURL: process.env.E2E_BASE_URL ?? "http://127.0.0.1:8000",
    headless: true,
    locale: "en-NA",
    timezoneId: "Africa/Windhoek",
    viewport: { width: 1366, height: 900 },
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    reducedMotion: "reduce",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1366, height: 900 },
        launchOptions: { executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" },
      },
    },
  ],
});
