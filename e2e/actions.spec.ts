import path from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from '@playwright/test';
import type { ActionRecord } from '../preload/contract';
import {
  callAdmin,
  FeedObserver,
  raiseAlert,
  startAppOnOwnCentral,
  stopAppOnOwnCentral,
  type CentralProcess,
} from './central';
import { expect, test, type ServedApp } from './fixtures';
import { queueRow, selectRowByKeyboard, signInByKeyboard } from './keyboard-helpers';
import { callBridge, holdBridgeReplies, saveScreenshot, watchPageErrors } from './page-helpers';

// The operator's actions, by keyboard only, against a reference central server of its own (its admin API
// raises red alerts and injects faults; a second operator acts on it directly, as another workstation would).
// What the platform recorded is read from its change feed by an observer, never through the workstation.

let central: CentralProcess;
let app: ServedApp;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => ({ central, app } = await startAppOnOwnCentral(17)));
test.afterAll(() => stopAppOnOwnCentral({ central, app }));

/** Another operator on another workstation verifies an alert directly through the central API. */
async function verifyElsewhere(alertId: string): Promise<void> {
  const session = (await (
    await fetch(`${central.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'liqiang', password: 'liqiang-demo' }),
    })
  ).json()) as { token: string };
  const { serverTime } = (await (await fetch(`${central.url}/api/v1/time`)).json()) as { serverTime: string };
  const response = await fetch(`${central.url}/api/v1/mutations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
    body: JSON.stringify({
      clientId: `e2e-other-${alertId}`,
      mutations: [
        {
          id: `e2e-verify-${alertId}`,
          seq: 1,
          name: 'verifyAlert',
          args: { alertId, significant: false, assessment: '另一工作站已核实：设备误报' },
          createdAt: serverTime,
        },
      ],
    }),
  });
  const body = (await response.json()) as { results: { status: string }[] };
  expect(body.results[0]?.status).toBe('applied');
}

/** Fills the verify form by keyboard: the conclusion's first option has focus. */
async function fillVerifyForm(page: Page, assessment: string): Promise<void> {
  const dialog = page.getByTestId('action-dialog');
  await expect(dialog).toHaveAttribute('data-kind', 'verify');
  await expect(page.getByTestId('action-option-significant-yes')).toBeFocused();
  // Submitting empty names the fields, in Chinese, and keeps the form.
  await page.keyboard.press('Control+Enter');
  await expect(dialog.getByTestId('action-error-significant')).toHaveText('请选择“核实结论”。');
  await expect(dialog.getByTestId('action-error-assessment')).toHaveText('请填写“核实情况”。');
  await expect(page.getByTestId('action-option-significant-yes')).toBeFocused();
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.type(assessment);
  await page.keyboard.press('Control+Enter');
}

test('a red alert is verified by keyboard: pending at once, applied on the platform', async ({
  page,
}, testInfo) => {
  const errors = watchPageErrors(page);
  const observer = new FeedObserver(central);
  await observer.catchUp();
  const alert = await raiseAlert(central, { level: 'red' });
  await signInByKeyboard(page, app);
  const alertRow = queueRow(page, `alert:${alert.id}`);
  await selectRowByKeyboard(page, `alert:${alert.id}`);
  // The new alert is the newest unverified one: the rows after it are verified, and it moves among them.
  const alertIndex = await alertRow.getAttribute('row-index');
  const nextRowId = await page
    .locator(`.queue-grid .ag-row[row-index="${String(Number(alertIndex) + 1)}"]`)
    .first()
    .getAttribute('row-id');
  expect(nextRowId).not.toBeNull();

  // The platform answers slowly for a while, so that the pending state can be seen. The workstation's own
  // reply is held back until the grid has shown the verified alert moved (a sync refreshed it meanwhile):
  // the row that was next when the operator acted is still the one selected afterwards.
  await callAdmin(central, 'PUT', 'faults', { latencyMs: 2_500, operations: ['mutations'] });
  const heldReply = await holdBridgeReplies(page, (call) => call.name === 'submitAction');
  await page.keyboard.press('v');
  await fillVerifyForm(page, '现场燃气浓度超标，已通知燃气公司到场');
  await raiseAlert(central, { level: 'orange' });
  await expect(alertRow).not.toHaveAttribute('row-index', alertIndex ?? '', { timeout: 20_000 });
  await heldReply.release();
  await expect(page.getByTestId('action-dialog')).toBeHidden();
  await expect(page.getByTestId('action-notice')).toContainText('已记录“核实红色预警”，待中心平台确认');
  await expect(page.getByTestId('status-pending')).toContainText('1');
  // Focus is back in the grid, on the next row.
  await expect(queueRow(page, nextRowId ?? '')).toHaveClass(/ag-row-selected/);
  await expect(queueRow(page, nextRowId ?? '').locator('.ag-cell-focus')).toBeFocused();
  await saveScreenshot(page, testInfo, 'actions-verify-pending');

  await expect(page.getByTestId('action-notice')).toContainText('中心平台已确认“核实红色预警”', {
    timeout: 20_000,
  });
  await expect(page.getByTestId('status-pending')).toContainText('0');
  await callAdmin(central, 'DELETE', 'faults');

  // What the platform recorded: the alert verified by this operator, with the conclusion and the text.
  await expect
    .poll(
      async () => {
        const changes = await observer.since();
        const change = changes.find((candidate) => candidate.entity === 'alert' && candidate.id === alert.id);
        return change?.data ?? null;
      },
      { timeout: 15_000 },
    )
    .toMatchObject({
      verifiedBy: 'op-zhangmin',
      verification: { significant: true, assessment: '现场燃气浓度超标，已通知燃气公司到场' },
    });
  expect(errors).toEqual([]);
});

test('a rejected action shows the platform’s reason, is retried after editing, then discarded', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  const errors = watchPageErrors(page);
  const alert = await raiseAlert(central, { level: 'red' });
  await signInByKeyboard(page, app);
  await selectRowByKeyboard(page, `alert:${alert.id}`);

  // This workstation stops hearing from the platform (its change feed fails), while another operator verifies
  // the alert there: this workstation still shows it unverified, as it would across a network partition.
  await callAdmin(central, 'PUT', 'faults', {
    serverErrorRate: 1,
    stallEvents: true,
    operations: ['changes', 'events'],
  });
  await verifyElsewhere(alert.id);

  await page.keyboard.press('v');
  await fillVerifyForm(page, '核实：现场有异味');
  await expect(page.getByTestId('action-dialog')).toBeHidden();
  await expect(page.getByTestId('action-notice')).toContainText('中心平台拒绝了“核实红色预警”', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('status-rejected')).toContainText('1');

  // u opens the panel: the action in words, who took it, and the platform's reason.
  await page.keyboard.press('u');
  const panel = page.getByTestId('actions-panel');
  await expect(panel).toBeVisible();
  const rejectedRow = panel.locator('[data-testid="actions-panel-row"][data-state="rejected"]');
  await expect(rejectedRow).toHaveCount(1);
  await expect(rejectedRow).toContainText('核实红色预警');
  await expect(rejectedRow).toContainText(`alert:${alert.id}`);
  await expect(rejectedRow).toContainText('张敏');
  await expect(rejectedRow.getByTestId('actions-panel-reason')).toContainText(
    /中心平台拒绝（对象状态已变化，INVALID_STATE）：alert .* was already verified by op-liqiang/,
  );
  await saveScreenshot(page, testInfo, 'actions-panel-rejected');
  const firstMutationId = await rejectedRow.getAttribute('data-mutation-id');

  // Retry after editing: the form reopens with what was sent.
  await expect(rejectedRow.getByTestId('actions-panel-retry')).toBeFocused();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('action-dialog');
  await expect(dialog).toHaveAttribute('data-kind', 'verify');
  await expect(dialog).toContainText('编辑后重试被拒操作');
  await expect(dialog.locator('textarea')).toHaveValue('核实：现场有异味');
  await expect(page.getByTestId('action-option-significant-yes')).toBeChecked();
  await saveScreenshot(page, testInfo, 'actions-retry-form');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+a');
  await page.keyboard.type('复核：与李强核实结论不同，现场有燃气异味');
  await page.keyboard.press('Control+Enter');

  // The edited action goes to the platform, which refuses it again for the same reason; the panel is back.
  await expect(panel).toBeVisible();
  await expect
    .poll(
      async () =>
        (await callBridge<ActionRecord[]>(request, app, 'listUnfinishedActions')).map((a) => [
          a.state,
          a.args,
        ]),
      {
        timeout: 30_000,
      },
    )
    .toEqual([
      [
        'rejected',
        { alertId: alert.id, significant: true, assessment: '复核：与李强核实结论不同，现场有燃气异味' },
      ],
    ]);
  const retriedRow = panel.locator('[data-testid="actions-panel-row"][data-state="rejected"]');
  await expect(retriedRow).toHaveCount(1);
  const retriedMutationId = await retriedRow.getAttribute('data-mutation-id');
  expect(retriedMutationId).not.toBe(firstMutationId);

  // Discard, after a confirmation whose default is to keep it.
  await retriedRow.getByTestId('actions-panel-retry').focus();
  await page.keyboard.press('Tab');
  await expect(retriedRow.getByTestId('actions-panel-discard')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(retriedRow.getByTestId('actions-panel-keep')).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(retriedRow.getByTestId('actions-panel-confirm-discard')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(panel.getByTestId('actions-panel-empty')).toBeVisible();
  await expect(page.getByTestId('status-rejected')).toContainText('0');
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await callAdmin(central, 'DELETE', 'faults');

  // Both decisions are in the workstation's audit log, under the operator.
  const cache = new Database(path.join(app.dataDir, 'cache.db'), { readonly: true, fileMustExist: true });
  try {
    const audits = cache
      .prepare(
        "SELECT action, operator_id AS operatorId, subject FROM audit WHERE action LIKE 'outbox.%' ORDER BY id",
      )
      .all() as { action: string; operatorId: string | null; subject: string }[];
    expect(audits).toEqual([
      { action: 'outbox.rejected', operatorId: null, subject: firstMutationId },
      { action: 'outbox.retry', operatorId: 'op-zhangmin', subject: firstMutationId },
      { action: 'outbox.rejected', operatorId: null, subject: retriedMutationId },
      { action: 'outbox.discard', operatorId: 'op-zhangmin', subject: retriedMutationId },
    ]);
  } finally {
    cache.close();
  }
  expect(errors).toEqual([]);
});

test('a prompt the rules raised is issued, acknowledged and resolved; others are snoozed and dismissed', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const errors = watchPageErrors(page);
  const observer = new FeedObserver(central);
  await observer.catchUp();
  await signInByKeyboard(page, app);
  await page.keyboard.press('5');
  await expect(page.getByTestId('queue-area')).toContainText('工作提示');
  /** The id of the row shown at `index` (ag-grid may draw a row in several containers: the first will do). */
  const rowIdAt = async (index: number) => {
    const row = page
      .locator(`.queue-grid .ag-row[row-index="${String(index)}"][row-id^="workPrompt:"]`)
      .first();
    await expect(row).toBeAttached({ timeout: 30_000 });
    return (await row.getAttribute('row-id')) ?? '';
  };
  // The second row: the first is often a red alert's verification prompt, which the rules close by themselves
  // as soon as a red alert is verified.
  const promptRowId = await rowIdAt(1);
  const promptId = promptRowId.replace(/^workPrompt:/, '');
  await selectRowByKeyboard(page, promptRowId);

  // Issue: prefilled from the rule (recipient, message, due time); submitted as it is.
  await page.keyboard.press('p');
  const dialog = page.getByTestId('action-dialog');
  await expect(dialog).toHaveAttribute('data-kind', 'prompt');
  await expect(dialog).toContainText('依据规则');
  await expect(dialog.locator('select')).toBeFocused();
  const message = await dialog.locator('textarea').inputValue();
  expect(message.length).toBeGreaterThan(0);
  await expect(dialog.locator('input[type="text"]')).toHaveValue(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  await saveScreenshot(page, testInfo, 'actions-issue-prompt-form');
  await page.keyboard.press('Control+Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('action-notice')).toContainText('中心平台已确认“发起工作提示”', {
    timeout: 20_000,
  });

  // Acknowledge (the note is optional), then resolve (the resolution is required).
  await selectRowByKeyboard(page, promptRowId);
  await page.keyboard.press('a');
  await expect(dialog).toHaveAttribute('data-kind', 'acknowledge');
  await page.keyboard.type('场景运营人员已电话确认');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('action-notice')).toContainText('中心平台已确认“确认工作提示”', {
    timeout: 20_000,
  });
  await selectRowByKeyboard(page, promptRowId);
  await page.keyboard.press('r');
  await expect(dialog).toHaveAttribute('data-kind', 'resolve');
  await page.keyboard.press('Control+Enter');
  await expect(dialog.getByTestId('action-error-resolution')).toHaveText('请填写“办结情况”。');
  await page.keyboard.type('已落实处置人员');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('action-notice')).toContainText('中心平台已确认“办结工作提示”', {
    timeout: 20_000,
  });
  await expect(page.locator(`.queue-grid .ag-row[row-id="${promptRowId}"]`)).toHaveCount(0);

  await expect
    .poll(
      async () => {
        const changes = await observer.since();
        return (
          changes.find((change) => change.entity === 'workPrompt' && change.id === promptId)?.data ?? null
        );
      },
      { timeout: 15_000 },
    )
    .toMatchObject({
      status: 'resolved',
      message,
      issuedBy: 'op-zhangmin',
      acknowledgedBy: 'op-zhangmin',
      acknowledgementNote: '场景运营人员已电话确认',
      resolution: '已落实处置人员',
    });

  // Snooze the next prompt: an end time in the past is refused by name; an hour ahead hides it.
  const snoozedRowId = await rowIdAt(1);
  await selectRowByKeyboard(page, snoozedRowId);
  await page.keyboard.press('s');
  await expect(dialog).toHaveAttribute('data-kind', 'snooze');
  const until = dialog.locator('input[type="text"]');
  await expect(until).toBeFocused();
  const suggested = await until.inputValue();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('2020-01-01 08:00');
  await page.keyboard.press('Tab');
  await page.keyboard.type('等待场景维护完成');
  await page.keyboard.press('Control+Enter');
  await expect(dialog.getByTestId('action-error-until')).toContainText('“暂缓至”须晚于服务器当前时间');
  await expect(until).toBeFocused();
  await page.keyboard.press('Control+a');
  await page.keyboard.type(suggested);
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('action-notice')).toContainText(`已暂缓至 ${suggested}（仅本机）`);
  await expect(page.locator(`.queue-grid .ag-row[row-id="${snoozedRowId}"]`)).toHaveCount(0);

  // Dismiss a prompt raised here and never issued.
  const dismissedRowId = await rowIdAt(1);
  await selectRowByKeyboard(page, dismissedRowId);
  await page.keyboard.press('d');
  await expect(dialog).toHaveAttribute('data-kind', 'dismiss');
  await page.keyboard.type('场景已确认为计划停运');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('action-notice')).toContainText('已撤销本机工作提示');
  await expect(page.locator(`.queue-grid .ag-row[row-id="${dismissedRowId}"]`)).toHaveCount(0);

  // Both stay on this workstation, audited under the operator.
  const cache = new Database(path.join(app.dataDir, 'cache.db'), { readonly: true, fileMustExist: true });
  try {
    const audits = cache
      .prepare(
        'SELECT action, operator_id AS operatorId, subject FROM audit WHERE subject IN (?, ?) AND operator_id IS NOT NULL ORDER BY id',
      )
      .all(
        `localPrompt:${snoozedRowId.replace(/^workPrompt:/, '')}`,
        `localPrompt:${dismissedRowId.replace(/^workPrompt:/, '')}`,
      ) as { action: string; operatorId: string }[];
    expect(audits.map((audit) => [audit.action, audit.operatorId])).toEqual([
      ['workPrompt.snoozed', 'op-zhangmin'],
      ['workPrompt.resolved', 'op-zhangmin'],
    ]);
  } finally {
    cache.close();
  }
  expect(errors).toEqual([]);
});

test('from the detail pane: a note, then claim and release with c', async ({ page }, testInfo) => {
  const errors = watchPageErrors(page);
  const observer = new FeedObserver(central);
  await observer.catchUp();
  const alert = await raiseAlert(central, { level: 'red' });
  await signInByKeyboard(page, app);
  await selectRowByKeyboard(page, `alert:${alert.id}`);
  await page.keyboard.press('Enter');
  const bar = page.getByTestId('action-bar');
  await expect(bar).toBeVisible();
  await expect(bar.getByTestId('action-button-verify')).toContainText('v');
  await expect(bar.getByTestId('action-button-note')).toBeVisible();
  await expect(bar.getByTestId('action-button-claim')).toBeVisible();
  await saveScreenshot(page, testInfo, 'actions-detail-bar');

  await page.keyboard.press('n');
  const dialog = page.getByTestId('action-dialog');
  await expect(dialog).toHaveAttribute('data-kind', 'note');
  await expect(dialog.locator('textarea')).toBeFocused();
  await page.keyboard.type('已电话联系场景值守人员，正在赶赴现场');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('action-notice')).toContainText('中心平台已确认“添加备注”', {
    timeout: 20_000,
  });

  await selectRowByKeyboard(page, `alert:${alert.id}`);
  await page.keyboard.press('c');
  await expect(page.getByTestId('action-notice')).toContainText('中心平台已确认“认领”', { timeout: 20_000 });
  // The pane follows the selection: back on the alert, its bar offers the release (c toggles).
  await selectRowByKeyboard(page, `alert:${alert.id}`);
  await expect(bar.getByTestId('action-button-release')).toBeVisible();
  await expect(bar.getByTestId('action-button-claim')).toHaveCount(0);
  await page.keyboard.press('c');
  await expect(page.getByTestId('action-notice')).toContainText('中心平台已确认“释放认领”', {
    timeout: 20_000,
  });
  await selectRowByKeyboard(page, `alert:${alert.id}`);
  await expect(bar.getByTestId('action-button-claim')).toBeVisible();

  const seen = await observer.since();
  const note = seen.find(
    (change) =>
      change.entity === 'timelineEntry' &&
      (change.data as { subject?: { id?: string } } | null)?.subject?.id === alert.id &&
      (change.data as { kind?: string }).kind === 'note',
  );
  expect(note?.data).toMatchObject({
    text: '已电话联系场景值守人员，正在赶赴现场',
    actor: { operatorId: 'op-zhangmin' },
  });
  // The claim came and went: the feed's latest word on it is its deletion.
  expect(seen.find((change) => change.entity === 'claim' && change.id === `alert:${alert.id}`)?.op).toBe(
    'delete',
  );
  expect(errors).toEqual([]);
});
