import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { cacheMigrations } from './index';
import { m001Initial } from './m001-initial';

function v1Database(): Database.Database {
  const db = new Database(':memory:');
  migrate(db, [m001Initial], 'memory');
  return db;
}

const insertAlert = (db: Database.Database, id: string, closedAt: number | null): void => {
  db.prepare(
    `INSERT INTO alert (id, version, scene_id, category, level, status, occurred_at, reported_at, has_handler,
                        deadline_at, closed_at, loop, non_standard, data)
     VALUES (?, 1, 'S1', 'gasPipeline', 'yellow', 'pending', 0, 0, 0, 0, ?, 'enterprise', 0, '{}')`,
  ).run(id, closedAt);
};
const queued = (db: Database.Database): string[] =>
  db
    .prepare<[], { entity: string; id: string }>('SELECT entity, id FROM rule_dirty ORDER BY entity, id')
    .all()
    .map((row) => `${row.entity}:${row.id}`);

describe('m002 rules-engine', () => {
  it('keeps the prompts of a version 1 cache, with episode 0 and their lifecycle columns empty', () => {
    const db = v1Database();
    db.prepare(
      `INSERT INTO local_prompt (id, rule, subject_entity, subject_id, stage, state, recipient_role, reason, raised_at,
                                 due_at, data_as_of, detail)
       VALUES ('p1', 'undispatched', 'alert', 'A1', 0, 'raised', 'sceneOperator', '已 1 小时 1 分无处置人员', 1000,
               4600, 900, '{"k":1}')`,
    ).run();
    migrate(db, cacheMigrations, 'memory');
    expect(db.pragma('user_version', { simple: true })).toBe(cacheMigrations.length);
    expect(db.prepare("SELECT * FROM local_prompt WHERE id = 'p1'").get()).toMatchObject({
      rule: 'undispatched',
      episode: 0,
      stage: 0,
      state: 'raised',
      reason: '已 1 小时 1 分无处置人员',
      raised_at: 1000,
      due_at: 4600,
      data_as_of: 900,
      updated_at: 1000,
      detail: '{"k":1}',
      issued_at: null,
      resolution: null,
    });
  });

  it('allows one prompt per rule, subject, episode and stage, and one open prompt per rule and subject', () => {
    const db = new Database(':memory:');
    migrate(db, cacheMigrations, 'memory');
    const insert = db.prepare(
      `INSERT INTO local_prompt (id, rule, subject_entity, subject_id, episode, stage, state, recipient_role, reason,
                                 raised_at)
       VALUES (?, 'device-offline', 'device', 'D1', ?, 0, ?, 'sceneOperator', '离线', 0)`,
    );
    insert.run('p1', 100, 'resolved');
    // The same device offline again later: a new episode, a new prompt.
    insert.run('p2', 200, 'raised');
    expect(() => insert.run('p3', 200, 'resolved')).toThrow(/UNIQUE/);
    expect(() => insert.run('p4', 300, 'raised')).toThrow(/UNIQUE/);
    expect(() => insert.run('p5', 400, 'snoozed')).toThrow(/CHECK/);
  });

  it('queues changed open alerts, devices and scenes for the document checks, never closed alerts', () => {
    const db = new Database(':memory:');
    migrate(db, cacheMigrations, 'memory');
    insertAlert(db, 'A-open', null);
    insertAlert(db, 'A-closed', 5);
    db.prepare(
      `INSERT INTO device (id, version, scene_id, status, info_error, data) VALUES ('D1', 1, 'S1', 'online', 0, '{}')`,
    ).run();
    db.prepare(
      `INSERT INTO scene (id, version, name, kind, category, data) VALUES ('S1', 1, 'x', 'scene', 'bridge', '{}')`,
    ).run();
    expect(queued(db)).toEqual(['alert:A-open', 'device:D1', 'scene:S1']);

    db.exec('DELETE FROM rule_dirty');
    db.prepare("UPDATE alert SET closed_at = 9 WHERE id = 'A-open'").run();
    db.prepare("UPDATE alert SET version = 2 WHERE id = 'A-closed'").run();
    expect(queued(db)).toEqual(['alert:A-open']);

    db.exec('DELETE FROM rule_dirty');
    db.prepare("DELETE FROM alert WHERE id = 'A-closed'").run();
    db.prepare("DELETE FROM device WHERE id = 'D1'").run();
    expect(queued(db)).toEqual(['device:D1']);
  });

  it('widens the open-alert indexes under their m001 names', () => {
    const db = new Database(':memory:');
    migrate(db, cacheMigrations, 'memory');
    const columns = (index: string): string[] =>
      db
        .prepare<[], { name: string }>(`PRAGMA index_info(${index})`)
        .all()
        .map((row) => row.name);
    expect(columns('alert_undispatched')).toEqual(['reported_at', 'id', 'closed_at']);
    expect(columns('alert_open_deadline')).toEqual(['deadline_at', 'id', 'closed_at']);
    expect(columns('device_offline')).toEqual(['offline_since', 'id']);
    expect(columns('local_prompt_active')).toEqual(['state', 'due_at']);
  });
});
