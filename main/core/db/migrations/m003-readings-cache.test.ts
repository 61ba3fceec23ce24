import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { m001Initial } from './m001-initial';
import { m002RulesEngine } from './m002-rules-engine';
import { m003ReadingsCache } from './m003-readings-cache';

function v2Database(): Database.Database {
  const db = new Database(':memory:');
  migrate(db, [m001Initial, m002RulesEngine], 'memory');
  return db;
}

const plan = (db: Database.Database, sql: string, ...parameters: unknown[]): string =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[])
    .map((row) => row.detail)
    .join('\n');

describe('m003 readings-cache', () => {
  it('upgrades a version 2 cache, keeping its prompts, and finds them by subject through the new index', () => {
    const db = v2Database();
    db.prepare(
      `INSERT INTO local_prompt (id, rule, subject_entity, subject_id, episode, stage, state, recipient_role, reason,
                                 raised_at)
       VALUES ('p1', 'undispatched', 'alert', 'A1', 0, 0, 'raised', 'sceneOperator', '已 1 小时无处置人员', 1000)`,
    ).run();
    migrate(db, [m001Initial, m002RulesEngine, m003ReadingsCache], 'memory');
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    const bySubject = "SELECT id FROM local_prompt WHERE subject_entity = 'alert' AND subject_id = ?";
    expect(db.prepare(bySubject).all('A1')).toEqual([{ id: 'p1' }]);
    expect(plan(db, bySubject, 'A1')).toContain('USING INDEX local_prompt_subject');
  });

  it('keeps one series per alert, replaced on refetch, and prunes old ones by a range of its index', () => {
    const db = v2Database();
    migrate(db, [m001Initial, m002RulesEngine, m003ReadingsCache], 'memory');
    const upsert = db.prepare(
      `INSERT INTO readings_cache (alert_id, fetched_at, data) VALUES (?, ?, ?)
       ON CONFLICT (alert_id) DO UPDATE SET fetched_at = excluded.fetched_at, data = excluded.data`,
    );
    upsert.run('A1', 100, '{"v":1}');
    upsert.run('A1', 200, '{"v":2}');
    upsert.run('A2', 50, '{"v":3}');
    expect(
      db.prepare('SELECT alert_id, fetched_at, data FROM readings_cache ORDER BY alert_id').all(),
    ).toEqual([
      { alert_id: 'A1', fetched_at: 200, data: '{"v":2}' },
      { alert_id: 'A2', fetched_at: 50, data: '{"v":3}' },
    ]);
    const prune = 'DELETE FROM readings_cache WHERE fetched_at < ?';
    expect(plan(db, prune, 150)).toContain('USING INDEX readings_cache_fetched (fetched_at<?)');
    db.prepare(prune).run(150);
    expect(db.prepare('SELECT alert_id FROM readings_cache').all()).toEqual([{ alert_id: 'A1' }]);
  });
});
