import type { Browser, Page } from '@playwright/test';
import type { QueuePage, ShellStatus } from '../preload/contract';
import { disposeCentralProcess, startCentralProcess, type CentralProcess } from './central';
import { expect, startServedApp, stopServedApp, test, type ServedApp } from './fixtures';
import { callBridge, watchPageErrors } from './page-helpers';

// Two duty-room workstations on one central platform, each its own DutyDesk (its own cache) in its own
// browser context: what one claims, the other sees claimed, so two operators never work the same item.

let central: CentralProcess;
let first: ServedApp;
let second: ServedApp;

test.beforeAll(async () => {
  central = await startCentralProcess({ seed: 21 });
  [first, second] = await Promise.all([
    startServedApp(['--central-url', central.url]),
    startServedApp(['--central-url', central.url]),
  ]);
});
test.afterAll(async () => {
  await Promise.all([stopServedApp(first), stopServedApp(second)]);
  await disposeCentralProcess(central);
});

/** A signed-in console on `app`, its queues complete, showing 超期未派单. */
async function openWorkstation(browser: Browser, app: ServedApp, username: string): Promise<Page> {
  const context = await browser.newContext();
  await callBridge(context.request, app, 'signIn', [{ username, password: `${username}-demo` }]);
  await expect(async () => {
    const status = await callBridge<ShellStatus>(context.request, app, 'getStatus');
    expect(status.sync?.openItemsComplete).toBe(true);
  }).toPass({ timeout: 60_000 });
  const page = await context.newPage();
  await page.goto(app.url);
  await expect(page.getByTestId('queue-grid')).toBeVisible({ timeout: 20_000 });
  await page.getByTestId('queue-undispatched').focus();
  await page.keyboard.press('2');
  await expect(page.getByTestId('queue-undispatched')).toHaveAttribute('aria-current', 'true');
  return page;
}

test('a claim on one workstation shows on the other within two seconds', async ({ browser }) => {
  const pageA = await openWorkstation(browser, first, 'zhangmin');
  const pageB = await openWorkstation(browser, second, 'liqiang');
  const errors = [...watchPageErrors(pageA), ...watchPageErrors(pageB)];

  // Both caches hold the same queue: the first unclaimed overdue-dispatch alert is the one to claim.
  const queue = await callBridge<QueuePage>(pageA.request, first, 'getQueuePage', [
    { queue: 'undispatched', offset: 0, limit: 50 },
  ]);
  const index = queue.rows.findIndex((row) => row.claimedBy === null);
  expect(index).toBeGreaterThanOrEqual(0);
  const target = queue.rows[index];
  if (!target) throw new Error('no unclaimed row');
  const claimedCell = (page: Page) => page.locator(`.ag-row[row-id="${target.key}"] [col-id="claimedBy"]`);
  await expect(claimedCell(pageB)).toBeVisible({ timeout: 20_000 });
  await expect(claimedCell(pageB)).not.toContainText('张敏');

  // Workstation A selects the row by keyboard and claims it with c.
  await pageA.keyboard.press('j');
  for (let step = 0; step < index; step += 1) await pageA.keyboard.press('j');
  await expect(pageA.locator(`.ag-row[row-id="${target.key}"]`)).toHaveClass(/ag-row-selected/);
  const claimedAt = Date.now();
  await pageA.keyboard.press('c');
  await expect(claimedCell(pageA)).toContainText('张敏', { timeout: 2_000 });

  // Workstation B shows it claimed by 张敏 within two seconds of the key press.
  await expect(claimedCell(pageB)).toContainText('张敏', { timeout: 20_000 });
  const seenAfterMs = Date.now() - claimedAt;
  test.info().annotations.push({
    type: 'claim seen on the other workstation after (ms)',
    description: String(seenAfterMs),
  });
  expect(seenAfterMs).toBeLessThan(2_000);
  expect(errors).toEqual([]);
});
