import { defineConfig } from '@playwright/test';
import { chromiumExecutable, chromiumLaunchArgs } from './e2e/browser';

// e2e tests drive browser mode (the same core and renderer as the desktop app) in Chromium:
// $DUTYDESK_CHROMIUM, else Debian's /usr/bin/chromium, else Playwright's own browser where installed.
export default defineConfig({
  testDir: 'e2e',
  // Set per run when two suites run side by side: Playwright empties its output folder when it starts.
  outputDir: process.env.DUTYDESK_E2E_OUTPUT ?? 'test-results/e2e-artifacts',
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    headless: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumExecutable(),
      args: chromiumLaunchArgs,
    },
  },
});
