/**
 * The alarm centre: which alerts sound on this workstation, their acknowledgement and the mute.
 *
 * An alarm is an open red or orange alert, reported after this workstation began watching, that nobody on this
 * workstation has acknowledged. The watermark (`alarm_state.watch_since`, migration m004) is taken from the
 * platform's clock the first time it is known, so a workstation that starts on a cache of thousands of old open
 * alerts (or syncs them in its initial sync) sounds only for what arrives from then on; the red queue still lists
 * the old ones. Acknowledgements and the mute are this workstation's own, kept in the cache and audited with the
 * signed-in operator; the mute ends by itself when its time passes, without anyone acting.
 */
import type Database from 'better-sqlite3';
import type { Alarm, AlarmState } from '../../preload/contract';
import { BridgeFailure } from './bridge/dispatcher';
import type { Clock } from './clock';

/** How many alarms are listed (newest first); `total` says how many sound in all. */
export const ALARM_LIST_LIMIT = 50;
/** The longest mute: one shift. A duty room must not be silenced for days by a slip of the keyboard. */
export const MAX_MUTE_MS = 12 * 3_600_000;

export interface AlarmOperator {
  id: string;
  name: string;
}

interface AlarmRow {
  id: string;
  level: 'red' | 'orange';
  reported_at: number;
  title: string;
  scene_name: string | null;
}

interface StateRow {
  watch_since: number | null;
  muted_until: number | null;
  muted_by: string | null;
}

// The level and closed_at terms repeat the partial index's WHERE word for word, which is what lets SQLite use it.
const SOUNDING = `a.level IN ('red', 'orange') AND a.closed_at IS NULL AND a.reported_at >= @since
  AND NOT EXISTS (SELECT 1 FROM alarm_ack k WHERE k.alert_id = a.id)`;

export const ALARM_QUERIES = {
  list: `SELECT a.id AS id, a.level AS level, a.reported_at AS reported_at,
      coalesce(json_extract(a.data, '$.title'), a.category) AS title, s.name AS scene_name
    FROM alert a LEFT JOIN scene s ON s.id = a.scene_id
    WHERE ${SOUNDING}
    ORDER BY a.reported_at DESC, a.id DESC
    LIMIT @limit`,
  count: `SELECT count(*) AS total FROM alert a WHERE ${SOUNDING}`,
} as const;

const toIso = (ms: number): string => new Date(ms).toISOString();

export class AlarmCentre {
  readonly #db: Database.Database;
  readonly #clock: Clock;
  readonly #statements;
  /** The last state handed to `changedState`, as a comparable key. */
  #lastKey: string | null = null;

  constructor(db: Database.Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
    this.#statements = {
      state: db.prepare<[], StateRow>(
        'SELECT watch_since, muted_until, muted_by FROM alarm_state WHERE id = 1',
      ),
      startWatching: db.prepare<[number]>(
        'UPDATE alarm_state SET watch_since = ? WHERE id = 1 AND watch_since IS NULL',
      ),
      list: db.prepare<{ since: number; limit: number }, AlarmRow>(ALARM_QUERIES.list),
      count: db.prepare<{ since: number }, { total: number }>(ALARM_QUERIES.count),
      alertLevel: db.prepare<[string], { level: string }>('SELECT level FROM alert WHERE id = ?'),
      acknowledge: db.prepare<[string, number, string]>(
        'INSERT INTO alarm_ack (alert_id, acknowledged_at, operator_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      mute: db.prepare<[number | null, string | null, string | null, number]>(
        'UPDATE alarm_state SET muted_until = ?, muted_by_id = ?, muted_by = ?, muted_at = ? WHERE id = 1',
      ),
      audit: db.prepare<[number, string, string, string | null, string]>(
        'INSERT INTO audit (at, operator_id, action, subject, detail) VALUES (?, ?, ?, ?, ?)',
      ),
    };
  }

  /** The alarms sounding now and the mute in force. Starts watching once the platform's clock is known. */
  state(): AlarmState {
    const row = this.#watchState();
    const now = this.#clock.now();
    const muted = row.muted_until !== null && row.muted_until > now;
    const mute = {
      mutedUntil: muted ? toIso(row.muted_until as number) : null,
      mutedBy: muted ? row.muted_by : null,
    };
    if (row.watch_since === null) return { active: [], total: 0, ...mute };
    const since = row.watch_since;
    const active = this.#statements.list.all({ since, limit: ALARM_LIST_LIMIT }).map(toAlarm);
    const total =
      active.length < ALARM_LIST_LIMIT ? active.length : (this.#statements.count.get({ since })?.total ?? 0);
    return { active, total, ...mute };
  }

  /**
   * The state when it differs from the one this method returned last (null when nothing changed), so that
   * the core tells the windows only about real changes however often pages commit. An expired mute is a change.
   */
  changedState(): AlarmState | null {
    const state = this.state();
    const key = JSON.stringify(state);
    if (key === this.#lastKey) return null;
    this.#lastKey = key;
    return state;
  }

  /** Silences the given alerts on this workstation, for good. Unknown ids are refused, naming the field. */
  acknowledge(alertIds: readonly string[], operator: AlarmOperator): AlarmState {
    const now = this.#clock.now();
    this.#db
      .transaction(() => {
        const unknown = alertIds.filter((id) => this.#statements.alertLevel.get(id) === undefined);
        if (unknown.length > 0) {
          throw new BridgeFailure(
            'ACTION_REFUSED',
            `alertIds: no such alert: ${unknown.slice(0, 5).join(', ')}`,
          );
        }
        for (const alertId of new Set(alertIds)) {
          if (this.#statements.acknowledge.run(alertId, now, operator.id).changes === 0) continue;
          this.#statements.audit.run(
            now,
            operator.id,
            'alarm.acknowledged',
            `alert:${alertId}`,
            JSON.stringify({ operatorName: operator.name }),
          );
        }
      })
      .immediate();
    return this.state();
  }

  /**
   * Mutes every alarm until `until` (ISO, platform clock), or unmutes with null. The end must lie in the future
   * and at most MAX_MUTE_MS ahead; anything else is refused, naming the field.
   */
  setMute(until: string | null, operator: AlarmOperator): AlarmState {
    const now = this.#clock.now();
    let untilMs: number | null = null;
    if (until !== null) {
      untilMs = Date.parse(until);
      if (!Number.isFinite(untilMs)) throw new BridgeFailure('ACTION_REFUSED', 'until: not a valid instant');
      if (untilMs <= now) {
        throw new BridgeFailure(
          'ACTION_REFUSED',
          `until: must lie in the future (platform time now ${toIso(now)}, asked ${toIso(untilMs)})`,
        );
      }
      if (untilMs - now > MAX_MUTE_MS) {
        throw new BridgeFailure(
          'ACTION_REFUSED',
          `until: a mute may last at most ${MAX_MUTE_MS / 3_600_000} hours`,
        );
      }
    }
    this.#db
      .transaction(() => {
        this.#statements.mute.run(
          untilMs,
          untilMs === null ? null : operator.id,
          untilMs === null ? null : operator.name,
          now,
        );
        this.#statements.audit.run(
          now,
          operator.id,
          untilMs === null ? 'alarm.unmuted' : 'alarm.muted',
          null,
          JSON.stringify({ until: untilMs === null ? null : toIso(untilMs), operatorName: operator.name }),
        );
      })
      .immediate();
    return this.state();
  }

  #watchState(): StateRow {
    const row = this.#statements.state.get();
    if (!row) throw new Error('alarm_state has no row: the cache was not migrated to version 4');
    if (row.watch_since === null && this.#clock.isSynchronised()) {
      const since = this.#clock.now();
      this.#statements.startWatching.run(since);
      return { ...row, watch_since: since };
    }
    return row;
  }
}

function toAlarm(row: AlarmRow): Alarm {
  return {
    alertId: row.id,
    level: row.level,
    title: row.title,
    sceneName: row.scene_name,
    reportedAt: toIso(row.reported_at),
  };
}
