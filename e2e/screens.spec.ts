import { queueIds, type QueuePage, type ShellStatus } from '../preload/contract';
import { expect, startServedApp, stopServedApp, test, type ServedApp } from './fixtures';
import { callBridge, expectNoSeriousViolations, saveScreenshot, watchPageErrors } from './page-helpers';

// Each queue as the operator sees it at night (Chinese, dark theme), kept as a screenshot for a person
// to check by eye, and the main screens scanned with axe-core: no serious or critical violation.

let app: ServedApp;
test.beforeAll(async () => {
  app = await startServedApp();
});
test.afterAll(async () => {
  await stopServedApp(app);
});

test('the sign-in screen passes the accessibility scan', async ({ page, request }) => {
  await callBridge(request, app, 'signOut');
  await page.goto(app.url);
  await expect(page.getByTestId('sign-in-form')).toBeVisible({ timeout: 20_000 });
  await expectNoSeriousViolations(page, 'sign-in');
});

test('every queue, in Chinese and the dark theme, screenshotted and scanned', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(180_000);
  const errors = watchPageErrors(page);
  await callBridge(request, app, 'signIn', [{ username: 'zhangmin', password: 'zhangmin-demo' }]);
  await page.goto(app.url);
  await expect(page.getByTestId('status-operator')).toContainText('张敏', { timeout: 20_000 });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  // The queues are complete once the open items have arrived.
  await expect(async () => {
    const status = await callBridge<ShellStatus>(request, app, 'getStatus');
    expect(status.sync?.openItemsComplete).toBe(true);
  }).toPass({ timeout: 60_000 });

  for (const [index, queue] of queueIds.entries()) {
    await page.getByTestId(`queue-${queue}`).focus();
    await page.keyboard.press(String(index + 1));
    await expect(page.getByTestId(`queue-${queue}`)).toHaveAttribute('aria-current', 'true');
    const { total } = await callBridge<QueuePage>(request, app, 'getQueuePage', [
      { queue, offset: 0, limit: 1 },
    ]);
    await expect(page.getByTestId('queue-total')).toContainText(/共 \d+ 条/);
    if (total > 0) {
      await expect(page.getByTestId('queue-grid').locator('.ag-row[row-index="0"]')).toBeVisible();
    }
    await saveScreenshot(page, testInfo, `queue-${String(index + 1)}-${queue}-zh-CN-dark`);
  }
  await expectNoSeriousViolations(page, 'the console with a queue');

  // The detail pane of the first overdue-dispatch alert.
  await page.getByTestId('queue-undispatched').focus();
  await page.keyboard.press('2');
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('row-detail')).toBeVisible();
  await saveScreenshot(page, testInfo, 'detail-undispatched-zh-CN-dark');
  await expectNoSeriousViolations(page, 'the detail pane');
  await page.keyboard.press('Escape');
  expect(errors).toEqual([]);
});
