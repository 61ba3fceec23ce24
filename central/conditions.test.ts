/**
 * The simulated district must produce every condition the regulation's work-prompt rules react to (DESIGN.md's
 * rule table) as its clock moves: the client's rule engine is tested against these.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCentral, type TestCentral } from './testing/fixture';
import { Replica } from './testing/spec-client';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface AlertBody {
  id: string;
  level: string;
  status: string;
  handler: unknown;
  reportedAt: string;
  deadlineAt: string;
  elementIssues: unknown[];
}

interface SceneBody {
  id: string;
  lastAlertAt: string | null;
  commissionedAt: string;
  sync: { rate: number | null };
}

interface DeviceBody {
  status: string;
  infoError: unknown;
}

/** The conditions of DESIGN.md's rules, evaluated on a client's copy at the platform's time `now`. */
export function conditionsAt(replica: Replica, now: number, since: number): Set<string> {
  const found = new Set<string>();
  for (const alert of replica.of<AlertBody>('alert')) {
    const reported = Date.parse(alert.reportedAt);
    const open = alert.status !== 'closed';
    if (open && alert.handler === null && now - reported > HOUR) found.add('undispatched > 1 h');
    if (open && now > Date.parse(alert.deadlineAt) + 2 * DAY)
      found.add('open > 2 days past the handling limit');
    if (alert.elementIssues.length > 0 && reported >= since) found.add('non-standard');
    if (alert.level === 'red' && reported >= since) found.add('red alert');
  }
  for (const scene of replica.of<SceneBody>('scene')) {
    const silentFor = now - Date.parse(scene.lastAlertAt ?? scene.commissionedAt);
    if (silentFor > DAY) found.add('scene silent > 1 day');
    if (silentFor > 3 * DAY) found.add('scene silent > 3 days');
    if (silentFor > 7 * DAY) found.add('scene silent > 7 days');
    if (scene.sync.rate !== null && scene.sync.rate < 0.9) found.add('sync rate < 90 %');
  }
  for (const device of replica.of<DeviceBody>('device')) {
    if (device.status === 'offline') found.add('device offline');
    if (device.infoError !== null) found.add('device info error');
  }
  return found;
}

const EVERY_CONDITION = [
  'undispatched > 1 h',
  'open > 2 days past the handling limit',
  'non-standard',
  'red alert',
  'scene silent > 1 day',
  'scene silent > 3 days',
  'scene silent > 7 days',
  'sync rate < 90 %',
  'device offline',
  'device info error',
];

let test: TestCentral;

beforeAll(async () => {
  test = await startTestCentral({ historyDays: 3, seed: 11 });
  await test.client.login();
});

afterAll(async () => {
  await test.close();
});

describe('driving the admin clock forward', () => {
  it('produces every condition the work-prompt rules need', async () => {
    const replica = new Replica();
    const initial = await test.client.pullAll();
    replica.apply(initial.changes);
    let cursor = initial.cursor;
    const start = Date.parse(
      (await test.client.request<{ serverTime: string }>('GET', '/api/v1/time')).body.serverTime,
    );
    const seen = new Set<string>();
    for (let day = 1; day <= 12 && seen.size < EVERY_CONDITION.length; day++) {
      const clock = await test.client.admin<{ serverTime: string }>('POST', 'clock', {
        advanceBySeconds: 86_400,
      });
      const pulled = await test.client.pullAll({ cursor });
      replica.apply(pulled.changes);
      cursor = pulled.cursor;
      for (const condition of conditionsAt(replica, Date.parse(clock.serverTime), start)) seen.add(condition);
    }
    expect([...seen].sort()).toEqual([...EVERY_CONDITION].sort());
  });

  it('pausing generation silences every scene; resuming brings alerts back', async () => {
    const { cursor } = await test.client.pullAll();
    await test.client.admin('POST', 'generation', { paused: true });
    await test.client.admin('POST', 'clock', { advanceBySeconds: 6 * 3600 });
    const paused = await test.client.pullAll({ cursor });
    expect(paused.changes.filter((change) => change.entity === 'alert')).toEqual([]);

    const state = await test.client.admin<{ generationPaused: boolean }>('POST', 'generation', {
      paused: false,
    });
    expect(state.generationPaused).toBe(false);
    await test.client.admin('POST', 'clock', { advanceBySeconds: 6 * 3600 });
    const resumed = await test.client.pullAll({ cursor: paused.cursor });
    const newAlerts = resumed.changes.filter(
      (change) => change.entity === 'alert' && (change.data as { status: string }).status === 'pending',
    );
    expect(newAlerts.length).toBeGreaterThan(0);
  });

  it('refuses to move the clock backwards', async () => {
    const response = await test.client.request<{ code: string }>('POST', '/api/v1/admin/clock', {
      body: { setTo: '2020-01-01T00:00:00Z' },
    });
    expect([response.status, response.body.code]).toEqual([409, 'CLOCK_BACKWARDS']);
  });
});
