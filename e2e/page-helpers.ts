import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type APIRequestContext, type Page, type TestInfo } from '@playwright/test';
import type { BridgeResult } from '../preload/contract';
import type { ServedApp } from './fixtures';

/** Screenshots kept as test artefacts, for a person to look at. */
const screenshotDir = path.resolve(import.meta.dirname, '..', 'test-results', 'screenshots');

/** One bridge call over browser mode's HTTP API, as the page makes it; throws on a refusal. */
export async function callBridge<T>(
  request: APIRequestContext,
  app: ServedApp,
  name: string,
  args: unknown[] = [],
): Promise<T> {
  const response = await request.post(`${app.origin}/api/call`, {
    headers: { authorization: `Bearer ${app.token}` },
    data: { name, args },
  });
  const result = (await response.json()) as BridgeResult<T>;
  if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
  return result.value;
}

/** A bridge call as the page sends it over browser mode's HTTP API. */
export interface BridgeCall {
  name: unknown;
  args: unknown;
}

/**
 * Holds back the page's bridge replies to the calls `matches` picks (the call itself reaches the core at once)
 * until `release`, which sends them on and stops holding: a reply made slow, to see what the page does meanwhile.
 */
export async function holdBridgeReplies(
  page: Page,
  matches: (call: BridgeCall) => boolean,
): Promise<{ release: () => Promise<void> }> {
  let releaseHeld!: () => void;
  const released = new Promise<void>((resolve) => (releaseHeld = resolve));
  await page.route('**/api/call', async (route) => {
    if (!matches(route.request().postDataJSON() as BridgeCall)) return route.continue();
    const response = await route.fetch();
    await released;
    return route.fulfill({ response });
  });
  return {
    release: async () => {
      releaseHeld();
      await page.unrouteAll({ behavior: 'wait' });
    },
  };
}

/** Collects console errors and uncaught exceptions from the moment it is called. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** A full-page screenshot under test-results/screenshots/, attached to the test's report. */
export async function saveScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** Fails with the list of serious and critical violations on the page as it is now. */
export async function expectNoSeriousViolations(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${String(violation.impact)}): ${violation.help} — ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(' '))
          .join('; ')}`,
    );
  expect(serious, `axe on ${screen}`).toEqual([]);
}
