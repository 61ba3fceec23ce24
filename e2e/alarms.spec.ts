import type { Page } from '@playwright/test';
import type { AlarmState } from '../preload/contract';
import {
  callAdmin,
  raiseAlert,
  startAppOnOwnCentral,
  stopAppOnOwnCentral,
  type CentralProcess,
} from './central';
import { expect, test, type ServedApp } from './fixtures';
import { callBridge, holdBridgeReplies, saveScreenshot, watchPageErrors } from './page-helpers';

// Alarms and the initial sync's progress, against a reference server of our own (its admin API raises alerts
// and slows the feed). The tests run in order on one workstation: the first watches the initial sync, the
// second uses the synced workstation.

let central: CentralProcess;
let app: ServedApp;

test.describe.configure({ mode: 'serial' });
// System notifications are allowed, as an operator would allow them when asked.
test.use({ permissions: ['notifications'] });

test.beforeAll(async () => {
  ({ central, app } = await startAppOnOwnCentral(23));
  // The district stands still: what sounds is what the tests raise. Its live generation raises an orange or red
  // alert now and then, which would sound as it should, but not when a test says that nothing does.
  await callAdmin(central, 'POST', 'generation', { paused: true });
});
test.afterAll(() => stopAppOnOwnCentral({ central, app }));

async function setFeedLatency(latencyMs: number | null): Promise<void> {
  if (latencyMs === null) await callAdmin(central, 'DELETE', 'faults');
  else await callAdmin(central, 'PUT', 'faults', { latencyMs, operations: ['changes'] });
}

/** Records what the page asks of the Notification API and which tones it starts, without real audio. */
async function observeNotificationsAndTones(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const scope = window as unknown as {
      notifications: { title: string; tag: string | undefined; body: string | undefined }[];
      shown: Notification[];
      tones: number[];
    };
    scope.notifications = [];
    scope.shown = [];
    scope.tones = [];
    const RealNotification = window.Notification;
    class RecordingNotification extends RealNotification {
      constructor(title: string, options?: NotificationOptions) {
        scope.notifications.push({ title, tag: options?.tag, body: options?.body });
        super(title, options);
        scope.shown.push(this);
      }
    }
    Object.defineProperty(RecordingNotification, 'permission', { get: () => RealNotification.permission });
    window.Notification = RecordingNotification;
    const prototype = AudioContext.prototype;
    const createOscillator = Object.getOwnPropertyDescriptor(BaseAudioContext.prototype, 'createOscillator')
      ?.value as (this: BaseAudioContext) => OscillatorNode;
    prototype.createOscillator = function (this: AudioContext) {
      const oscillator = createOscillator.call(this);
      const setValueAtTime = oscillator.frequency.setValueAtTime.bind(oscillator.frequency);
      oscillator.frequency.setValueAtTime = (value: number, startTime: number) => {
        scope.tones.push(value);
        return setValueAtTime(value, startTime);
      };
      return oscillator;
    };
  });
}

const recorded = (page: Page) =>
  page.evaluate(() => {
    const scope = window as unknown as { notifications: { tag: string }[]; tones: number[] };
    return { notifications: scope.notifications.map((entry) => entry.tag), tones: [...scope.tones] };
  });

test('the initial sync shows records, rate and time left while the console stays usable', async ({
  page,
}, testInfo) => {
  const errors = watchPageErrors(page);
  // Slow pages make the initial sync last long enough to watch (the district pulls in a few pages).
  await setFeedLatency(1500);
  await page.goto(app.url);
  await page.getByTestId('sign-in-username').fill('zhangmin');
  await page.getByTestId('sign-in-password').fill('zhangmin-demo');
  await page.getByTestId('sign-in-password').press('Enter');

  const progress = page.getByTestId('sync-progress');
  await expect(progress).toBeVisible({ timeout: 20_000 });
  await expect(progress).toContainText('首次同步进行中');
  await expect(page.getByTestId('sync-progress-records')).toHaveText(/^已同步 [\d,]+ \/ 约 [\d,]+ 条记录$/, {
    timeout: 20_000,
  });
  await expect(page.getByTestId('sync-progress-rate')).toHaveText(/^[\d,]+ 条\/秒$/, { timeout: 20_000 });
  await expect(page.getByTestId('sync-progress-eta')).toHaveText(/^预计剩余 \d+/, { timeout: 20_000 });
  await expect(page.getByTestId('sync-progress-phase')).toHaveText('队列已完整，正在同步历史数据', {
    timeout: 20_000,
  });
  const value = await page
    .getByTestId('sync-progress-bar')
    .evaluate((bar) => (bar as HTMLProgressElement).value);
  expect(value).toBeGreaterThan(0);
  expect(value).toBeLessThan(1);
  await saveScreenshot(page, testInfo, 'alarms-initial-sync-progress');

  // The console works meanwhile: another queue can be chosen with its key and its grid shows.
  await page.getByTestId('queue-grid').click();
  await page.keyboard.press('2');
  await expect(page.getByTestId('queue-grid')).toBeVisible();

  await setFeedLatency(null);
  await expect(progress).toBeHidden({ timeout: 60_000 });
  expect(errors).toEqual([]);
});

test('a new red alert sounds and notifies until acknowledged with x; Shift+M mutes for 15 minutes', async ({
  page,
  request,
}, testInfo) => {
  const errors = watchPageErrors(page);
  await observeNotificationsAndTones(page);
  await page.goto(app.url);
  await expect(page.getByTestId('status-operator')).toContainText('张敏', { timeout: 20_000 });
  await expect(page.getByTestId('sync-progress')).toBeHidden({ timeout: 60_000 });
  // The district's old open red alerts came with the initial sync: none of them sounds.
  await expect(page.getByTestId('alarm-strip')).toBeHidden();
  expect((await callBridge<AlarmState>(request, app, 'getAlarms')).total).toBe(0);

  const red = await raiseAlert(central, { level: 'red' });
  const strip = page.getByTestId('alarm-strip');
  await expect(strip).toBeVisible({ timeout: 20_000 });
  await expect(strip).toHaveAttribute('data-level', 'red');
  const item = strip.locator(`[data-alert-id="${red.id}"]`);
  await expect(item).toContainText('红色预警');
  await expect(item).toContainText(/上报 \d{2}:\d{2}:\d{2}/);
  await expect.poll(async () => (await recorded(page)).notifications).toContain(red.id);

  // No gesture yet: the browser keeps audio off, and the screen says so instead of pretending.
  await expect(page.getByTestId('alarm-enable-sound')).toHaveText('点击或按任意键启用警报声音');
  expect((await recorded(page)).tones).toEqual([]);
  // A plain click on the prompt (the gesture unlocks audio at pointerdown, and the prompt goes at once).
  const box = await page.getByTestId('alarm-enable-sound').boundingBox();
  if (!box) throw new Error('the prompt has no box');
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.getByTestId('alarm-enable-sound')).toBeHidden();
  // The red pattern: the two high tones.
  await expect.poll(async () => new Set((await recorded(page)).tones)).toEqual(new Set([988, 1319]));
  await saveScreenshot(page, testInfo, 'alarms-red-strip');

  // x acknowledges on this workstation: the strip goes, the core agrees, the sound stops.
  await page.getByTestId('queue-grid').click();
  await page.keyboard.press('x');
  await expect(strip).toBeHidden();
  expect((await callBridge<AlarmState>(request, app, 'getAlarms')).total).toBe(0);
  const tonesAfterAcknowledging = (await recorded(page)).tones.length;

  // An orange alert has its own, lower pattern.
  const orange = await raiseAlert(central, { level: 'orange' });
  await expect(strip.locator(`[data-alert-id="${orange.id}"]`)).toContainText('橙色预警', {
    timeout: 20_000,
  });
  await expect(strip).toHaveAttribute('data-level', 'orange');
  await expect
    .poll(async () => new Set((await recorded(page)).tones.slice(tonesAfterAcknowledging)))
    .toEqual(new Set([660]));

  // Shift+M, then Enter on the first choice: muted for 15 minutes, shown in the status bar.
  await page.keyboard.press('Shift+M');
  const dialog = page.getByTestId('mute-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('mute-15')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  const muteStatus = page.getByTestId('status-alarm-mute');
  await expect(muteStatus).toHaveText(/静音至 \d{2}:\d{2}/);
  await expect(strip).toHaveAttribute('data-muted', 'true');
  const state = await callBridge<AlarmState>(request, app, 'getAlarms');
  expect(state.mutedBy).toBe('张敏');
  const status = await callBridge<{ serverTime: string }>(request, app, 'getStatus');
  const minutesLeft = (Date.parse(state.mutedUntil ?? '') - Date.parse(status.serverTime)) / 60_000;
  expect(minutesLeft).toBeGreaterThan(14);
  expect(minutesLeft).toBeLessThanOrEqual(15);
  // Muted: a new alarm is listed but makes no sound.
  const tonesWhenMuted = (await recorded(page)).tones.length;
  const quiet = await raiseAlert(central, { level: 'red' });
  await expect(strip.locator(`[data-alert-id="${quiet.id}"]`)).toBeVisible({ timeout: 20_000 });
  expect((await recorded(page)).tones.length).toBe(tonesWhenMuted);
  await saveScreenshot(page, testInfo, 'alarms-muted');

  // Shift+M again offers to unmute.
  await page.keyboard.press('Shift+M');
  await page.getByTestId('mute-unmute').click();
  await expect(muteStatus).toBeHidden();
  await expect.poll(async () => (await recorded(page)).tones.length).toBeGreaterThan(tonesWhenMuted);
  expect(errors).toEqual([]);
});

test('an alarm shows its alert: a red one selected in the red queue with its details, an orange one in the details', async ({
  page,
}) => {
  const errors = watchPageErrors(page);
  await observeNotificationsAndTones(page);
  await page.goto(app.url);
  await expect(page.getByTestId('status-operator')).toContainText('张敏', { timeout: 20_000 });
  const strip = page.getByTestId('alarm-strip');
  const grid = page.getByTestId('queue-grid');
  const pane = page.getByTestId('row-detail');
  const showFromStrip = async (alertId: string): Promise<string> => {
    const show = strip.locator(`[data-alert-id="${alertId}"]`).getByTestId('alarm-show');
    await expect(show).toBeVisible({ timeout: 20_000 });
    const title = (await show.textContent()) ?? '';
    await show.click();
    return title;
  };
  const expectShown = async (title: string): Promise<void> => {
    expect(title).not.toBe('');
    await expect(pane).toHaveAttribute('data-loaded', 'true');
    await expect(pane.locator('#row-detail-title')).toContainText(title);
  };

  // Another queue is open when the red alert comes; its alarm leads to its row in the red queue, wherever
  // that row stands (the red queue lists unverified alerts oldest first: a new one is far down).
  await page.getByTestId('queue-undispatched').click();
  await expect(page.getByTestId('queue-undispatched')).toHaveAttribute('aria-current', 'true');
  const red = await raiseAlert(central, { level: 'red' });
  const redTitle = await showFromStrip(red.id);
  await expect(page.getByTestId('queue-redAlerts')).toHaveAttribute('aria-current', 'true');
  await expect(grid.locator(`.ag-row-selected[row-id="alert:${red.id}"]`)).toBeVisible();
  await expectShown(redTitle);

  // Clicking its system notification does the same (the page's handler is what the system calls), also when
  // the operator is back before the other queue's rows came: the rows of that queue, held back here until the
  // red queue shows, must not stand in for the red queue's when its row is looked for.
  await page.keyboard.press('Escape');
  await expect(pane).toBeHidden();
  const heldPages = await holdBridgeReplies(
    page,
    (call) =>
      call.name === 'getQueuePage' &&
      Array.isArray(call.args) &&
      (call.args[0] as { queue?: unknown } | undefined)?.queue === 'undispatched',
  );
  await page.getByTestId('queue-undispatched').click();
  await expect(page.getByTestId('queue-undispatched')).toHaveAttribute('aria-current', 'true');
  await page.evaluate((tag) => {
    const scope = window as unknown as { shown: Notification[] };
    const notification = scope.shown.find((shown) => shown.tag === tag);
    if (!notification?.onclick) throw new Error(`no notification for ${tag}`);
    notification.onclick.call(notification, new Event('click'));
  }, red.id);
  await expect(page.getByTestId('queue-redAlerts')).toHaveAttribute('aria-current', 'true');
  await expect(grid.locator(`.ag-row-selected[row-id="alert:${red.id}"]`)).toBeVisible();
  await expectShown(redTitle);
  await heldPages.release();
  // The late page of the queue left behind changes nothing here: the red queue's total and selection stay.
  await expect(page.getByTestId('queue-total')).toContainText(/共 \d+ 条/);
  await expect(grid.locator(`.ag-row-selected[row-id="alert:${red.id}"]`)).toBeVisible();
  await expectShown(redTitle);

  // An orange alert has no queue of its own: it opens in the details, over the queue that is open.
  await page.keyboard.press('Escape');
  const orange = await raiseAlert(central, { level: 'orange' });
  const orangeTitle = await showFromStrip(orange.id);
  await expectShown(orangeTitle);
  await expect(page.getByTestId('queue-redAlerts')).toHaveAttribute('aria-current', 'true');
  expect(errors).toEqual([]);
});
