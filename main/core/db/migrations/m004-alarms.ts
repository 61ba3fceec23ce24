import type { Migration } from '../migrate';

/**
 * What the alarm centre (main/core/alarms.ts) keeps: this workstation's own view of which red and orange alerts
 * still sound here. Nothing of it goes to the central platform: an alarm is acknowledged per workstation.
 *
 * 1. `alarm_state` (one row): when this workstation began watching (`watch_since`, server clock, ms), so that a
 *    cache full of old open alerts does not sound for all of them, and the mute (its end, who set it, when).
 *    `watch_since` stays NULL until the platform's clock is known: a machine clock that is off would move it.
 * 2. `alarm_ack`: the alerts someone on this workstation acknowledged (who, when).
 * 3. `alert_alarm_open`: the open red and orange alerts by report time, so the alarm query reads only the alerts
 *    reported since `watch_since`, newest first, from a partial index that the rest of the history never enters.
 *    `alert_red_open` leads with verified_at and cannot serve a range on reported_at; orange had no index at all.
 */
export const m004Alarms: Migration = {
  version: 4,
  name: 'alarms',
  up(db) {
    db.exec(`
      CREATE TABLE alarm_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        watch_since INTEGER,
        muted_until INTEGER,
        muted_by_id TEXT,
        muted_by TEXT,
        muted_at INTEGER
      );
      INSERT INTO alarm_state (id) VALUES (1);

      CREATE TABLE alarm_ack (
        alert_id TEXT PRIMARY KEY,
        acknowledged_at INTEGER NOT NULL,
        operator_id TEXT NOT NULL
      ) WITHOUT ROWID;

      -- closed_at is carried although it is always NULL here: SQLite treats a partial index's "IS NULL" terms as
      -- uncovered and would otherwise read every row to re-check it (see m002).
      CREATE INDEX alert_alarm_open ON alert (reported_at, id, level, closed_at)
        WHERE level IN ('red', 'orange') AND closed_at IS NULL;
    `);
  },
};
