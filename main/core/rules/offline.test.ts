/**
 * Issue 5's offline test: the reference server stops, the core's clock advances two hours, and the prompts the
 * rules call for appear anyway, marked as computed from data as of the last sync.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { QueueCountsSnapshot, QueuePage, ShellStatus } from '../../../preload/contract';
import { startCoreWithCentral, until, type CoreHarness } from './test-core';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface InjectedAlert {
  id: string;
  sceneId: string;
  reportedAt: string;
  handler: unknown;
}

let harness: CoreHarness | null = null;

afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe('the rules while the central platform is down', { timeout: 60_000 }, () => {
  it('raises the undispatched prompt two hours on, from the data of the last sync', async () => {
    const h = (harness = await startCoreWithCentral({ seed: 5 }));
    await h.call('signIn', { username: 'zhangmin', password: 'zhangmin-demo' });
    await until(
      () => h.call<ShellStatus>('getStatus'),
      (status) => status.sync?.stage === 'live',
      'the core syncs to live',
    );

    // An alert that will never get a handler. Red, so that a prompt (verification) is raised for it at once:
    // that proves a tick has seen it while it was not yet an hour without a handler.
    await h.admin('POST', 'generation', { paused: true });
    const { alert } = await h.admin<{ alert: InjectedAlert }>('POST', 'alerts', {
      level: 'red',
      dispatch: 'never',
    });
    expect(alert.handler).toBeNull();
    const reportedAt = Date.parse(alert.reportedAt);
    await until(
      () => h.prompts(['red-alert']).filter((prompt) => prompt.subject.id === alert.id),
      (prompts) => prompts.length === 1,
      'the red alert reaches the cache and the rules',
    );
    expect(h.prompts(['undispatched']).filter((prompt) => prompt.subject.id === alert.id)).toEqual([]);

    // The outage. The core notices it by its own requests failing.
    await h.stopCentral();
    const offline = await until(
      () => h.call<ShellStatus>('getStatus'),
      (status) => status.connection.state === 'offline',
      'the core sees the platform offline',
    );
    const lastSync = h.read(
      (db) =>
        (
          db.prepare('SELECT last_success_at FROM sync_state WHERE id = 1').get() as {
            last_success_at: number | null;
          }
        ).last_success_at,
    );
    if (lastSync === null) throw new Error('no sync ever succeeded');
    expect(offline.lastSyncAt).toBe(new Date(lastSync).toISOString());
    // The last sync was within moments of the alert (the server's clock is frozen; the core's ran on meanwhile).
    expect(Math.abs(lastSync - reportedAt)).toBeLessThan(5 * MINUTE);

    // Two hours pass for the core, with no server to measure its clock against.
    const before = h.core.clock.now();
    h.shiftClock(2 * HOUR);
    expect(h.core.clock.now() - before).toBeGreaterThanOrEqual(2 * HOUR);

    // The schedule's next tick raises the prompt anyway.
    const [prompt] = await until(
      () => h.prompts(['undispatched']).filter((record) => record.subject.id === alert.id),
      (prompts) => prompts.length > 0,
      'the undispatched prompt appears offline',
    );
    if (!prompt) throw new Error('unreachable');
    expect(prompt).toMatchObject({
      rule: 'undispatched',
      subject: { entity: 'alert', id: alert.id },
      episode: reportedAt,
      stage: 0,
      state: 'raised',
      recipientRole: 'sceneOperator',
      dataAsOf: lastSync,
    });
    expect(prompt.reason).toMatch(/^已 2 小时( \d+ 分)?无处置人员$/);
    expect(prompt.raisedAt - lastSync).toBeGreaterThanOrEqual(2 * HOUR);
    expect(prompt.dueAt).toBe(prompt.raisedAt + HOUR);

    // The queue badge and the queue itself say so too, with the same "data as of".
    const counts = await until(
      () => h.call<QueueCountsSnapshot>('getQueueCounts'),
      (snapshot) => snapshot.counts.undispatched >= 1,
      'the undispatched badge counts it',
    );
    expect(counts.dataAsOf).toBe(new Date(lastSync).toISOString());
    const page = await h.call<QueuePage>('getQueuePage', { queue: 'undispatched', offset: 0, limit: 1000 });
    expect(page.rows.map((row) => row.id)).toContain(alert.id);
    expect(page.dataAsOf).toBe(new Date(lastSync).toISOString());
    expect(page.total).toBe(counts.counts.undispatched);

    const status = await h.call<ShellStatus>('getStatus');
    expect(status.connection.state).toBe('offline');
    expect(status.lastSyncAt).toBe(new Date(lastSync).toISOString());
    expect(h.log.filter((entry) => entry.level === 'error' && entry.message.startsWith('rules'))).toEqual([]);
  });
});
