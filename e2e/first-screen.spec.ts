import type { WebSocketRoute } from '@playwright/test';
import type { EventEnvelope, Preferences, QueueCountsSnapshot } from '../preload/contract';
import { expect, test } from './fixtures';
import { callBridge, saveScreenshot, watchPageErrors } from './page-helpers';

// The first screen of browser mode on the demo district: language, theme, queues, status bar, and
// how it behaves when the bridge fails.

const queueOrder = [
  'redAlerts',
  'undispatched',
  'overdueClosure',
  'nonStandard',
  'workPrompts',
  'silentScenes',
  'deviceIssues',
  'syncRate',
  'dutyItems',
] as const;
const chineseNames = [
  '红色预警',
  '超期未派单',
  '超期未结案',
  '填报不规范',
  '工作提示',
  '静默场景',
  '设备离线 / 信息报错',
  '同步率异常',
  '值班事项',
];
const englishNames = [
  'Red alerts',
  'Undispatched > 1 h',
  'Overdue closure',
  'Non-standard records',
  'Work prompts',
  'Silent scenes',
  'Devices offline / info errors',
  'Sync rate low',
  'Duty items',
];

const dateTimePattern = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/;

/** The platform's wall clock (Asia/Shanghai) for an instant, as the status bar writes it. */
function shanghaiDateTime(ms: number): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(ms)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

// Preferences live in the worker's data directory: every test starts from the defaults.
test.beforeEach(async ({ app, request }) => {
  await callBridge<Preferences>(request, app, 'setPreferences', [{ locale: 'zh-CN', theme: 'dark' }]);
});

test.describe('on a machine in another time zone', () => {
  test.use({ timezoneId: 'America/New_York' });

  test('the first screen renders in Chinese with the bridge counts, live status and platform time', async ({
    app,
    page,
    request,
  }, testInfo) => {
    const errors = watchPageErrors(page);
    await page.goto(app.url);

    const html = page.locator('html');
    await expect(html).toHaveAttribute('lang', 'zh-CN');
    await expect(html).toHaveAttribute('data-theme', 'dark');
    await expect(page.getByRole('button', { name: /红色预警/ })).toBeVisible();
    await expect(page.getByTestId('demo-badge')).toHaveText('演示数据');
    // The token leaves the address bar once read.
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);

    // All eight queues, in the contract's order, named in Chinese, each with the count the bridge gives.
    const list = page.getByTestId('queue-list');
    await expect(list.getByRole('button')).toHaveCount(queueOrder.length);
    const shownOrder = await list
      .getByRole('button')
      .evaluateAll((buttons) => buttons.map((button) => button.getAttribute('data-testid')));
    expect(shownOrder).toEqual(queueOrder.map((id) => `queue-${id}`));
    const snapshot = await callBridge<QueueCountsSnapshot>(request, app, 'getQueueCounts');
    for (const [index, id] of queueOrder.entries()) {
      await expect(page.getByTestId(`queue-${id}`)).toContainText(chineseNames[index] ?? '');
      await expect(page.getByTestId(`queue-count-${id}`)).toHaveText(String(snapshot.counts[id]));
    }
    await expect(page.getByTestId(`queue-redAlerts`)).toHaveAttribute('aria-current', 'true');
    // Nobody is signed in yet: the centre asks for a sign-in, and names the demo accounts.
    await expect(page.getByTestId('sign-in-form')).toBeVisible();
    await expect(page.getByTestId('demo-accounts')).toContainText('zhangmin');

    // The status bar: online once the core has reached the demo central server.
    const connection = page.getByTestId('status-connection');
    await expect(connection).toContainText('在线', { timeout: 20_000 });
    await expect(connection).toHaveAttribute('data-state', 'online');
    await expect(connection).toContainText(/自 \d{2}:\d{2}:\d{2}/);
    await expect(page.getByTestId('status-pending')).toContainText(/待上传\s*\d+/);
    await expect(page.getByTestId('status-rejected')).toContainText(/被拒\s*\d+/);
    // Nobody has signed in: nothing is synced yet, and the status bar says so rather than inventing a time.
    await expect(page.getByTestId('status-operator')).toContainText('未登录');
    await expect(page.getByTestId('status-last-sync')).toContainText('从未');
    // Once an operator signs in (the demo account), the sync runs and the status bar follows.
    await callBridge(request, app, 'signIn', [{ username: 'zhangmin', password: 'zhangmin-demo' }]);
    await expect(page.getByTestId('status-operator')).toContainText('张敏', { timeout: 20_000 });
    await expect(page.getByTestId('status-last-sync')).toContainText(/\d{2}:\d{2}:\d{2}/, {
      timeout: 20_000,
    });

    // Server time: shown in Asia/Shanghai although the browser runs in New York, and ticking.
    const serverTime = page.getByTestId('status-server-time');
    await expect(serverTime).toContainText(dateTimePattern);
    const firstShown = dateTimePattern.exec((await serverTime.textContent()) ?? '')?.[0] ?? '';
    const now = Date.now();
    const nearby = [-3, -2, -1, 0, 1, 2, 3].map((offset) => shanghaiDateTime(now + offset * 1_000));
    expect(nearby).toContain(firstShown);
    await expect
      .poll(async () => dateTimePattern.exec((await serverTime.textContent()) ?? '')?.[0])
      .not.toBe(firstShown);

    await saveScreenshot(page, testInfo, 'first-screen-zh-CN');
    expect(errors).toEqual([]);
  });
});

test('switching to English renders English and persists across a reload', async ({
  app,
  page,
  request,
}, testInfo) => {
  const errors = watchPageErrors(page);
  await page.goto(app.url);
  await expect(page.getByRole('button', { name: /红色预警/ })).toBeVisible();

  await page.getByTestId('locale-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  for (const [index, id] of queueOrder.entries()) {
    await expect(page.getByTestId(`queue-${id}`)).toContainText(englishNames[index] ?? '');
  }
  // The centre is in English too: the sign-in form, or the queue's grid once an earlier test has signed in.
  await expect(page.getByTestId('queue-area')).toContainText(/Sign in to the central platform|Elapsed/);
  expect(await callBridge<Preferences>(request, app, 'getPreferences')).toMatchObject({ locale: 'en' });

  // The reload has no token in the address any more: the tab's stored token must carry it.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('button', { name: /Red alerts/ })).toBeVisible();
  await expect(page.getByTestId('status-connection')).toContainText('Online', { timeout: 20_000 });
  // Other tests of this worker share the served app and may have signed in: the label is English either way.
  await expect(page.getByTestId('status-operator')).toContainText('Operator');
  await expect(page.getByTestId('status-operator')).not.toContainText('值班员');
  await expect(page.getByTestId('status-server-time')).toContainText(dateTimePattern);
  await expect(page.getByTestId('queue-count-redAlerts')).toHaveText(/^\d+$/);

  await saveScreenshot(page, testInfo, 'first-screen-en');
  expect(errors).toEqual([]);
});

test('counts follow the queueCounts event, and the event socket reconnects and re-reads', async ({
  app,
  page,
  request,
}, testInfo) => {
  // Pass the real event socket through, keeping a handle on each one to inject an event and to drop it.
  const sockets: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/api\/events/, (socket) => {
    const server = socket.connectToServer();
    // The live sync sends real counts at any moment; only this test's injected counts may reach the page.
    server.onMessage((message) => {
      if (typeof message === 'string' && message.includes('"event":"queueCounts"')) return;
      socket.send(message);
    });
    sockets.push(socket);
  });
  await page.goto(app.url);
  const redCount = page.getByTestId('queue-count-redAlerts');
  await expect(redCount).toHaveText(/^\d+$/);
  await expect.poll(() => sockets.length).toBe(1);

  const event: EventEnvelope<'queueCounts'> = {
    event: 'queueCounts',
    payload: {
      counts: {
        redAlerts: 3,
        undispatched: 12,
        overdueClosure: 4,
        nonStandard: 27,
        workPrompts: 9,
        silentScenes: 2,
        deviceIssues: 31,
        syncRate: 1,
        dutyItems: 1,
      },
      dataAsOf: '2025-03-01T16:30:05.000Z',
    },
  };
  // The page re-reads the counts when its socket opens; resend until the event lands after that read.
  await expect(async () => {
    sockets[0]?.send(JSON.stringify(event));
    await expect(redCount).toHaveText('3', { timeout: 500 });
  }).toPass();
  await expect(redCount).toHaveClass(/is-alarm/);
  await expect(page.getByTestId('queue-count-deviceIssues')).toHaveText('31');
  await expect(page.getByTestId('queue-data-as-of')).toHaveText('数据截至 2025-03-02 00:30:05');
  await saveScreenshot(page, testInfo, 'first-screen-zh-CN-red-alerts');

  // Drop the socket: the page says so, reconnects on its own, and re-reads the real counts.
  await sockets[0]?.close();
  await expect(page.getByRole('alert')).toContainText('正在自动重连');
  await expect.poll(() => sockets.length).toBe(2);
  await expect(page.getByRole('alert')).toBeEmpty();
  const snapshot = await callBridge<QueueCountsSnapshot>(request, app, 'getQueueCounts');
  await expect(redCount).toHaveText(String(snapshot.counts.redAlerts));
  // The alarm styling follows the real count again (the demo district may well have open red alerts).
  if (snapshot.counts.redAlerts > 0) await expect(redCount).toHaveClass(/is-alarm/);
  else await expect(redCount).not.toHaveClass(/is-alarm/);
});

test('the theme switch toggles data-theme and persists it', async ({ app, page }, testInfo) => {
  await page.goto(app.url);
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('theme-switch').click();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await expect(page.getByTestId('status-connection')).toContainText('在线', { timeout: 20_000 });
  await saveScreenshot(page, testInfo, 'first-screen-zh-CN-light');
  await page.getByTestId('theme-switch').click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
});

test('number keys and arrows choose a queue', async ({ app, page }) => {
  await page.goto(app.url);
  await expect(page.getByTestId('queue-list')).toBeVisible();
  // Signed out, the sign-in form takes the focus (and digits typed there are text): start from the list.
  await page.getByTestId('queue-redAlerts').focus();

  await page.keyboard.press('3');
  const overdue = page.getByTestId('queue-overdueClosure');
  await expect(overdue).toHaveAttribute('aria-current', 'true');
  await expect(overdue).toBeFocused();
  await expect(page.getByTestId('queue-redAlerts')).not.toHaveAttribute('aria-current', 'true');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('超期未结案');

  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('queue-nonStandard')).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('End');
  await expect(page.getByTestId('queue-dutyItems')).toHaveAttribute('aria-current', 'true');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('值班事项');
});

test('a tab without the token says, Chinese first, how to get in', async ({ app, page, context }) => {
  // The first tab sets the page cookie, so a second tab is served the page; but its own session
  // storage holds no token, and its address has none.
  await page.goto(app.url);
  await expect(page.getByTestId('queue-list')).toBeVisible();
  const secondTab = await context.newPage();
  await secondTab.goto(`${app.origin}/`);
  const message = secondTab.getByTestId('missing-token');
  await expect(message).toBeVisible();
  const text = (await message.textContent()) ?? '';
  expect(text).toContain('需要访问令牌');
  expect(text).toContain('Access token required');
  expect(text.indexOf('需要访问令牌')).toBeLessThan(text.indexOf('Access token required'));
});

test('an unreachable service shows a localised alert and the frame stays up', async ({ app, page }) => {
  await page.route('**/api/call', (route) => route.abort('connectionrefused'));
  // The service is unreachable as a whole: its event socket brings nothing either.
  await page.routeWebSocket('**/api/events**', () => undefined);
  await page.goto(app.url);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('无法连接到值班台服务');
  await expect(page.getByTestId('queue-list')).toBeVisible();
  // No number is made up while the bridge gives none.
  await expect(page.getByTestId('queue-count-redAlerts')).toHaveText('—');
  await expect(page.getByTestId('status-server-time')).toContainText('—');
});

test('a refused token shows the token message by its error code', async ({ app, page }) => {
  // The event socket would bring a status event (the connection monitor's) that clears the failed status
  // read; a socket that stays silent keeps this test about the refused calls alone.
  await page.routeWebSocket('**/api/events**', () => undefined);
  await page.route('**/api/call', (route) =>
    route.fulfill({
      status: 401,
      contentType: 'application/json',
      body: JSON.stringify({
        ok: false,
        error: { code: 'UNAUTHORIZED', message: 'missing or wrong access token' },
      }),
    }),
  );
  await page.goto(app.url);
  const alert = page.getByRole('alert');
  // One line per cause, naming every read that failed for it.
  await expect(alert).toContainText('访问令牌无效');
  for (const action of ['读取偏好设置', '读取应用信息', '读取运行状态', '读取队列计数']) {
    await expect(alert).toContainText(action);
  }
  await page.getByRole('button', { name: '关闭' }).click();
  await expect(alert).toBeEmpty();
});
