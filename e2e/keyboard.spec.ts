import type { APIRequestContext } from '@playwright/test';
import type { QueuePage, ShellStatus } from '../preload/contract';
import { disposeCentralProcess, startCentralProcess, stopCentralProcess } from './central';
import { expect, startServedApp, stopServedApp, test, type ServedApp } from './fixtures';
import { shiftLeadChenjing, signInByKeyboard } from './keyboard-helpers';
import { callBridge, saveScreenshot, watchPageErrors } from './page-helpers';

// The keyboard shell: the `?` overlay, the Ctrl+K palette, g-sequences, the quick filter and the sort, all
// by keyboard but one header click. This file runs its own instance of the demo.

let app: ServedApp;
test.beforeAll(async () => {
  app = await startServedApp();
});
test.afterAll(async () => {
  await stopServedApp(app);
});

const redPage = (request: APIRequestContext, view: Record<string, unknown> = {}) =>
  callBridge<QueuePage>(request, app, 'getQueuePage', [
    { queue: 'redAlerts', offset: 0, limit: 1000, ...view },
  ]);

test('an operator finds every key, switches queues, filters and sorts from the keyboard', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  const errors = watchPageErrors(page);
  await signInByKeyboard(page, app, shiftLeadChenjing);
  const heading = page.getByRole('heading', { level: 1 });
  const grid = page.getByTestId('queue-grid');
  const row = (index: number) => grid.locator(`.ag-row:not(.ag-header-row)[row-index="${index}"]`);
  const total = page.getByTestId('queue-total');
  await expect(heading).toHaveText('红色预警');

  // The red queue is complete once the first sync has caught up (before that an alert can be cached before its
  // scene, and its row has no scene name) and the grid's total is the bridge's.
  await expect
    .poll(async () => (await callBridge<ShellStatus>(request, app, 'getStatus', [])).sync?.stage, {
      timeout: 30_000,
    })
    .toBe('live');
  let all: QueuePage = await redPage(request);
  await expect(async () => {
    all = await redPage(request);
    expect(all.total).toBeGreaterThan(2);
    await expect(total).toHaveText(`共 ${all.total} 条`, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

  // Into the grid: j selects the first row.
  await page.getByTestId('queue-redAlerts').focus();
  await page.keyboard.press('j');
  await expect(row(0).locator('.ag-cell-focus')).toBeFocused();

  // `?` lists the actions with their keys, in Chinese; Esc closes it and focus is back on the row.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: '键盘快捷键' });
  await expect(help).toBeVisible();
  await expect(help).toHaveAttribute('aria-modal', 'true');
  await expect(page.getByTestId('key-help-queue.goto.redAlerts')).toContainText('转到 红色预警');
  await expect(page.getByTestId('key-help-queue.goto.redAlerts').locator('kbd')).toHaveText(['1', 'g', 'r']);
  await expect(page.getByTestId('key-help-view.quickFilter').locator('kbd')).toHaveText(['/']);
  await expect(page.getByTestId('key-help-shell.palette').locator('kbd')).toHaveText(['Ctrl+K']);
  await expect(page.getByTestId('key-help-grid.next')).toContainText('下一条');
  await expect(page.getByTestId('key-help-grid.next').locator('kbd')).toHaveText(['j', '↓']);
  await expect(page.getByTestId('key-help-grid.open').locator('kbd')).toHaveText(['Enter']);
  await expect(help).toContainText('切换队列');
  // Focus stays in the dialog: Tab cannot leave it.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  expect(await help.evaluate((dialog) => dialog.contains(document.activeElement))).toBe(true);
  await saveScreenshot(page, testInfo, 'keyboard-help-zh-CN-dark');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await expect(row(0).locator('.ag-cell-focus')).toBeFocused();

  // Ctrl+K finds 静默 among the commands, and Enter switches to that queue.
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: '命令面板' });
  await expect(palette).toBeVisible();
  await expect(page.getByTestId('command-palette-search')).toBeFocused();
  await page.keyboard.type('静默');
  await expect(palette.getByRole('option').first()).toContainText('转到 静默场景');
  await saveScreenshot(page, testInfo, 'keyboard-palette-zh-CN-dark');
  await page.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await expect(heading).toHaveText('静默场景');
  await expect(page.getByTestId('queue-silentScenes')).toHaveAttribute('aria-current', 'true');

  // g then r goes to the red alerts; the hint shows the g while it waits.
  await page.keyboard.press('g');
  await expect(page.getByTestId('key-pending')).toContainText('g');
  await page.keyboard.press('r');
  await expect(heading).toHaveText('红色预警');
  await expect(page.getByTestId('key-pending')).toBeHidden();
  await expect(total).toHaveText(`共 ${all.total} 条`);

  // `/` filters the red queue by a scene's name (or, when every red alert shares one scene, by a location or a
  // title; the demo's red set changes with the time of day): the total drops to what the core counts for it.
  let filterText = '';
  let filteredTotal = 0;
  const candidates = new Set(
    [
      ...all.rows.map((alert) => alert.sceneName),
      ...all.rows.map((alert) => alert.location),
      ...all.rows.map((alert) => alert.title),
    ].filter((text): text is string => text !== null && text.trim() !== ''),
  );
  for (const name of candidates) {
    const filtered = await redPage(request, { quickFilter: name });
    if (filtered.total > 0 && filtered.total < all.total) {
      filterText = name;
      filteredTotal = filtered.total;
      break;
    }
  }
  expect(filterText, 'a scene, location or title that some but not all red alerts hold').not.toBe('');
  await page.keyboard.press('j');
  await page.keyboard.press('/');
  const quickFilter = page.getByTestId('quick-filter');
  await expect(quickFilter).toBeFocused();
  await page.keyboard.type(filterText);
  await expect(total).toHaveText(`筛选出 ${filteredTotal} 条`);
  await expect(row(0)).toContainText(filterText);
  // The badge still counts the whole queue.
  const badge = await page.getByTestId('queue-count-redAlerts').textContent();
  expect(Number(badge)).toBeGreaterThan(0);
  await saveScreenshot(page, testInfo, 'keyboard-quick-filter-zh-CN-dark');

  // Esc clears the filter and returns focus to the grid.
  await page.keyboard.press('Escape');
  await expect(quickFilter).toHaveValue('');
  await expect(total).toHaveText(`共 ${all.total} 条`);
  await expect(grid.locator('.ag-cell-focus')).toBeFocused();

  // The level's name filters by its code: 红 finds every red alert.
  await page.keyboard.press('/');
  await page.keyboard.type('红');
  await expect(total).toHaveText(`筛选出 ${all.total} 条`);
  await page.keyboard.press('Escape');
  await expect(total).toHaveText(`共 ${all.total} 条`);

  // Sorting from the palette, by keyboard: the first row is the one the core sorts first.
  const rowId = (index: number) => row(index).getAttribute('row-id');
  const byDue = await redPage(request, { sort: { column: 'dueIn', direction: 'asc' } });
  await page.keyboard.press('Control+k');
  await page.keyboard.type('按剩余时限排序');
  await page.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await expect(row(0)).toHaveAttribute('row-id', byDue.rows[0]!.key);
  await expect(grid.locator('.ag-header-row-column .ag-header-cell[col-id="dueIn"]')).toHaveAttribute(
    'aria-sort',
    'ascending',
  );

  // A header click sorts by that column: the first row changes to the core's first in that order.
  const before = await rowId(0);
  const elapsedHeader = grid.locator(
    '.ag-header-row-column .ag-header-cell[col-id="elapsed"] .ag-header-cell-label',
  );
  await elapsedHeader.click();
  let expected = (await redPage(request, { sort: { column: 'elapsed', direction: 'asc' } })).rows[0]!.key;
  if (expected === before) {
    await elapsedHeader.click();
    expected = (await redPage(request, { sort: { column: 'elapsed', direction: 'desc' } })).rows[0]!.key;
  }
  expect(expected).not.toBe(before);
  await expect(row(0)).toHaveAttribute('row-id', expected);
  expect(errors).toEqual([]);
});

test('a disabled command says why and does nothing; a broken sequence is dropped', async ({ page }) => {
  const errors = watchPageErrors(page);
  await signInByKeyboard(page, app, shiftLeadChenjing);
  // Nothing is sorted or filtered: clearing says so rather than run.
  await page.getByTestId('queue-redAlerts').focus();
  await page.keyboard.press('Control+k');
  await page.keyboard.type('清除排序');
  const option = page.getByRole('option').first();
  await expect(option).toContainText('清除排序与筛选');
  await expect(option).toHaveAttribute('aria-disabled', 'true');
  await page.keyboard.press('Enter');
  // A disabled command has no effect: the palette stays open.
  await expect(page.getByTestId('command-palette')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('command-palette')).toBeHidden();
  await expect(page.getByTestId('queue-redAlerts')).toBeFocused();

  // g then a key that finishes no sequence: told, and nothing switches.
  await page.keyboard.press('g');
  await page.keyboard.press('z');
  await expect(page.getByTestId('key-message')).toContainText('g z 不是快捷键');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('红色预警');

  // Typing into a field is text, never a command.
  await page.keyboard.press('/');
  await page.keyboard.type('g2?');
  await expect(page.getByTestId('quick-filter')).toHaveValue('g2?');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('红色预警');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.keyboard.press('Escape');
  expect(errors).toEqual([]);
});

test('while not online every row shows how old its data is', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const central = await startCentralProcess();
  const workstation = await startServedApp(['--central-url', central.url]);
  try {
    await signInByKeyboard(page, workstation, shiftLeadChenjing);
    const grid = page.getByTestId('queue-grid');
    await page.getByTestId('queue-redAlerts').focus();
    await page.keyboard.press('2');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('超期未派单');
    const firstRow = grid.locator('.ag-row:not(.ag-header-row)[row-index="0"]');
    await expect(firstRow).toBeVisible({ timeout: 30_000 });
    // The outage comes after the initial sync: the queue then holds what it will hold while not online.
    await expect(page.getByTestId('sync-progress')).toBeHidden({ timeout: 60_000 });
    // Online: no data-age column.
    await expect(grid.locator('.ag-header-cell[col-id="dataAge"]')).toHaveCount(0);

    await stopCentralProcess(central);
    const badge = page.getByTestId('queue-data-age');
    await expect(badge).toHaveText(/^数据截至 \d{2}:\d{2}$/, { timeout: 60_000 });
    const asOf = (await badge.textContent()) ?? '';
    // Each rendered row says the same age as the header's badge, in its own cell.
    const rows = grid.locator('.ag-row:not(.ag-header-row)');
    // The grid re-reads its rows when the connection changes; wait for the first before counting.
    await expect(rows.first().locator('[col-id="dataAge"]')).toHaveText(asOf);
    const rendered = await rows.count();
    expect(rendered).toBeGreaterThan(0);
    for (let index = 0; index < Math.min(rendered, 5); index += 1) {
      await expect(rows.nth(index).locator('[col-id="dataAge"]')).toHaveText(asOf);
    }
    await saveScreenshot(page, testInfo, 'keyboard-offline-data-age-zh-CN-dark');
  } finally {
    await stopServedApp(workstation);
    await disposeCentralProcess(central);
  }
});
