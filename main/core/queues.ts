/**
 * The triage queues as pages of rows from the cache. Each queue is one indexed query (the partial
 * indexes of m001 hold only open items; queues.test.ts checks the plans), so a page of a queue over a
 * million-alert cache answers in about a millisecond and the renderer never holds more than a page.
 */
import type Database from 'better-sqlite3';
import type { QueueId, QueueRow } from '../../preload/contract';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The rule thresholds the queues filter with (the rules configuration supplies them; these are DESIGN.md's defaults). */
export interface QueueThresholds {
  undispatchedAfterMs: number;
  overdueClosureAfterMs: number;
  silentSceneAfterMs: number;
  syncRateBelow: number;
}

export const DEFAULT_QUEUE_THRESHOLDS: QueueThresholds = {
  undispatchedAfterMs: HOUR_MS,
  overdueClosureAfterMs: 2 * DAY_MS,
  silentSceneAfterMs: DAY_MS,
  syncRateBelow: 0.9,
};

/** The calendar rules of the regulation (DESIGN.md): their prompts are duty items, not work prompts. */
const CALENDAR_RULE_LIST = [
  'annual-elements',
  'annual-manual',
  'annual-roster',
  'weekly-report',
  'monthly-report',
  'period-outlook',
  'weekly-meeting',
]
  .map((rule) => `'${rule}'`)
  .join(', ');

interface QueueQuery {
  /** FROM ... WHERE ... with @now and threshold parameters. */
  from: string;
  /** SELECT list producing the row columns below. */
  select: string;
  orderBy: string;
}

const alertSelect = `
  'alert' AS entity, a.id AS id, a.level AS level,
  coalesce(json_extract(a.data, '$.title'), a.category) AS title,
  s.name AS sceneName, a.category AS category,
  trim(coalesce(json_extract(a.data, '$.location.street'), '') || ' ' || coalesce(json_extract(a.data, '$.location.address'), '')) AS location,
  a.reported_at AS sinceMs, a.deadline_at AS dueMs,
  json_extract(a.data, '$.handler.name') AS handler, a.status AS status,
  json_extract(c.data, '$.operatorName') AS claimedBy`;

const alertJoins = `
  LEFT JOIN scene s ON s.id = a.scene_id
  LEFT JOIN claim c ON c.subject_entity = 'alert' AND c.subject_id = a.id`;

const promptSelect = `
  'workPrompt' AS entity, p.id AS id, NULL AS level, p.reason AS title,
  NULL AS sceneName, p.rule AS category, NULL AS location, p.raised_at AS sinceMs,
  p.due_at AS dueMs, p.recipient_role AS handler, p.state AS status,
  NULL AS claimedBy, p.subject_entity || ':' || p.subject_id AS detail`;
const promptOrder = 'p.due_at IS NULL, p.due_at, p.raised_at';

const queries: Record<QueueId, QueueQuery> = {
  redAlerts: {
    from: `alert a INDEXED BY alert_red_open ${alertJoins} WHERE a.level = 'red' AND a.closed_at IS NULL`,
    select: `${alertSelect},
      CASE WHEN a.verified_at IS NULL THEN 'unverified' WHEN a.major_loop_kind IS NULL THEN 'verified'
           ELSE 'majorLoop:' || a.major_loop_kind END AS detail`,
    // Unverified first, then verified, then in a major loop; oldest first within each.
    orderBy: '(a.verified_at IS NOT NULL) + (a.major_loop_kind IS NOT NULL), a.reported_at',
  },
  undispatched: {
    from: `alert a INDEXED BY alert_undispatched ${alertJoins}
           WHERE a.has_handler = 0 AND a.closed_at IS NULL AND a.reported_at <= @now - @undispatchedAfterMs`,
    select: `${alertSelect}, NULL AS detail`,
    orderBy: 'a.reported_at',
  },
  overdueClosure: {
    from: `alert a INDEXED BY alert_open_deadline ${alertJoins}
           WHERE a.closed_at IS NULL AND a.deadline_at <= @now - @overdueClosureAfterMs`,
    select: `${alertSelect}, NULL AS detail`,
    orderBy: 'a.deadline_at',
  },
  nonStandard: {
    from: `alert a INDEXED BY alert_non_standard ${alertJoins} WHERE a.non_standard = 1 AND a.closed_at IS NULL`,
    select: `${alertSelect},
      (SELECT group_concat(json_extract(issue.value, '$.key'), ', ') FROM json_each(a.data, '$.elementIssues') AS issue) AS detail`,
    orderBy: 'a.reported_at',
  },
  // The prompts the rules raised on this workstation and not yet resolved, less those snoozed; the calendar
  // duties (weekly report, November updates...) are the duty items, not prompts to a scene.
  workPrompts: {
    from: `local_prompt p WHERE p.state <> 'resolved' AND (p.snoozed_until IS NULL OR p.snoozed_until <= @now)
           AND p.rule NOT IN (${CALENDAR_RULE_LIST})`,
    select: promptSelect,
    orderBy: promptOrder,
  },
  // The calendar duties (weekly and monthly reports, the November updates, key-period outlooks, the annual
  // tasks) that the rules raised and no one has resolved; snoozed ones come back when their snooze ends.
  dutyItems: {
    from: `local_prompt p WHERE p.state <> 'resolved' AND (p.snoozed_until IS NULL OR p.snoozed_until <= @now)
           AND p.rule IN (${CALENDAR_RULE_LIST})`,
    select: promptSelect,
    orderBy: promptOrder,
  },
  silentScenes: {
    from: `scene s WHERE s.last_alert_at IS NULL OR s.last_alert_at <= @now - @silentSceneAfterMs`,
    select: `'scene' AS entity, s.id AS id, NULL AS level, s.name AS title, s.name AS sceneName, s.category AS category,
      json_extract(s.data, '$.street') AS location, s.last_alert_at AS sinceMs, NULL AS dueMs, NULL AS handler,
      s.kind AS status, NULL AS claimedBy, NULL AS detail`,
    orderBy: 's.last_alert_at',
  },
  deviceIssues: {
    from: `device d LEFT JOIN scene s ON s.id = d.scene_id WHERE d.status = 'offline' OR d.info_error = 1`,
    select: `'device' AS entity, d.id AS id, NULL AS level, json_extract(d.data, '$.name') AS title,
      s.name AS sceneName, s.category AS category, json_extract(d.data, '$.address') AS location,
      d.offline_since AS sinceMs, NULL AS dueMs, NULL AS handler, d.status AS status, NULL AS claimedBy,
      json_extract(d.data, '$.infoError.field') AS detail`,
    orderBy: 'd.offline_since IS NULL, d.offline_since',
  },
  syncRate: {
    from: `scene s WHERE s.sync_rate IS NOT NULL AND s.sync_rate < @syncRateBelow`,
    select: `'scene' AS entity, s.id AS id, NULL AS level, s.name AS title, s.name AS sceneName, s.category AS category,
      json_extract(s.data, '$.street') AS location, NULL AS sinceMs, NULL AS dueMs, NULL AS handler, s.kind AS status,
      NULL AS claimedBy, printf('%.1f%%', s.sync_rate * 100) AS detail`,
    orderBy: 's.sync_rate',
  },
};

interface RawRow {
  entity: QueueRow['entity'];
  id: string;
  level: QueueRow['level'];
  title: string | null;
  sceneName: string | null;
  category: string | null;
  location: string | null;
  sinceMs?: number | null;
  sinceIso?: string | null;
  dueMs: number | null;
  handler: string | null;
  status: string;
  claimedBy: string | null;
  detail: string | null;
}

const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

function toRow(raw: RawRow): QueueRow {
  return {
    key: `${raw.entity}:${raw.id}`,
    entity: raw.entity,
    id: raw.id,
    level: raw.level,
    title: raw.title ?? raw.id,
    sceneName: raw.sceneName,
    category: raw.category,
    location: raw.location === '' ? null : raw.location,
    since: raw.sinceIso ?? iso(raw.sinceMs),
    dueAt: iso(raw.dueMs),
    handler: raw.handler,
    status: raw.status,
    claimedBy: raw.claimedBy,
    detail: raw.detail,
  };
}

/** Prepared queue queries over one connection. */
export class QueueReader {
  readonly #pages = new Map<QueueId, Database.Statement>();
  readonly #counts = new Map<QueueId, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly thresholds: QueueThresholds = DEFAULT_QUEUE_THRESHOLDS,
  ) {}

  /** The SQL of a queue's page, for plan checks. */
  static pageSql(queue: QueueId): string {
    const query = queries[queue];
    return `SELECT ${query.select} FROM ${query.from} ORDER BY ${query.orderBy} LIMIT @limit OFFSET @offset`;
  }

  static countSql(queue: QueueId): string {
    return `SELECT count(*) AS n FROM ${queries[queue].from}`;
  }

  #parameters(sql: string, nowMs: number, extra: Record<string, number> = {}): Record<string, number> {
    // Only the parameters a statement names may be bound.
    const all: Record<string, number> = { now: nowMs, ...this.thresholds, ...extra };
    return Object.fromEntries(Object.entries(all).filter(([name]) => sql.includes(`@${name}`)));
  }

  page(queue: QueueId, nowMs: number, offset: number, limit: number): QueueRow[] {
    const sql = QueueReader.pageSql(queue);
    let statement = this.#pages.get(queue);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.#pages.set(queue, statement);
    }
    return (statement.all(this.#parameters(sql, nowMs, { offset, limit })) as RawRow[]).map(toRow);
  }

  count(queue: QueueId, nowMs: number): number {
    const sql = QueueReader.countSql(queue);
    let statement = this.#counts.get(queue);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.#counts.set(queue, statement);
    }
    return (statement.get(this.#parameters(sql, nowMs)) as { n: number }).n;
  }
}
