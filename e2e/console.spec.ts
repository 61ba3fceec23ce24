import type { APIRequestContext, Page } from '@playwright/test';
import type { QueuePage } from '../preload/contract';
import { expect, startServedApp, stopServedApp, test, type ServedApp } from './fixtures';
import { callBridge, saveScreenshot, watchPageErrors } from './page-helpers';

// The triage console's first slice: signing in by keyboard, a queue as a grid fed page by page,
// and moving through it with the keyboard. This file runs its own instance, so that the operator
// the other specs sign in cannot change what it sees.

let app: ServedApp;
test.beforeAll(async () => {
  app = await startServedApp();
});
test.afterAll(async () => {
  await stopServedApp(app);
});

/** Opens the console signed out: whoever an earlier test signed in is signed out first. */
async function openSignedOut(page: Page, request: APIRequestContext): Promise<void> {
  await callBridge(request, app, 'signOut');
  await page.goto(app.url);
  await expect(page.getByTestId('sign-in-form')).toBeVisible({ timeout: 20_000 });
}

/** Signs in with the keyboard alone: the username field has focus when the form appears. */
async function signInByKeyboard(page: Page, username: string, password: string): Promise<void> {
  await expect(page.getByTestId('sign-in-username')).toBeFocused();
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('sign-in-password')).toBeFocused();
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}

test('an operator signs in and out with the keyboard, the demo accounts on screen', async ({
  page,
  request,
}, testInfo) => {
  const errors = watchPageErrors(page);
  await openSignedOut(page, request);
  await expect(page.getByTestId('status-operator')).toContainText('未登录');
  const accounts = page.getByTestId('demo-accounts');
  for (const username of ['zhangmin', 'liqiang', 'wangfang', 'liuyang', 'chenjing']) {
    await expect(accounts).toContainText(`${username} / ${username}-demo`);
  }
  await expect(page.getByTestId('demo-account-chenjing')).toContainText('值班长');
  await saveScreenshot(page, testInfo, 'console-sign-in-zh-CN');

  // A wrong password is refused, in words, and the form stays.
  await signInByKeyboard(page, 'zhangmin', 'not-the-password');
  await expect(page.getByTestId('sign-in-error')).toHaveText('用户名或密码错误，请核对后重试。');
  await expect(page.getByTestId('sign-in-error')).toHaveAttribute('data-code', 'SIGN_IN_REFUSED');

  await page.getByTestId('sign-in-password').fill('');
  await page.getByTestId('sign-in-password').focus();
  await page.keyboard.type('zhangmin-demo');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('status-operator')).toContainText('张敏', { timeout: 20_000 });
  await expect(page.getByTestId('sign-in-form')).toBeHidden();
  await expect(page.getByTestId('queue-grid')).toBeVisible();

  // Signing out brings the form back.
  await page.getByTestId('sign-out').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('status-operator')).toContainText('未登录');
  await expect(page.getByTestId('sign-in-form')).toBeVisible();
  await expect(page.getByTestId('sign-out')).toBeHidden();
  expect(errors).toEqual([]);
});

test('the red-alert queue shows its rows page by page, moved through and opened by keyboard', async ({
  page,
  request,
}, testInfo) => {
  const errors = watchPageErrors(page);
  await openSignedOut(page, request);
  await signInByKeyboard(page, 'chenjing', 'chenjing-demo');
  await expect(page.getByTestId('status-operator')).toContainText('值班长', { timeout: 20_000 });

  // After the sync, the grid's total agrees with the bridge's page total (and, for the overdue-dispatch
  // queue, with the count badge in the left column: the red-alert badge counts only the alerts at
  // their first stage, the queue every open red alert).
  const total = page.getByTestId('queue-total');
  const expectTotalMatches = async (
    queue: 'redAlerts' | 'undispatched' | 'overdueClosure',
    withBadge: boolean,
  ) => {
    const badge = page.getByTestId(`queue-count-${queue}`);
    await expect(async () => {
      const first = await callBridge<QueuePage>(request, app, 'getQueuePage', [
        { queue, offset: 0, limit: 5 },
      ]);
      await expect(total).toHaveText(`共 ${first.total} 条`, { timeout: 1_000 });
      if (withBadge) await expect(badge).toHaveText(String(first.total), { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    return callBridge<QueuePage>(request, app, 'getQueuePage', [{ queue, offset: 0, limit: 5 }]);
  };
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('红色预警');
  await expectTotalMatches('redAlerts', false);

  // The demo's overdue-dispatch queue always has rows: 2 switches to it.
  await page.getByTestId('queue-redAlerts').focus();
  await page.keyboard.press('2');
  await expect(page.getByTestId('queue-undispatched')).toHaveAttribute('aria-current', 'true');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('超期未派单');
  const page0 = await expectTotalMatches('undispatched', true);
  expect(page0.total).toBeGreaterThan(1);
  const grid = page.getByTestId('queue-grid');
  const row = (index: number) => grid.locator(`.ag-row:not(.ag-header-row)[row-index="${index}"]`);
  const firstTitle = page0.rows[0]?.title ?? '';
  await expect(row(0)).toContainText(firstTitle);
  // Only the rows near the viewport are rendered, never the whole queue.
  expect(await grid.locator('.ag-row:not(.ag-header-row)').count()).toBeLessThanOrEqual(
    Math.min(page0.total, 100),
  );
  // Elapsed time is shown as a clock span, and it ticks.
  const elapsed = row(0).locator('[col-id="elapsed"]');
  await expect(elapsed).toHaveText(/^(\d+天 \d{2}:\d{2}|\d{2}:\d{2}:\d{2})$/);

  // j from the queue list enters the grid at the first row; j and k move; focus stays visible.
  await page.keyboard.press('j');
  await expect(row(0)).toHaveClass(/ag-row-selected/);
  await expect(row(0).locator('.ag-cell-focus')).toBeFocused();
  await page.keyboard.press('j');
  await expect(row(1)).toHaveClass(/ag-row-selected/);
  await expect(row(0)).not.toHaveClass(/ag-row-selected/);
  await expect(row(1).locator('.ag-cell-focus')).toBeFocused();
  await page.keyboard.press('k');
  await expect(row(0)).toHaveClass(/ag-row-selected/);
  await page.keyboard.press('ArrowDown');
  await expect(row(1)).toHaveClass(/ag-row-selected/);
  await page.keyboard.press('ArrowUp');
  await expect(row(0)).toHaveClass(/ag-row-selected/);

  // Enter opens the detail of the selected row; Esc closes it and returns to the row.
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('row-detail');
  await expect(detail).toBeVisible();
  await expect(detail).toContainText(firstTitle);
  await expect(detail).toContainText('预警');
  await expect(detail).toBeFocused();
  await saveScreenshot(page, testInfo, 'console-undispatched-detail-zh-CN-dark');
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await expect(row(0).locator('.ag-cell-focus')).toBeFocused();

  // Esc in the grid returns to the queue list; a number key still switches queues.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('queue-undispatched')).toBeFocused();
  await page.keyboard.press('1');
  await expect(page.getByTestId('queue-redAlerts')).toHaveAttribute('aria-current', 'true');
  await expectTotalMatches('redAlerts', false);
  await page.keyboard.press('2');
  await expect(row(0)).toContainText(firstTitle);
  await saveScreenshot(page, testInfo, 'console-undispatched-zh-CN-dark');

  // End goes to the last row, whose page the grid has not loaded yet: once it arrives the row is selected
  // (ag-grid cannot select a row still loading), and Enter opens its detail.
  await page.keyboard.press('j');
  await expect(row(0)).toHaveClass(/ag-row-selected/);
  const { total: queueTotal } = await callBridge<QueuePage>(request, app, 'getQueuePage', [
    { queue: 'undispatched', offset: 0, limit: 1 },
  ]);
  const lastIndex = queueTotal - 1;
  const [lastRow] = (
    await callBridge<QueuePage>(request, app, 'getQueuePage', [
      { queue: 'undispatched', offset: lastIndex, limit: 1 },
    ])
  ).rows;
  if (!lastRow) throw new Error('the queue has no last row');
  await page.keyboard.press('End');
  await expect(row(lastIndex)).toHaveClass(/ag-row-selected/);
  await expect(row(lastIndex).locator('.ag-cell-focus')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(detail).toBeVisible();
  await expect(detail).toContainText(lastRow.title);
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await expect(row(lastIndex).locator('.ag-cell-focus')).toBeFocused();

  // Another queue starts at its top even though this one was scrolled to its end, and so does this one again.
  await page.keyboard.press('Escape');
  await page.keyboard.press('3');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('超期未结案');
  const overdue = await expectTotalMatches('overdueClosure', true);
  await expect(row(0)).toContainText(overdue.rows[0]?.title ?? '');
  await expect(row(0)).toBeInViewport();
  await expect(grid.locator('.ag-row-selected')).toHaveCount(0);
  await page.keyboard.press('2');
  await expect(row(0)).toContainText(firstTitle);
  await expect(row(0)).toBeInViewport();
  // From the end of the red queue, whose last row the grid scrolled to, too.
  await page.keyboard.press('1');
  await expectTotalMatches('redAlerts', false);
  await page.keyboard.press('j');
  await page.keyboard.press('End');
  await expect(grid.locator('.ag-row-selected')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await page.keyboard.press('2');
  await expect(row(0)).toContainText(firstTitle);
  await expect(row(0)).toBeInViewport();
  await page.keyboard.press('j');
  await expect(row(0)).toHaveClass(/ag-row-selected/);
  expect(errors).toEqual([]);
});
