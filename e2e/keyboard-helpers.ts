import { expect, type Locator, type Page } from '@playwright/test';
import { callBridge } from './page-helpers';
import type { ServedApp } from './fixtures';

/** A demo account and what the status bar shows once it is signed in. */
export interface DemoAccount {
  username: string;
  /** Text the status bar's operator field contains for this account. */
  shownAs: string;
}

export const operatorZhangmin: DemoAccount = { username: 'zhangmin', shownAs: '张敏' };
export const shiftLeadChenjing: DemoAccount = { username: 'chenjing', shownAs: '值班长' };

/**
 * Signs in with the keyboard alone: whoever an earlier test signed in is signed out first, and the username field
 * has focus when the form appears.
 */
export async function signInByKeyboard(
  page: Page,
  app: ServedApp,
  account: DemoAccount = operatorZhangmin,
): Promise<void> {
  await callBridge(page.request, app, 'signOut');
  await page.goto(app.url);
  await expect(page.getByTestId('sign-in-username')).toBeFocused({ timeout: 20_000 });
  await page.keyboard.type(account.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(`${account.username}-demo`);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('status-operator')).toContainText(account.shownAs, { timeout: 20_000 });
}

/** The grid's row with `rowId` (ag-grid may draw a row in several containers: the first will do). */
export const queueRow = (page: Page, rowId: string): Locator =>
  page.locator(`.queue-grid .ag-row[row-id="${rowId}"]`).first();

/** The row-index of the grid's selected row, or null when none is selected. */
async function selectedRowIndex(page: Page): Promise<number | null> {
  const selected = page.locator('.queue-grid .ag-row.ag-row-selected').first();
  if ((await selected.count()) === 0) return null;
  const index = await selected.getAttribute('row-index');
  return index === null ? null : Number(index);
}

/**
 * Moves through the current queue with the keyboard (j/k) until the row is selected. It presses as many times as
 * the row lies away from the selection and then waits for the grid to show it: checking after every press raced
 * the grid's render, and a fast run could pass the row without ever seeing it selected. Rows that move meanwhile
 * (a sync reorders the queue) are followed by measuring again.
 */
export async function selectRowByKeyboard(page: Page, rowId: string): Promise<void> {
  const row = queueRow(page, rowId);
  await expect(row).toBeAttached({ timeout: 30_000 });
  const isSelected = async () => (await row.getAttribute('class'))?.includes('ag-row-selected') === true;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (await isSelected()) return;
    const target = Number(await row.getAttribute('row-index'));
    const current = await selectedRowIndex(page);
    if (current === null) {
      // Nothing selected yet: the first press selects a row to measure from.
      await page.keyboard.press('j');
    } else {
      const key = target < current ? 'k' : 'j';
      for (let step = 0; step < Math.abs(target - current); step += 1) await page.keyboard.press(key);
    }
    try {
      await expect(row).toHaveClass(/ag-row-selected/, { timeout: 2_000 });
      return;
    } catch {
      // Measure again: the selection or the row moved while the keys were pressed.
    }
  }
  throw new Error(`row ${rowId} could not be reached with the keyboard`);
}
