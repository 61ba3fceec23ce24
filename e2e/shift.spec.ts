import type { Page } from '@playwright/test';
import type { ActionRecord, QueuePage, ShellStatus } from '../preload/contract';
import {
  FeedObserver,
  raiseAlert,
  startAppOnOwnCentral,
  startCentralProcess,
  stopAppOnOwnCentral,
  stopCentralProcess,
  type CentralProcess,
  type FeedChange,
} from './central';
import { expect, test, type ServedApp } from './fixtures';
import { queueRow, selectRowByKeyboard, signInByKeyboard } from './keyboard-helpers';
import { callBridge, saveScreenshot, watchPageErrors } from './page-helpers';

// A night shift worked with the keyboard alone (no click anywhere), then an outage: every step is checked
// on screen and on the reference central server, which is read through its own change feed.

let central: CentralProcess;
let app: ServedApp;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => ({ central, app } = await startAppOnOwnCentral(29)));
test.afterAll(() => stopAppOnOwnCentral({ central, app }));

/** Switches queue with its number key and waits for the heading. */
async function openQueue(page: Page, key: string, heading: string): Promise<void> {
  await page.keyboard.press(key);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  await expect(page.getByTestId('queue-total')).toContainText(/共 \d+ 条/);
}

/** The text of a feed change's timeline note, or '' for anything else. */
const noteText = (change: FeedChange): string =>
  typeof change.data?.text === 'string' ? change.data.text : '';

/** Waits for the notice that the platform confirmed the action named in Chinese. */
async function expectConfirmed(page: Page, action: string): Promise<void> {
  await expect(page.getByTestId('action-notice')).toContainText(`中心平台已确认“${action}”`, {
    timeout: 20_000,
  });
}

/** Reads the feed until `find` sees what it looks for in the changes read so far. */
async function expectOnPlatform<T>(
  observer: FeedObserver,
  find: (changes: FeedChange[]) => T | undefined,
): Promise<T> {
  const seen: FeedChange[] = [];
  let found: T | undefined;
  await expect
    .poll(
      async () => {
        seen.push(...(await observer.since()));
        found = find(seen);
        return found !== undefined;
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  return found as T;
}

test('a keyboard-only shift: verify, major loop, prompt, snooze, note, claim', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const errors = watchPageErrors(page);
  const observer = new FeedObserver(central);
  await observer.catchUp();
  const alert = await raiseAlert(central, { level: 'red' });

  await signInByKeyboard(page, app);

  // 红色预警: the new alert, unverified, comes first; verify it as significant.
  await openQueue(page, '1', '红色预警');
  await selectRowByKeyboard(page, `alert:${alert.id}`);
  const alertIndex = Number(await queueRow(page, `alert:${alert.id}`).getAttribute('row-index'));
  const nextRowId = await page
    .locator(`.queue-grid .ag-row[row-index="${String(alertIndex + 1)}"]`)
    .first()
    .getAttribute('row-id');
  await page.keyboard.press('v');
  const dialog = page.getByTestId('action-dialog');
  await expect(dialog).toHaveAttribute('data-kind', 'verify');
  await expect(page.getByTestId('action-option-significant-yes')).toBeFocused();
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.type('现场可燃气体浓度持续超标，已通知燃气集团抢修');
  await page.keyboard.press('Control+Enter');
  await expect(dialog).toBeHidden();
  // Focus never leaves the grid after an action: the next row is selected, wherever the verified alert
  // moved to (verified alerts sort after the unverified ones).
  await expect(page.locator('.queue-grid .ag-cell-focus')).toBeFocused();
  if (nextRowId) {
    await expect(queueRow(page, nextRowId)).toHaveClass(/ag-row-selected/);
    await expect(queueRow(page, nextRowId).locator('.ag-cell-focus')).toBeFocused();
  }
  await expectConfirmed(page, '核实红色预警');
  await expectOnPlatform(observer, (changes) =>
    changes.find(
      (change) =>
        change.entity === 'alert' &&
        change.id === alert.id &&
        change.data?.verifiedBy === 'op-zhangmin' &&
        (change.data.verification as { significant?: boolean } | null)?.significant === true,
    ),
  );

  // Then a major loop (emergency) on the same alert.
  await selectRowByKeyboard(page, `alert:${alert.id}`);
  await page.keyboard.press('m');
  await expect(dialog).toHaveAttribute('data-kind', 'majorLoop');
  await expect(page.getByTestId('action-option-kind-emergency')).toBeFocused();
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+a');
  await page.keyboard.type('燃气泄漏可能引发爆炸，启动重大事件闭环，报区应急管理局应急指挥中心');
  await saveScreenshot(page, testInfo, 'shift-major-loop-form');
  await page.keyboard.press('Control+Enter');
  await expect(dialog).toBeHidden();
  await expectConfirmed(page, '启动大闭环');
  await expectOnPlatform(observer, (changes) =>
    changes.find(
      (change) =>
        change.entity === 'alert' && change.id === alert.id && change.data?.majorLoopKind === 'emergency',
    ),
  );

  // 超期未派单: issue a work prompt about the first alert, as the rule words it.
  await openQueue(page, '2', '超期未派单');
  // A queue opens at its top with no row selected, even when the row the last action moved on to (in the red
  // queue) is in this queue too: the grid used to follow that row here and scroll down to it.
  await expect(page.locator('.queue-grid .ag-row[row-index="0"]').first()).toBeInViewport();
  await expect(page.locator('.queue-grid .ag-row-selected')).toHaveCount(0);
  const undispatched = await callBridge<QueuePage>(page.request, app, 'getQueuePage', [
    { queue: 'undispatched', offset: 0, limit: 20 },
  ]);
  const [promptTarget, noteTarget, claimTarget] = undispatched.rows.filter((r) => r.claimedBy === null);
  if (!promptTarget || !noteTarget || !claimTarget)
    throw new Error('the demo has too few undispatched alerts');
  await selectRowByKeyboard(page, promptTarget.key);
  await page.keyboard.press('p');
  await expect(dialog).toHaveAttribute('data-kind', 'prompt');
  const message = await dialog.locator('textarea').inputValue();
  expect(message).not.toBe('');
  await page.keyboard.press('Control+Enter');
  await expect(dialog).toBeHidden();
  await expectConfirmed(page, '发起工作提示');
  await expectOnPlatform(observer, (changes) =>
    changes.find(
      (change) =>
        change.entity === 'workPrompt' &&
        (change.data?.subject as { id?: string } | undefined)?.id === promptTarget.id &&
        change.data?.issuedBy === 'op-zhangmin' &&
        change.data.message === message,
    ),
  );

  // A note on the next one.
  await selectRowByKeyboard(page, noteTarget.key);
  await page.keyboard.press('n');
  await expect(dialog).toHaveAttribute('data-kind', 'note');
  const noteText = `已电话联系场景运营单位，承诺半小时内派单（${String(Date.now())}）`;
  await page.keyboard.type(noteText);
  await page.keyboard.press('Control+Enter');
  await expect(dialog).toBeHidden();
  await expectConfirmed(page, '添加备注');
  const notes = await expectOnPlatform(observer, (changes) => {
    const found = changes.filter(
      (change) => change.entity === 'timelineEntry' && change.data?.text === noteText,
    );
    return found.length > 0 ? found : undefined;
  });
  expect(notes).toHaveLength(1);

  // Claim a third one: shown at once on this screen, recorded on the platform under this operator.
  await selectRowByKeyboard(page, claimTarget.key);
  await page.keyboard.press('c');
  await expect(queueRow(page, claimTarget.key).locator('[col-id="claimedBy"]')).toContainText('张敏', {
    timeout: 5_000,
  });
  await expectOnPlatform(observer, (changes) =>
    changes.find(
      (change) =>
        change.entity === 'claim' &&
        (change.data?.subject as { id?: string } | undefined)?.id === claimTarget.id &&
        change.data?.operatorId === 'op-zhangmin',
    ),
  );

  // 工作提示: snooze one for an hour with a reason; it leaves the queue until then (a workstation-local step).
  await openQueue(page, '5', '工作提示');
  const prompts = await callBridge<QueuePage>(page.request, app, 'getQueuePage', [
    { queue: 'workPrompts', offset: 0, limit: 5 },
  ]);
  const snoozeTarget = prompts.rows[1] ?? prompts.rows[0];
  if (!snoozeTarget) throw new Error('no work prompt to snooze');
  await selectRowByKeyboard(page, snoozeTarget.key);
  await page.keyboard.press('s');
  await expect(dialog).toHaveAttribute('data-kind', 'snooze');
  await page.keyboard.press('Tab');
  await page.keyboard.type('场景正在停电检修，恢复后再提示');
  await page.keyboard.press('Control+Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('action-notice')).toContainText('已暂缓至');
  await expect(queueRow(page, snoozeTarget.key)).toHaveCount(0);
  await saveScreenshot(page, testInfo, 'shift-after-snooze');

  const status = await callBridge<ShellStatus>(page.request, app, 'getStatus');
  expect(status.pendingActions).toBe(0);
  expect(status.rejectedActions).toBe(0);
  expect(errors).toEqual([]);
});

test('offline: three actions queue up with the data age shown, then reach the platform exactly once', async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  const errors = watchPageErrors(page);
  const observer = new FeedObserver(central);
  await observer.catchUp();
  await callBridge(page.request, app, 'signIn', [{ username: 'zhangmin', password: 'zhangmin-demo' }]);
  await page.goto(app.url);
  await expect(page.getByTestId('status-operator')).toContainText('张敏', { timeout: 20_000 });
  await page.getByTestId('queue-undispatched').focus();
  await openQueue(page, '2', '超期未派单');
  const queue = await callBridge<QueuePage>(page.request, app, 'getQueuePage', [
    { queue: 'undispatched', offset: 0, limit: 30 },
  ]);
  const targets = queue.rows.filter((r) => r.claimedBy === null).slice(0, 3);
  const [first, second, third] = targets;
  if (!first || !second || !third) throw new Error('the demo has too few undispatched alerts');

  // The platform goes away: the status bar says so, and every row says how old its data is.
  await stopCentralProcess(central);
  await expect(page.getByTestId('status-connection')).toContainText('离线', { timeout: 30_000 });
  await expect(page.getByTestId('queue-data-age')).toContainText(/数据截至 \d{2}:\d{2}/);
  await expect(queueRow(page, first.key).locator('[col-id="dataAge"]')).toContainText(/\d{2}:\d{2}/);

  const stamp = String(Date.now());
  const noteOn = async (target: { key: string }, text: string) => {
    await selectRowByKeyboard(page, target.key);
    await page.keyboard.press('n');
    await expect(page.getByTestId('action-dialog')).toHaveAttribute('data-kind', 'note');
    await page.keyboard.type(text);
    await page.keyboard.press('Control+Enter');
    await expect(page.getByTestId('action-dialog')).toBeHidden();
  };
  await noteOn(first, `断网期间记录一（${stamp}）`);
  await noteOn(second, `断网期间记录二（${stamp}）`);
  await selectRowByKeyboard(page, third.key);
  await page.keyboard.press('c');
  await expect(queueRow(page, third.key).locator('[col-id="claimedBy"]')).toContainText('张敏');

  // All three wait, shown as pending, and nothing is lost.
  await expect(page.getByTestId('status-pending')).toContainText('3');
  const waiting = await callBridge<ActionRecord[]>(page.request, app, 'listUnfinishedActions');
  expect(waiting.map((action) => [action.name, action.state])).toEqual([
    ['addNote', 'pending'],
    ['addNote', 'pending'],
    ['claimItem', 'pending'],
  ]);
  await saveScreenshot(page, testInfo, 'offline-three-pending');

  // The platform comes back where it was: the actions go up by themselves, each applied once.
  central = await startCentralProcess({ seed: 29, port: central.port, dataDir: central.dataDir });
  await expect(page.getByTestId('status-connection')).toContainText('在线', { timeout: 60_000 });
  await expect(page.getByTestId('status-pending')).toContainText('0', { timeout: 60_000 });
  const applied = await expectOnPlatform(observer, (changes) => {
    const mine = changes.filter(
      (change) =>
        (change.entity === 'timelineEntry' && noteText(change).includes(stamp)) ||
        (change.entity === 'claim' &&
          (change.data?.subject as { id?: string } | undefined)?.id === third.id &&
          change.data?.operatorId === 'op-zhangmin'),
    );
    return mine.length >= 3 ? mine : undefined;
  });
  expect(applied.map((change) => change.entity).sort()).toEqual(['claim', 'timelineEntry', 'timelineEntry']);
  // Exactly once: the feed holds each entity at its latest version, so a double application would show as
  // a second note; and nothing more arrives after a further wait.
  await page.waitForTimeout(3_000);
  const later = await observer.since();
  expect(later.filter((change) => noteText(change).includes(stamp))).toEqual([]);
  expect(errors.filter((error) => !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(error))).toEqual([]);
});
