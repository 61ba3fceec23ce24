/**
 * The triage queues as pages of rows from the cache. Each queue is one indexed query (the partial
 * indexes of m001 hold only open items; queues.test.ts checks the plans), so a page of a queue over a
 * million-alert cache answers in about a millisecond and the renderer never holds more than a page.
 *
 * A page may be sorted by a column and filtered (a quick filter over every text column, and per-column
 * filters). Those still read only the queue's rows through its partial index, but they must look at all of
 * them (to sort, or to count what passes); the default view stays the index's order, stopping at the page.
 * The cache holds codes where the grid shows names (level 'red' shown 红, status 'handling' 处置中): the
 * renderer owns the names, so it sends with the operator's text the codes whose names contain it
 * (`quickFilterCodes`, `filters[].codes`), and a row matches on its text or on its code.
 */
import type Database from 'better-sqlite3';
import {
  queueTextColumns,
  itemKey,
  type ItemRef,
  type QueueCodeMatch,
  type QueueColumn,
  type QueueColumnFilter,
  type QueueId,
  type QueueRow,
  type QueueSort,
  type QueueTextColumn,
} from '../../preload/contract';
import { CALENDAR_RULE_IDS } from './rules/config';

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
const CALENDAR_RULE_LIST = CALENDAR_RULE_IDS.map((rule) => `'${rule}'`).join(', ');

/** The fields of a queue row as the SQL produces them (`RawRow`): each queue says how it computes them. */
type RowColumns = Readonly<Record<RawColumn, string>>;
type RawColumn =
  | 'entity'
  | 'id'
  | 'level'
  | 'title'
  | 'sceneName'
  | 'category'
  | 'location'
  | 'sinceMs'
  | 'dueMs'
  | 'handler'
  | 'status'
  | 'claimedBy'
  | 'detail';

interface QueueQuery {
  /** The one table a queue lists, with its alias (`alert a`): other tables are read by scalar subqueries. */
  table: string;
  /** The partial index that holds the queue's rows, or null. */
  index: string | null;
  /** The expressions that are never NULL in the table (the sort needs no "nulls last" term for them). */
  notNull: readonly string[];
  /** The queue's condition, with @now and threshold parameters. */
  where: string;
  /** The SQL expression of each row field, over `table`. */
  columns: RowColumns;
  /** The default order: the one the queue's index serves. */
  orderBy: string;
}

const alertColumns = {
  entity: `'alert'`,
  id: 'a.id',
  level: 'a.level',
  title: `coalesce(json_extract(a.data, '$.title'), a.category)`,
  // Scalar subqueries, not joins: a count then reads nothing but the queue's index.
  sceneName: '(SELECT s.name FROM scene s WHERE s.id = a.scene_id)',
  category: 'a.category',
  location: `trim(coalesce(json_extract(a.data, '$.location.street'), '') || ' ' || coalesce(json_extract(a.data, '$.location.address'), ''))`,
  sinceMs: 'a.reported_at',
  dueMs: 'a.deadline_at',
  handler: `json_extract(a.data, '$.handler.name')`,
  status: 'a.status',
  claimedBy: `(SELECT json_extract(c.data, '$.operatorName') FROM claim c
    WHERE c.subject_entity = 'alert' AND c.subject_id = a.id LIMIT 1)`,
} as const;

const alertTable = (index: string) =>
  ({ table: 'alert a', index, notNull: ['a.reported_at', 'a.deadline_at', 'a.id'] }) as const;

const promptColumns: RowColumns = {
  entity: `'workPrompt'`,
  id: 'p.id',
  level: 'NULL',
  title: 'p.reason',
  sceneName: 'NULL',
  category: 'p.rule',
  location: 'NULL',
  sinceMs: 'p.raised_at',
  dueMs: 'p.due_at',
  handler: 'p.recipient_role',
  status: 'p.state',
  claimedBy: 'NULL',
  detail: `p.subject_entity || ':' || p.subject_id`,
};
const promptOrder = 'p.due_at IS NULL, p.due_at, p.raised_at';
const openPrompts = `p.state <> 'resolved' AND (p.snoozed_until IS NULL OR p.snoozed_until <= @now)`;

const sceneColumns = {
  entity: `'scene'`,
  id: 's.id',
  level: 'NULL',
  title: 's.name',
  sceneName: 's.name',
  category: 's.category',
  location: `json_extract(s.data, '$.street')`,
  dueMs: 'NULL',
  handler: 'NULL',
  status: 's.kind',
  claimedBy: 'NULL',
} as const;

const queries: Record<QueueId, QueueQuery> = {
  redAlerts: {
    ...alertTable('alert_red_open'),
    where: `a.level = 'red' AND a.closed_at IS NULL`,
    columns: {
      ...alertColumns,
      detail: `CASE WHEN a.verified_at IS NULL THEN 'unverified' WHEN a.major_loop_kind IS NULL THEN 'verified'
           ELSE 'majorLoop:' || a.major_loop_kind END`,
    },
    // Unverified first, then verified, then in a major loop; oldest first within each.
    orderBy: '(a.verified_at IS NOT NULL) + (a.major_loop_kind IS NOT NULL), a.reported_at',
  },
  undispatched: {
    ...alertTable('alert_undispatched'),
    where: 'a.has_handler = 0 AND a.closed_at IS NULL AND a.reported_at <= @now - @undispatchedAfterMs',
    columns: { ...alertColumns, detail: 'NULL' },
    orderBy: 'a.reported_at',
  },
  overdueClosure: {
    ...alertTable('alert_open_deadline'),
    where: 'a.closed_at IS NULL AND a.deadline_at <= @now - @overdueClosureAfterMs',
    columns: { ...alertColumns, detail: 'NULL' },
    orderBy: 'a.deadline_at',
  },
  nonStandard: {
    ...alertTable('alert_non_standard'),
    where: 'a.non_standard = 1 AND a.closed_at IS NULL',
    columns: {
      ...alertColumns,
      detail: `(SELECT group_concat(json_extract(issue.value, '$.key'), ', ') FROM json_each(a.data, '$.elementIssues') AS issue)`,
    },
    orderBy: 'a.reported_at',
  },
  // The prompts the rules raised on this workstation and not yet resolved, less those snoozed; the calendar
  // duties (weekly report, November updates...) are the duty items, not prompts to a scene.
  workPrompts: {
    table: 'local_prompt p',
    index: null,
    notNull: ['p.raised_at', 'p.id'],
    where: `${openPrompts} AND p.rule NOT IN (${CALENDAR_RULE_LIST})`,
    columns: promptColumns,
    orderBy: promptOrder,
  },
  // The calendar duties (weekly and monthly reports, the November updates, key-period outlooks, the annual
  // tasks) that the rules raised and no one has resolved; snoozed ones come back when their snooze ends.
  dutyItems: {
    table: 'local_prompt p',
    index: null,
    notNull: ['p.raised_at', 'p.id'],
    where: `${openPrompts} AND p.rule IN (${CALENDAR_RULE_LIST})`,
    columns: promptColumns,
    orderBy: promptOrder,
  },
  silentScenes: {
    table: 'scene s',
    index: null,
    notNull: ['s.id'],
    where: 's.last_alert_at IS NULL OR s.last_alert_at <= @now - @silentSceneAfterMs',
    columns: { ...sceneColumns, sinceMs: 's.last_alert_at', detail: 'NULL' },
    orderBy: 's.last_alert_at',
  },
  deviceIssues: {
    table: 'device d',
    index: null,
    notNull: ['d.id'],
    where: `d.status = 'offline' OR d.info_error = 1`,
    columns: {
      entity: `'device'`,
      id: 'd.id',
      level: 'NULL',
      title: `json_extract(d.data, '$.name')`,
      sceneName: '(SELECT s.name FROM scene s WHERE s.id = d.scene_id)',
      category: '(SELECT s.category FROM scene s WHERE s.id = d.scene_id)',
      location: `json_extract(d.data, '$.address')`,
      sinceMs: 'd.offline_since',
      dueMs: 'NULL',
      handler: 'NULL',
      status: 'd.status',
      claimedBy: 'NULL',
      detail: `json_extract(d.data, '$.infoError.field')`,
    },
    orderBy: 'd.offline_since IS NULL, d.offline_since',
  },
  syncRate: {
    table: 'scene s',
    index: null,
    notNull: ['s.id'],
    where: 's.sync_rate IS NOT NULL AND s.sync_rate < @syncRateBelow',
    columns: { ...sceneColumns, sinceMs: 'NULL', detail: `printf('%.1f%%', s.sync_rate * 100)` },
    orderBy: 's.sync_rate',
  },
};

/** The row field behind each grid column. */
const columnField: Record<QueueColumn, RawColumn> = {
  level: 'level',
  title: 'title',
  scene: 'sceneName',
  category: 'category',
  location: 'location',
  elapsed: 'sinceMs',
  dueIn: 'dueMs',
  handler: 'handler',
  status: 'status',
  claimedBy: 'claimedBy',
  detail: 'detail',
};

/** How a page is sorted and filtered; without any of it, the queue's default order over its index. */
export interface QueueView {
  sort?: QueueSort | null;
  /** Rows where any text column contains this (case-insensitive), or whose code is in `quickFilterCodes`. */
  quickFilter?: string;
  quickFilterCodes?: readonly QueueCodeMatch[];
  /** Rows that pass every one of these. */
  filters?: readonly QueueColumnFilter[];
}

/** `text` as a LIKE pattern that matches it anywhere, its own % and _ taken literally (ESCAPE '\\'). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** The expression a column is matched by: the title falls back to the id, as the row shows it. */
function matchExpression(columns: RowColumns, column: QueueTextColumn): string {
  return column === 'title' ? `coalesce(${columns.title}, ${columns.id})` : columns[columnField[column]];
}

/** "text contains the pattern, or the code is one of the codes" for one column; null when the column is always empty. */
function columnMatch(
  columns: RowColumns,
  column: QueueTextColumn,
  patternParameter: string,
  codesParameter: string | null,
): string | null {
  const expression = matchExpression(columns, column);
  if (expression === 'NULL') return null;
  const text = `${expression} LIKE @${patternParameter} ESCAPE '\\'`;
  return codesParameter === null
    ? text
    : `(${text} OR ${expression} IN (SELECT value FROM json_each(@${codesParameter})))`;
}

/** The sort key of a column: levels by severity, the elapsed time by its instant (longer elapsed = earlier). */
function sortTerms(query: QueueQuery, sort: QueueSort): string {
  const { columns } = query;
  const direction = sort.direction === 'asc' ? 'ASC' : 'DESC';
  const reversed = sort.direction === 'asc' ? 'DESC' : 'ASC';
  let expression: string;
  let order = direction;
  switch (sort.column) {
    case 'level':
      expression = `CASE ${columns.level} WHEN 'red' THEN 4 WHEN 'orange' THEN 3 WHEN 'yellow' THEN 2 WHEN 'blue' THEN 1 END`;
      break;
    case 'elapsed':
      expression = columns.sinceMs;
      order = reversed;
      break;
    case 'title':
      expression = matchExpression(columns, 'title');
      break;
    default:
      expression = columns[columnField[sort.column]];
  }
  // Rows without a value go last whichever the direction, so that the rows that have one lead. A column
  // that is never empty needs no such term, and its index (the instants) may then serve the order.
  return query.notNull.includes(expression)
    ? `${expression} ${order}`
    : `(${expression}) IS NULL, ${expression} ${order}`;
}

interface ViewSql {
  /** Conditions added to the queue's own (joined by AND), or '' for none. */
  where: string;
  /** The ORDER BY list. */
  orderBy: string;
  parameters: Record<string, string>;
}

function viewSql(query: QueueQuery, view: QueueView): ViewSql {
  const conditions: string[] = [];
  const parameters: Record<string, string> = {};
  const quick = view.quickFilter?.trim() ?? '';
  if (quick !== '') {
    parameters.quick = containsPattern(quick);
    const codes = new Map((view.quickFilterCodes ?? []).map((match) => [match.column, match.codes]));
    const alternatives = queueTextColumns.flatMap((column) => {
      const columnCodes = codes.get(column);
      const codesParameter = columnCodes && columnCodes.length > 0 ? `quickCodes_${column}` : null;
      const match = columnMatch(query.columns, column, 'quick', codesParameter);
      if (match === null) return [];
      if (codesParameter !== null) parameters[codesParameter] = JSON.stringify(columnCodes);
      return [match];
    });
    conditions.push(alternatives.length > 0 ? `(${alternatives.join(' OR ')})` : '0');
  }
  (view.filters ?? []).forEach((filter, index) => {
    const contains = filter.contains.trim();
    if (contains === '') return;
    const codesParameter = filter.codes && filter.codes.length > 0 ? `f${index}_codes` : null;
    const match = columnMatch(query.columns, filter.column, `f${index}_text`, codesParameter);
    if (match === null) {
      // The column is empty in this queue: no row contains anything there.
      conditions.push('0');
      return;
    }
    parameters[`f${index}_text`] = containsPattern(contains);
    if (codesParameter !== null) parameters[codesParameter] = JSON.stringify(filter.codes);
    conditions.push(match);
  });
  const orderBy = view.sort
    ? `${sortTerms(query, view.sort)}, ${query.orderBy}, ${query.columns.id}`
    : query.orderBy;
  return { where: conditions.join(' AND '), orderBy, parameters };
}

function selectList(columns: RowColumns): string {
  return Object.entries(columns)
    .map(([field, expression]) => `${expression} AS ${field}`)
    .join(', ');
}

/** A queue's page and count statements for a view, and the view's own parameters. */
function queueSql(
  queue: QueueId,
  view: QueueView,
): { page: string; count: string; position: string; parameters: Record<string, string> } {
  const query = queries[queue];
  const extra = viewSql(query, view);
  const from = query.index === null ? query.table : `${query.table} INDEXED BY ${query.index}`;
  const where = extra.where === '' ? query.where : `(${query.where}) AND ${extra.where}`;
  const select = selectList(query.columns);
  const alias = query.table.split(' ')[1] ?? '';
  // A sorted page must order every row of the queue: it picks the page's rows by the sort key alone, and only
  // then computes the page's columns (titles, locations from the documents) for those rows.
  const page = view.sort
    ? `SELECT ${select} FROM ${query.table} WHERE ${alias}.rowid IN (
         SELECT ${alias}.rowid FROM ${from} WHERE ${where} ORDER BY ${extra.orderBy} LIMIT @limit OFFSET @offset)
       ORDER BY ${extra.orderBy}`
    : `SELECT ${select} FROM ${from} WHERE ${where} ORDER BY ${extra.orderBy} LIMIT @limit OFFSET @offset`;
  // Where a row stands in the view: numbered in the view's order, the whole view being read (as a sorted
  // page reads it), since the order may be by any column.
  const position = `SELECT position FROM (
      SELECT ${query.columns.entity} AS entity, ${query.columns.id} AS id,
             row_number() OVER (ORDER BY ${extra.orderBy}) - 1 AS position
        FROM ${from} WHERE ${where})
    WHERE entity = @rowEntity AND id = @rowId`;
  return {
    page,
    count: `SELECT count(*) AS n FROM ${from} WHERE ${where}`,
    position,
    parameters: extra.parameters,
  };
}

/**
 * How long a count serves the view's next pages, the cache unchanged (rows cross time thresholds). The rules
 * tick (every 5 s) recounts every queue for the badges, so the unfiltered counts stay fresh within it.
 */
const TOTAL_REUSE_MS = 6_000;
const TOTALS_KEPT = 50;

/** Prepared statements kept per SQL text; sorted and filtered views add a few shapes per queue. */
const STATEMENT_CACHE_SIZE = 200;

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
    key: itemKey(raw),
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
  readonly #statements = new Map<string, Database.Statement>();
  /** The parameter names each statement's SQL uses (only those may be bound). */
  readonly #parameterNames = new Map<string, readonly string[]>();
  readonly #totals = new Map<string, { total: number; stamp: string; atMs: number }>();

  constructor(
    private readonly db: Database.Database,
    private readonly thresholds: QueueThresholds = DEFAULT_QUEUE_THRESHOLDS,
  ) {}

  /** The SQL of a queue's page; without a view, the default order over the queue's index (plan checks use it). */
  static pageSql(queue: QueueId, view: QueueView = {}): string {
    return queueSql(queue, view).page;
  }

  /** The SQL counting a queue's rows, or with a view its filtered rows (the sort does not change a count). */
  static countSql(queue: QueueId, view: QueueView = {}): string {
    return queueSql(queue, view).count;
  }

  /**
   * Prepares every queue's default page and count, so that the first open of a queue does not pay for it
   * (preparing a queue's page, with its subqueries and JSON paths, costs a few milliseconds).
   */
  prepareAll(): void {
    for (const queue of Object.keys(queries) as QueueId[]) {
      const sql = queueSql(queue, {});
      this.#statement(sql.page);
      this.#statement(sql.count);
    }
    this.#statement('PRAGMA data_version');
    this.#statement('SELECT total_changes()');
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.#statements.keys().next();
        if (!oldest.done) this.#statements.delete(oldest.value);
      }
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #parameters(
    sql: string,
    nowMs: number,
    extra: Record<string, number | string>,
  ): Record<string, number | string> {
    // Only the parameters a statement names may be bound.
    const all: Record<string, number | string> = { now: nowMs, ...this.thresholds, ...extra };
    let names = this.#parameterNames.get(sql);
    if (!names) {
      names = [...new Set(Array.from(sql.matchAll(/@(\w+)/g), (match) => match[1] ?? ''))];
      if (this.#parameterNames.size >= STATEMENT_CACHE_SIZE) this.#parameterNames.clear();
      this.#parameterNames.set(sql, names);
    }
    const bound: Record<string, number | string> = {};
    for (const name of names) {
      const value = all[name];
      if (value !== undefined) bound[name] = value;
    }
    return bound;
  }

  page(queue: QueueId, nowMs: number, offset: number, limit: number, view: QueueView = {}): QueueRow[] {
    const sql = queueSql(queue, view);
    const parameters = this.#parameters(sql.page, nowMs, { ...sql.parameters, offset, limit });
    return (this.#statement(sql.page).all(parameters) as RawRow[]).map(toRow);
  }

  /** Where the item's row stands in the queue's view (0 first), or null when the view does not hold it. */
  position(queue: QueueId, nowMs: number, item: ItemRef, view: QueueView = {}): number | null {
    const sql = queueSql(queue, view);
    const parameters = this.#parameters(sql.position, nowMs, {
      ...sql.parameters,
      rowEntity: item.entity,
      rowId: item.id,
    });
    const row = this.#statement(sql.position).get(parameters) as { position: number } | undefined;
    return row?.position ?? null;
  }

  /**
   * The number of rows in a queue, or with a view in the view. The count is kept for the view's pages (see
   * pageWithTotal): the badges' counts, taken on every rules tick, serve the grid's pages of the whole queue.
   */
  count(queue: QueueId, nowMs: number, view: QueueView = {}): number {
    const sql = queueSql(queue, view);
    const parameters = this.#parameters(sql.count, nowMs, sql.parameters);
    const total = (this.#statement(sql.count).get(parameters) as { n: number }).n;
    this.#keepTotal(this.#totalKey(queue, sql.count, sql.parameters), total, nowMs);
    return total;
  }

  /**
   * A page and the number of rows in the view, as the grid asks for them. Counting reads every row of the
   * queue (a hundred thousand take 7–10 ms), so the count is spared where the page already tells it (a short
   * page is the view's end) and otherwise reused for the view's next pages while the cache is unchanged (no
   * commit by any connection, no write by this one), for at most TOTAL_REUSE_MS: the rows that cross a time
   * threshold meanwhile are counted at the next recount, as the badges count them.
   */
  pageWithTotal(
    queue: QueueId,
    nowMs: number,
    offset: number,
    limit: number,
    view: QueueView = {},
  ): { rows: QueueRow[]; total: number } {
    const rows = this.page(queue, nowMs, offset, limit, view);
    if (rows.length < limit && (rows.length > 0 || offset === 0))
      return { rows, total: offset + rows.length };
    const sql = queueSql(queue, view);
    const reused = this.#totals.get(this.#totalKey(queue, sql.count, sql.parameters));
    if (reused && reused.stamp === this.#changeStamp() && Math.abs(nowMs - reused.atMs) <= TOTAL_REUSE_MS) {
      return { rows, total: reused.total };
    }
    return { rows, total: this.count(queue, nowMs, view) };
  }

  /** The count's key: its SQL and parameters (the sort does not change a count, so sorted views share it). */
  #totalKey(queue: QueueId, countSql: string, parameters: Record<string, string>): string {
    return `${queue}\n${countSql}\n${JSON.stringify(parameters)}`;
  }

  #keepTotal(key: string, total: number, nowMs: number): void {
    this.#totals.delete(key);
    if (this.#totals.size >= TOTALS_KEPT) {
      const oldest = this.#totals.keys().next();
      if (!oldest.done) this.#totals.delete(oldest.value);
    }
    this.#totals.set(key, { total, stamp: this.#changeStamp(), atMs: nowMs });
  }

  /** Changes when any connection commits (data_version) or this one writes (total_changes). */
  #changeStamp(): string {
    const version = this.#statement('PRAGMA data_version').pluck().get() as number;
    const changes = this.#statement('SELECT total_changes()').pluck().get() as number;
    return `${version}:${changes}`;
  }
}
