/**
 * Keeps `rule_finding` up to date for the rules judged from a document's contents (non-standard elements, device
 * info errors, risk-map anomalies, sync figures). Triggers (migration m002) queue every changed open alert,
 * device and scene in `rule_dirty`; each tick re-checks only those, so the cost follows the sync's changes, not
 * the size of the cache. When the configuration these checks depend on changes, everything is queued once.
 */
import type Database from 'better-sqlite3';
import type { RulesConfig } from './config';
import {
  createElementChecker,
  deviceInfoProblem,
  deviceLocationProblem,
  sceneSyncProblem,
  type ElementChecker,
} from './document-checks';

export type FindingRuleId = 'non-standard' | 'device-info-error' | 'risk-map-anomaly' | 'sync-rate-low';
export const FINDING_RULE_IDS: readonly FindingRuleId[] = [
  'non-standard',
  'device-info-error',
  'risk-map-anomaly',
  'sync-rate-low',
];

/** Queues every document the checks read; run once when their configuration changes. Open alerts only, by index. */
export const REQUEUE_ALL_SQL = {
  openAlerts:
    "INSERT OR IGNORE INTO rule_dirty (entity, id) SELECT 'alert', id FROM alert WHERE closed_at IS NULL",
  devices: "INSERT OR IGNORE INTO rule_dirty (entity, id) SELECT 'device', id FROM device",
  scenes: "INSERT OR IGNORE INTO rule_dirty (entity, id) SELECT 'scene', id FROM scene",
  // Whatever a finding stands on, in case its subject left the tables above without being re-checked.
  findings: `INSERT OR IGNORE INTO rule_dirty (entity, id)
               SELECT CASE rule WHEN 'non-standard' THEN 'alert' WHEN 'sync-rate-low' THEN 'scene' ELSE 'device' END,
                      subject_id
                 FROM rule_finding`,
} as const;

const FINGERPRINT_KEY = 'findings.configFingerprint';

export interface FindingsProcessor {
  /**
   * Re-checks up to `limit` queued documents, or fewer once `enough()` says so (after one at least); the rest wait
   * for the next tick. Returns how many were checked and whether any remain. Call inside the tick's transaction.
   */
  drain(nowMs: number, limit: number, enough?: () => boolean): { checked: number; remaining: boolean };
}

interface AlertRow {
  category: string;
  reported_at: number;
  closed_at: number | null;
  data: string;
}
interface DeviceRow {
  data: string;
}
interface SceneRow {
  sync_rate: number | null;
  data: string;
}

function parseDocument(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function createFindingsProcessor(
  db: Database.Database,
  config: RulesConfig,
  warn: (message: string) => void,
): FindingsProcessor {
  const rules = config.rules;
  const enabled = (rule: FindingRuleId): boolean => rules[rule].enabled;
  const elementChecker: ElementChecker = createElementChecker(rules['non-standard']);

  const statements = {
    queued: db.prepare<[number], { entity: string; id: string }>('SELECT entity, id FROM rule_dirty LIMIT ?'),
    dequeue: db.prepare<[string, string]>('DELETE FROM rule_dirty WHERE entity = ? AND id = ?'),
    alert: db.prepare<[string], AlertRow>(
      'SELECT category, reported_at, closed_at, data FROM alert WHERE id = ?',
    ),
    device: db.prepare<[string], DeviceRow>('SELECT data FROM device WHERE id = ?'),
    scene: db.prepare<[string], SceneRow>('SELECT sync_rate, data FROM scene WHERE id = ?'),
    // The onset is when the condition began: kept while the finding stands, so the episode does not move.
    upsertKeepingOnset: db.prepare<[string, string, number, string]>(
      `INSERT INTO rule_finding (rule, subject_id, onset, detail) VALUES (?, ?, ?, ?)
       ON CONFLICT (rule, subject_id) DO UPDATE SET detail = excluded.detail`,
    ),
    // ... unless the document itself dates it (a device's info error has its own detectedAt).
    upsertWithOnset: db.prepare<[string, string, number, string]>(
      `INSERT INTO rule_finding (rule, subject_id, onset, detail) VALUES (?, ?, ?, ?)
       ON CONFLICT (rule, subject_id) DO UPDATE SET onset = excluded.onset, detail = excluded.detail`,
    ),
    clear: db.prepare<[string, string]>('DELETE FROM rule_finding WHERE rule = ? AND subject_id = ?'),
    readState: db.prepare<[string], { value: string }>('SELECT value FROM rule_engine_state WHERE key = ?'),
    writeState: db.prepare<[string, string]>(
      'INSERT INTO rule_engine_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
  };

  const record = (
    rule: FindingRuleId,
    id: string,
    found: object | null,
    onset: number,
    dated: boolean,
  ): void => {
    if (found === null || !enabled(rule)) statements.clear.run(rule, id);
    else
      (dated ? statements.upsertWithOnset : statements.upsertKeepingOnset).run(
        rule,
        id,
        onset,
        JSON.stringify(found),
      );
  };

  const checkAlert = (id: string): void => {
    const row = statements.alert.get(id);
    if (!row || row.closed_at !== null) {
      statements.clear.run('non-standard', id);
      return;
    }
    const document = parseDocument(row.data);
    if (document === undefined) {
      warn(`rules: alert ${id} has an unreadable document; its elements were not checked`);
      return;
    }
    const problems = elementChecker.check(row.category, document);
    record('non-standard', id, problems.length > 0 ? { problems } : null, row.reported_at, true);
  };

  const checkDevice = (id: string, nowMs: number): void => {
    const row = statements.device.get(id);
    if (!row) {
      statements.clear.run('device-info-error', id);
      statements.clear.run('risk-map-anomaly', id);
      return;
    }
    const document = parseDocument(row.data);
    if (document === undefined) {
      warn(`rules: device ${id} has an unreadable document; it was not checked`);
      return;
    }
    const info = deviceInfoProblem(document);
    const detectedAt = info === null ? null : info.detectedAt;
    record('device-info-error', id, info, detectedAt ?? nowMs, detectedAt !== null);
    record(
      'risk-map-anomaly',
      id,
      deviceLocationProblem(document, rules['risk-map-anomaly'].bounds),
      nowMs,
      false,
    );
  };

  const checkScene = (id: string, nowMs: number): void => {
    const row = statements.scene.get(id);
    if (!row) {
      statements.clear.run('sync-rate-low', id);
      return;
    }
    const problem = sceneSyncProblem(row.sync_rate, parseDocument(row.data), rules['sync-rate-low']);
    record('sync-rate-low', id, problem, nowMs, false);
  };

  // The checks depend on these parts of the configuration: when a site changes them, re-check everything once.
  // The findings already recorded stay until each document is re-checked (which may take several ticks): clearing
  // them first would let the next tick close their prompts as if the conditions had cleared.
  const fingerprint = JSON.stringify(FINDING_RULE_IDS.map((rule) => rules[rule]));
  if (statements.readState.get(FINGERPRINT_KEY)?.value !== fingerprint) {
    db.transaction(() => {
      for (const sql of Object.values(REQUEUE_ALL_SQL)) db.exec(sql);
      statements.writeState.run(FINGERPRINT_KEY, fingerprint);
    }).immediate();
  }

  return {
    drain(nowMs, limit, enough = () => false) {
      // One more than asked tells whether some remain.
      const queued = statements.queued.all(limit + 1);
      let checked = 0;
      for (const { entity, id } of queued) {
        if (checked === limit || (checked > 0 && enough())) break;
        if (entity === 'alert') checkAlert(id);
        else if (entity === 'device') checkDevice(id, nowMs);
        else if (entity === 'scene') checkScene(id, nowMs);
        statements.dequeue.run(entity, id);
        checked += 1;
      }
      return { checked, remaining: queued.length > checked };
    },
  };
}
