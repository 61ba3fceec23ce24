import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { cacheMigrations } from './index';
import { m004Alarms } from './m004-alarms';

const beforeAlarms = cacheMigrations.filter((migration) => migration.version < m004Alarms.version);

const insertAlert = (db: Database.Database, id: string, level: string, closedAt: number | null): void => {
  db.prepare(
    `INSERT INTO alert (id, version, scene_id, category, level, status, occurred_at, reported_at, has_handler,
                        deadline_at, closed_at, loop, non_standard, data)
     VALUES (?, 1, 'S1', 'gasPipeline', ?, 'pending', 0, 1000, 0, 0, ?, 'enterprise', 0, '{}')`,
  ).run(id, level, closedAt);
};

describe('m004 alarms', () => {
  it('upgrades a version 3 cache: its alerts stay, nothing is watched or muted yet', () => {
    const db = new Database(':memory:');
    migrate(db, beforeAlarms, 'memory');
    insertAlert(db, 'A-red', 'red', null);
    migrate(
      db,
      cacheMigrations.filter((migration) => migration.version <= m004Alarms.version),
      'memory',
    );
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(db.prepare('SELECT id FROM alert').all()).toEqual([{ id: 'A-red' }]);
    expect(db.prepare('SELECT * FROM alarm_state').all()).toEqual([
      { id: 1, watch_since: null, muted_until: null, muted_by_id: null, muted_by: null, muted_at: null },
    ]);
    expect(() => db.prepare('INSERT INTO alarm_state (id) VALUES (2)').run()).toThrow(/CHECK/);
  });

  it('indexes only open red and orange alerts, and keeps one acknowledgement per alert', () => {
    const db = new Database(':memory:');
    migrate(db, cacheMigrations, 'memory');
    insertAlert(db, 'A-red', 'red', null);
    insertAlert(db, 'A-orange', 'orange', null);
    insertAlert(db, 'A-yellow', 'yellow', null);
    insertAlert(db, 'A-red-closed', 'red', 5000);
    const indexed = db
      .prepare(
        "SELECT id FROM alert INDEXED BY alert_alarm_open WHERE level IN ('red', 'orange') AND closed_at IS NULL AND reported_at >= 0 ORDER BY id",
      )
      .all();
    expect(indexed).toEqual([{ id: 'A-orange' }, { id: 'A-red' }]);
    const ack = db.prepare('INSERT INTO alarm_ack (alert_id, acknowledged_at, operator_id) VALUES (?, ?, ?)');
    ack.run('A-red', 1, 'op-1');
    expect(() => ack.run('A-red', 2, 'op-2')).toThrow(/UNIQUE|PRIMARY KEY/);
  });
});
