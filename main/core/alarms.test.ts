import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALARM_LIST_LIMIT, ALARM_QUERIES, AlarmCentre, MAX_MUTE_MS } from './alarms';
import { BridgeFailure } from './bridge/dispatcher';
import { createManualClock, type Clock } from './clock';
import { openTestCache, upsertAlert, upsertScene, type TestCache } from './rules/test-cache';

const T0 = Date.UTC(2025, 6, 12, 6, 0, 0);
const MINUTE = 60_000;
const operator = { id: 'op-zhangmin', name: '张敏' };

let cache: TestCache;
let db: Database.Database;
let clock: ReturnType<typeof createManualClock>;

beforeEach(() => {
  cache = openTestCache('dutydesk-alarms-');
  db = cache.db;
  clock = createManualClock(T0);
  upsertScene(db, { id: 'S1', name: '张江燃气管网' });
});
afterEach(() => cache.remove());

const ids = (centre: AlarmCentre): string[] => centre.state().active.map((alarm) => alarm.alertId);
const audits = (): { action: string; operator_id: string | null; subject: string | null; detail: string }[] =>
  db.prepare('SELECT action, operator_id, subject, detail FROM audit ORDER BY id').all() as {
    action: string;
    operator_id: string | null;
    subject: string | null;
    detail: string;
  }[];
const refusal = (run: () => unknown): BridgeFailure => {
  try {
    run();
  } catch (error) {
    if (error instanceof BridgeFailure) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('AlarmCentre: which alerts sound', () => {
  it('sounds only for open red and orange alerts reported after the workstation began watching', () => {
    // Thousands of old open alerts in the cache before the first watch: none of them sounds.
    for (let index = 0; index < 2000; index += 1) {
      upsertAlert(db, {
        id: `OLD-${index}`,
        level: index % 2 ? 'red' : 'orange',
        reportedAt: T0 - (index + 1) * MINUTE,
      });
    }
    const centre = new AlarmCentre(db, clock);
    expect(centre.state()).toEqual({ active: [], total: 0, mutedUntil: null, mutedBy: null });
    expect(db.prepare('SELECT watch_since FROM alarm_state').get()).toEqual({ watch_since: T0 });

    clock.advance(MINUTE);
    upsertAlert(db, { id: 'RED-1', level: 'red', reportedAt: T0 + 30_000 });
    upsertAlert(db, { id: 'ORANGE-1', level: 'orange', reportedAt: T0 + 40_000 });
    upsertAlert(db, { id: 'YELLOW-1', level: 'yellow', reportedAt: T0 + 40_000 });
    upsertAlert(db, { id: 'RED-CLOSED', level: 'red', reportedAt: T0 + 50_000, closedAt: T0 + 55_000 });
    const state = centre.state();
    expect(state.total).toBe(2);
    expect(state.active).toEqual([
      {
        alertId: 'ORANGE-1',
        level: 'orange',
        title: '甲烷浓度超过黄色预警阈值',
        sceneName: '张江燃气管网',
        reportedAt: new Date(T0 + 40_000).toISOString(),
      },
      expect.objectContaining({ alertId: 'RED-1', level: 'red' }),
    ]);

    // Closing an alert silences it.
    upsertAlert(db, { id: 'RED-1', level: 'red', reportedAt: T0 + 30_000, closedAt: T0 + 2 * MINUTE });
    expect(ids(centre)).toEqual(['ORANGE-1']);
  });

  it('keeps its watermark across restarts, and does not start watching before the platform clock is known', () => {
    let synchronised = false;
    const unsynchronised: Clock = { now: () => T0 - 3_600_000, isSynchronised: () => synchronised };
    upsertAlert(db, { id: 'RED-EARLY', level: 'red', reportedAt: T0 - 120 * MINUTE });
    const centre = new AlarmCentre(db, unsynchronised);
    expect(centre.state().total).toBe(0);
    expect(db.prepare('SELECT watch_since FROM alarm_state').get()).toEqual({ watch_since: null });

    synchronised = true;
    centre.state();
    expect(db.prepare('SELECT watch_since FROM alarm_state').get()).toEqual({ watch_since: T0 - 3_600_000 });

    upsertAlert(db, { id: 'RED-LATER', level: 'red', reportedAt: T0 });
    db = cache.reopen();
    const restarted = new AlarmCentre(db, createManualClock(T0 + 3_600_000));
    // The watermark of the first watch holds: what came while the workstation was closed sounds, older does not.
    expect(ids(restarted)).toEqual(['RED-LATER']);
  });

  it('lists the newest alarms first, at most ALARM_LIST_LIMIT of them, with the total', () => {
    const centre = new AlarmCentre(db, clock);
    centre.state();
    const count = ALARM_LIST_LIMIT + 25;
    for (let index = 0; index < count; index += 1) {
      upsertAlert(db, {
        id: `R-${String(index).padStart(3, '0')}`,
        level: 'red',
        reportedAt: T0 + index * 1000,
      });
    }
    const state = centre.state();
    expect(state.total).toBe(count);
    expect(state.active).toHaveLength(ALARM_LIST_LIMIT);
    expect(state.active[0]?.alertId).toBe(`R-0${count - 1}`);
    expect(state.active.at(-1)?.alertId).toBe(`R-0${count - ALARM_LIST_LIMIT}`);
  });

  it('reads the alarms and their count through the partial index, never the whole alert table', () => {
    const plan = (sql: string, parameters: object): string =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(parameters) as { detail: string }[])
        .map((row) => row.detail)
        .join('\n');
    const listPlan = plan(ALARM_QUERIES.list, { since: T0, limit: 50 });
    expect(listPlan).toMatch(/SEARCH a USING (COVERING )?INDEX alert_alarm_open \(reported_at>\?\)/);
    expect(listPlan).not.toMatch(/SCAN a\b/);
    expect(listPlan).not.toContain('TEMP B-TREE');
    expect(listPlan).toContain('SEARCH k USING PRIMARY KEY (alert_id=?)');
    const countPlan = plan(ALARM_QUERIES.count, { since: T0 });
    expect(countPlan).toMatch(/SEARCH a USING COVERING INDEX alert_alarm_open \(reported_at>\?\)/);
  });
});

describe('AlarmCentre: acknowledgement', () => {
  it('silences acknowledged alerts on this workstation for good, audited with the operator', () => {
    const centre = new AlarmCentre(db, clock);
    centre.state();
    upsertAlert(db, { id: 'RED-1', level: 'red', reportedAt: T0 + 1000 });
    upsertAlert(db, { id: 'RED-2', level: 'red', reportedAt: T0 + 2000 });
    clock.advance(MINUTE);
    const after = centre.acknowledge(['RED-1', 'RED-1'], operator);
    expect(after.active.map((alarm) => alarm.alertId)).toEqual(['RED-2']);
    expect(after.total).toBe(1);
    // A later change of the alert (a new version from the feed) does not make it sound again.
    upsertAlert(db, { id: 'RED-1', level: 'red', reportedAt: T0 + 1000, version: 2, handler: true });
    expect(ids(centre)).toEqual(['RED-2']);
    // Acknowledging again changes nothing and is not audited twice.
    centre.acknowledge(['RED-1'], operator);
    expect(audits()).toEqual([
      {
        action: 'alarm.acknowledged',
        operator_id: 'op-zhangmin',
        subject: 'alert:RED-1',
        detail: JSON.stringify({ operatorName: '张敏' }),
      },
    ]);
    expect(db.prepare('SELECT * FROM alarm_ack').all()).toEqual([
      { alert_id: 'RED-1', acknowledged_at: T0 + MINUTE, operator_id: 'op-zhangmin' },
    ]);
  });

  it('refuses unknown alert ids, naming the field, and acknowledges none of the batch', () => {
    const centre = new AlarmCentre(db, clock);
    centre.state();
    upsertAlert(db, { id: 'RED-1', level: 'red', reportedAt: T0 + 1000 });
    const failure = refusal(() => centre.acknowledge(['RED-1', 'NOPE'], operator));
    expect(failure.code).toBe('ACTION_REFUSED');
    expect(failure.message).toMatch(/^alertIds: .*NOPE/);
    expect(ids(centre)).toEqual(['RED-1']);
    expect(audits()).toEqual([]);
  });
});

describe('AlarmCentre: mute', () => {
  it('mutes until a future instant, shows who muted, and ends by itself when the time passes', () => {
    const centre = new AlarmCentre(db, clock);
    centre.state();
    upsertAlert(db, { id: 'RED-1', level: 'red', reportedAt: T0 + 1000 });
    const until = new Date(T0 + 15 * MINUTE).toISOString();
    const muted = centre.setMute(until, operator);
    // Still listed while muted: only the sound stops.
    expect(muted).toMatchObject({ mutedUntil: until, mutedBy: '张敏', total: 1 });

    clock.advance(15 * MINUTE - 1);
    expect(centre.state().mutedUntil).toBe(until);
    clock.advance(1);
    expect(centre.state()).toMatchObject({ mutedUntil: null, mutedBy: null, total: 1 });
    expect(audits()).toEqual([
      {
        action: 'alarm.muted',
        operator_id: 'op-zhangmin',
        subject: null,
        detail: JSON.stringify({ until, operatorName: '张敏' }),
      },
    ]);
  });

  it('unmutes with null, audited', () => {
    const centre = new AlarmCentre(db, clock);
    centre.setMute(new Date(T0 + 30 * MINUTE).toISOString(), operator);
    expect(centre.setMute(null, { id: 'op-liqiang', name: '李强' })).toMatchObject({
      mutedUntil: null,
      mutedBy: null,
    });
    expect(audits().map((row) => [row.action, row.operator_id])).toEqual([
      ['alarm.muted', 'op-zhangmin'],
      ['alarm.unmuted', 'op-liqiang'],
    ]);
  });

  it('refuses an end in the past or beyond one shift, naming the field, and keeps the mute as it was', () => {
    const centre = new AlarmCentre(db, clock);
    const past = refusal(() => centre.setMute(new Date(T0 - 1).toISOString(), operator));
    expect(past.code).toBe('ACTION_REFUSED');
    expect(past.message).toMatch(/^until: must lie in the future/);
    expect(refusal(() => centre.setMute(new Date(T0).toISOString(), operator)).message).toMatch(/^until:/);
    const tooLong = refusal(() => centre.setMute(new Date(T0 + MAX_MUTE_MS + 1).toISOString(), operator));
    expect(tooLong.message).toMatch(/^until: a mute may last at most 12 hours/);
    expect(centre.state().mutedUntil).toBeNull();
    expect(audits()).toEqual([]);
  });
});

describe('AlarmCentre.changedState', () => {
  it('returns the state only when it changed, an expired mute included', () => {
    const centre = new AlarmCentre(db, clock);
    expect(centre.changedState()).not.toBeNull();
    expect(centre.changedState()).toBeNull();
    upsertAlert(db, { id: 'RED-1', level: 'red', reportedAt: T0 + 1000 });
    expect(centre.changedState()?.total).toBe(1);
    expect(centre.changedState()).toBeNull();
    centre.setMute(new Date(T0 + MINUTE).toISOString(), operator);
    expect(centre.changedState()?.mutedUntil).not.toBeNull();
    clock.advance(MINUTE);
    expect(centre.changedState()?.mutedUntil).toBeNull();
  });
});
