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

/** Moves through the current queue with the keyboard (up, then down) until the row is selected. */
export async function selectRowByKeyboard(page: Page, rowId: string): Promise<void> {
  const row = queueRow(page, rowId);
  await expect(row).toBeAttached({ timeout: 30_000 });
  const selected = async () => (await row.getAttribute('class'))?.includes('ag-row-selected') === true;
  for (const key of ['k', 'j']) {
    for (let step = 0; step < 40; step += 1) {
      if (await selected()) return;
      await page.keyboard.press(key);
    }
  }
  throw new Error(`row ${rowId} could not be reached with the keyboard`);
}
