import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedRulesConfig } from './config';
import { HOT_CONDITION_SQL, stageReached } from './conditions';
import { REQUEUE_ALL_SQL } from './findings';
import { HOT_PROMPT_SQL } from './prompt-store';
import { openTestCache, upsertAlert, upsertDevice, upsertScene, type TestCache } from './test-cache';

const HOUR = 3_600_000;

describe('stageReached', () => {
  const stages = shippedRulesConfig().rules['scene-silent'].stages;
  it.each([
    [23 * HOUR + 59 * 60_000, -1],
    [24 * HOUR, -1],
    [24 * HOUR + 60_000, 0],
    [72 * HOUR, 0],
    [72 * HOUR + 1, 1],
    [168 * HOUR + 60_000, 2],
  ])('after %i ms of silence: stage %i', (elapsed, stage) => {
    expect(stageReached(stages, elapsed)).toBe(stage);
  });

  it('a threshold of 0 holds at once, even against a clock a little behind', () => {
    expect(stageReached([{ afterHours: 0, recipient: 'techOps', dueHours: null }], -5_000)).toBe(0);
  });
});

/**
 * Every query a tick runs must be answered from an index that holds only open items (or from a small table):
 * scanning the alert table was measured at 317 ms for a million rows, against about 1 ms for an indexed triage.
 */
describe('query plans of the hot queries', () => {
  let cache: TestCache;
  beforeAll(() => {
    cache = openTestCache();
    const insert = cache.db.transaction(() => {
      for (let i = 0; i < 3000; i += 1) {
        const reportedAt = 1_790_000_000_000 + i * 60_000;
        upsertAlert(cache.db, {
          id: `A${i}`,
          sceneId: `S${i % 20}`,
          reportedAt,
          level: i % 97 === 0 ? 'red' : 'yellow',
          handler: i % 3 !== 0,
          closedAt: i % 50 === 0 ? null : reportedAt + HOUR,
        });
      }
      for (let i = 0; i < 20; i += 1) upsertScene(cache.db, { id: `S${i}` });
      for (let i = 0; i < 500; i += 1) {
        upsertDevice(cache.db, {
          id: `D${i}`,
          status: i % 40 === 0 ? 'offline' : 'online',
          offlineSince: i % 40 === 0 ? 1 : null,
        });
      }
    });
    insert();
  });
  afterAll(() => {
    cache.remove();
  });

  const plan = (sql: string): string[] => {
    const parameters = (sql.match(/\?/g) ?? []).map(() => 1);
    return cache.db
      .prepare<number[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...parameters)
      .map((row) => row.detail);
  };

  /** The big tables: a step that reads one of them without an index is a full scan. */
  const BIG_TABLES =
    /^(SCAN|SEARCH) (alert|device|local_prompt|work_order|timeline_entry|audit)\b(?!.* USING (COVERING )?INDEX )/;

  const expectations: [string, string, RegExp][] = [
    [
      'undispatched',
      HOT_CONDITION_SQL.undispatched,
      /SEARCH alert USING COVERING INDEX alert_undispatched \(reported_at<\?\)/,
    ],
    [
      'overdueClosure',
      HOT_CONDITION_SQL.overdueClosure,
      /SEARCH alert USING COVERING INDEX alert_open_deadline \(deadline_at<\?\)/,
    ],
    [
      'deviceOffline',
      HOT_CONDITION_SQL.deviceOffline,
      /SEARCH device USING COVERING INDEX device_offline \(offline_since<\?\)/,
    ],
    ['redAlerts', HOT_CONDITION_SQL.redAlerts, /SCAN alert USING INDEX alert_red_open$/],
    [
      'silence',
      HOT_CONDITION_SQL.silence,
      /SEARCH alert USING COVERING INDEX alert_scene_reported \(scene_id=\?\)/,
    ],
    ['findings', HOT_CONDITION_SQL.findings, /SEARCH rule_finding USING PRIMARY KEY \(rule=\?\)/],
    [
      'openForRule',
      HOT_PROMPT_SQL.openForRule,
      /SEARCH local_prompt USING COVERING INDEX local_prompt_open_by_rule \(rule=\?\)/,
    ],
    [
      'exists',
      HOT_PROMPT_SQL.exists,
      /SEARCH local_prompt USING COVERING INDEX sqlite_autoindex_local_prompt_\d/,
    ],
    ['snoozesEnded', HOT_PROMPT_SQL.snoozesEnded, /SEARCH local_prompt USING INDEX local_prompt_snoozed/],
    [
      'openCounts',
      HOT_PROMPT_SQL.openCounts,
      /SCAN local_prompt USING COVERING INDEX local_prompt_open_by_rule/,
    ],
    [
      'requeue open alerts',
      REQUEUE_ALL_SQL.openAlerts,
      /SCAN alert USING COVERING INDEX alert_open_deadline/,
    ],
  ];

  for (const analyzed of [false, true]) {
    describe(analyzed ? 'after ANALYZE' : 'without statistics', () => {
      beforeAll(() => {
        if (analyzed) cache.db.exec('ANALYZE');
      });
      it.each(expectations)('%s uses its index and scans no big table', (_name, sql, expected) => {
        const steps = plan(sql);
        expect(
          steps.some((step) => expected.test(step)),
          steps.join(' | '),
        ).toBe(true);
        expect(steps.filter((step) => BIG_TABLES.test(step))).toEqual([]);
      });
    });
  }
});
