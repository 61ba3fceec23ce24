/**
 * The central server's SQLite file: every entity as a JSON document in one table whose primary key is its
 * position in the change feed. Writing an entity moves it to the head of the feed (a compacted log: an entity
 * appears once, at its latest change), so paging the feed is a range scan on the primary key, and a cursor is
 * just the last position a client has seen.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import type { EntityKind } from './domain';
import type { Versioned } from './entities';
import type { EncodedRows } from './history';

/** Bumped whenever the schema or the generator changes what an existing file would hold. */
export const STORE_FORMAT = 5;

/** Which rows of the feed a page walks (see feed.ts): every row, or one phase of a first sync. */
export type FeedSelection = 'all' | 'open' | 'history';

/** A run of consecutive rows of the feed, serialised as the members of a page's `changes` array. */
export interface FeedRun {
  /** The changes' JSON, comma-separated, as UTF-8 bytes (empty when there are none). */
  json: Buffer;
  count: number;
  /** The position of the run's last row; null when the run is empty. */
  lastSeq: number | null;
  /** Whether rows of the same selection follow the run, up to the same bound. */
  more: boolean;
}

export interface PendingStep {
  alertId: string;
  dueAt: number;
  plan: string;
}

const SCHEMA = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE entity (
    seq INTEGER PRIMARY KEY,
    key INTEGER NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    op TEXT NOT NULL,
    open INTEGER NOT NULL,
    changed_at INTEGER NOT NULL,
    data TEXT
  );
  -- Partial indexes over few rows (tombstones; open entities, which are few even in a large district) cost little
  -- to maintain during a bulk load, while building one afterwards would scan the whole table. They serve the
  -- tombstone purge, a first sync's open phase and the simulator's scans of scenes, devices and claims; the history
  -- phase walks the primary key and skips the few open rows.
  CREATE INDEX entity_tombstones ON entity(changed_at) WHERE op = 'delete';
  CREATE INDEX entity_open_by_seq ON entity(seq) WHERE open = 1;
  CREATE INDEX entity_open_by_kind ON entity(kind) WHERE open = 1;
  CREATE TABLE pending_step (alert_id TEXT PRIMARY KEY, due_at INTEGER NOT NULL, plan TEXT NOT NULL) WITHOUT ROWID;
  CREATE INDEX pending_step_due ON pending_step(due_at);
  CREATE TABLE sync_tally (
    scene_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    reported INTEGER NOT NULL,
    received INTEGER NOT NULL,
    PRIMARY KEY (scene_id, day)
  ) WITHOUT ROWID;
  CREATE TABLE client (id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE mutation (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    operator_id TEXT NOT NULL,
    status TEXT NOT NULL,
    code TEXT,
    message TEXT,
    processed_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE account (
    username TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL,
    password_hash TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE session (
    token_hash TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
`;

/**
 * Built after a bulk load: building it once is far faster than maintaining it row by row. Entities are found by
 * `key`, a 52-bit hash of kind and id: an integer index builds and probes several times faster than one on the
 * text pair, and a collision only costs comparing kind and id, which every lookup does.
 */
const INDEXES = `
  CREATE INDEX IF NOT EXISTS entity_by_key ON entity(key);
`;

export class Store {
  readonly db: Database.Database;
  #head: number;
  /** Rows in the feed (entities and tombstones), counted on first use and kept since: see feedSize. */
  #rows: number | null = null;
  #openRows: { head: number; count: number } | null = null;
  #bulk = false;
  readonly #now: () => number;
  readonly #statements: ReturnType<typeof prepareStatements>;

  private constructor(db: Database.Database, now: () => number) {
    this.db = db;
    this.#now = now;
    this.#statements = prepareStatements(db);
    const row = db.prepare('SELECT max(seq) AS head FROM entity').get() as { head: number | null };
    this.#head = row.head ?? 0;
  }

  /** Creates a new file (replacing any old one) ready for a bulk load; call `finishBulkLoad` afterwards. */
  static create(file: string, now: () => number): Store {
    const db = new Database(file);
    // Nothing to protect yet: a crash during generation just means generating again.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -200000');
    db.exec(SCHEMA);
    const store = new Store(db, now);
    store.#bulk = true;
    store.setMeta('epoch', randomBytes(6).toString('hex'));
    store.setMeta('format', String(STORE_FORMAT));
    store.setMeta('purgeHorizon', '0');
    return store;
  }

  /** Opens an existing file, or returns null when it is missing or of another format. */
  static open(file: string, now: () => number): Store | null {
    let db: Database.Database;
    try {
      db = new Database(file, { fileMustExist: true });
    } catch {
      return null;
    }
    try {
      const format = db.prepare("SELECT value FROM meta WHERE key = 'format'").get() as
        { value: string } | undefined;
      if (format?.value !== String(STORE_FORMAT)) {
        db.close();
        return null;
      }
      db.exec(INDEXES);
      configureForService(db);
      return new Store(db, now);
    } catch {
      db.close();
      return null;
    }
  }

  /** Ends the bulk load: builds the indexes and switches to durable, concurrent-read settings. */
  finishBulkLoad(): void {
    this.db.exec(INDEXES);
    configureForService(this.db);
    this.#bulk = false;
  }

  get head(): number {
    return this.#head;
  }

  get epoch(): string {
    return this.getMeta('epoch') ?? '';
  }

  close(): void {
    this.db.close();
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  getMeta(key: string): string | undefined {
    return (this.#statements.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.#statements.setMeta.run(key, value);
  }

  /**
   * Inserts an entity known to be new with the version it has reached (bulk load: no lookups). `open` says whether
   * it belongs to a first sync's open phase (see feed.ts).
   */
  insertNew<T extends Versioned>(
    kind: EntityKind,
    record: Omit<T, 'version'>,
    version: number,
    open: boolean,
  ): void {
    const data = withVersion(JSON.stringify(record), version);
    const key = entityKey(kind, record.id);
    this.#statements.insert.run(
      ++this.#head,
      key,
      kind,
      record.id,
      version,
      'upsert',
      open ? 1 : 0,
      this.#now(),
      data,
    );
    if (this.#rows !== null) this.#rows += 1;
  }

  /** Inserts a chunk of new rows already serialised and UTF-8 encoded (history generation; version 1). */
  insertEncoded(rows: EncodedRows): void {
    const { bytes, ends } = rows;
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const changedAt = this.#now();
    let begin = 0;
    for (let i = 0; i < ends.length; i++) {
      const end = ends[i] as number;
      const open = rows.open[i] ? 1 : 0;
      const data = buffer.subarray(begin, end);
      this.#statements.insertEncoded.run(
        ++this.#head,
        rows.keys[i],
        rows.kinds[i],
        rows.ids[i],
        open,
        changedAt,
        data,
      );
      begin = end;
    }
    if (this.#rows !== null) this.#rows += ends.length;
  }

  /** Writes an entity's new state, moving it to the head of the feed; returns its new version. */
  put<T extends Versioned>(
    kind: EntityKind,
    record: Omit<T, 'version'>,
    open: boolean,
    versionBump = 1,
  ): number {
    if (this.#bulk) throw new Error('put during a bulk load: use insertNew');
    const key = entityKey(kind, record.id);
    const existing = this.#statements.getVersion.get(key, kind, record.id) as { version: number } | undefined;
    const version = (existing?.version ?? 0) + versionBump;
    // Records read back from the store still carry their old version; it must not appear twice in the JSON.
    const fresh =
      'version' in record ? withoutVersion(record as Omit<T, 'version'> & { version: unknown }) : record;
    const data = withVersion(JSON.stringify(fresh), version);
    const seq = ++this.#head;
    const flag = open ? 1 : 0;
    if (existing)
      this.#statements.update.run(seq, version, 'upsert', flag, this.#now(), data, key, kind, record.id);
    else {
      this.#statements.insert.run(seq, key, kind, record.id, version, 'upsert', flag, this.#now(), data);
      if (this.#rows !== null) this.#rows += 1;
    }
    return version;
  }

  /** Deletes an entity, leaving a tombstone in the feed; false when there was nothing to delete. */
  remove(kind: EntityKind, id: string): boolean {
    const key = entityKey(kind, id);
    const existing = this.#statements.getVersion.get(key, kind, id) as
      { version: number; op: string } | undefined;
    if (!existing || existing.op === 'delete') return false;
    this.#statements.update.run(
      ++this.#head,
      existing.version + 1,
      'delete',
      0,
      this.#now(),
      null,
      key,
      kind,
      id,
    );
    return true;
  }

  // The caller names the kind's type: what put() stored under that kind was written from it.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  get<T>(kind: EntityKind, id: string): T | undefined {
    const row = this.#statements.getData.get(entityKey(kind, id), kind, id) as
      { data: string | null } | undefined;
    return row?.data ? (JSON.parse(row.data) as T) : undefined;
  }

  /** Every open entity of a kind (scenes, devices, claims...; see feed.ts), through the partial index. */
  openOfKind<T>(kind: EntityKind): T[] {
    const rows = this.#statements.openOfKind.all(kind) as { data: string }[];
    return rows.map((row) => JSON.parse(row.data) as T);
  }

  /** Every live entity of a kind, open or not: a full scan, for tests and tools on small districts. */
  allOfKind<T>(kind: EntityKind): T[] {
    const rows = this.#statements.allOfKind.all(kind) as { data: string }[];
    return rows.map((row) => JSON.parse(row.data) as T);
  }

  /** Forgets tombstones older than `before`; a cursor older than the newest forgotten one can no longer resume. */
  purgeTombstones(before: number): number {
    const row = this.#statements.newestPurgeable.get(before, this.#head) as { seq: number | null };
    if (row.seq === null) return 0;
    const result = this.#statements.purge.run(before, this.#head);
    if (this.#rows !== null) this.#rows -= result.changes;
    const horizon = Math.max(Number(this.getMeta('purgeHorizon') ?? '0'), row.seq);
    this.setMeta('purgeHorizon', String(horizon));
    return result.changes;
  }

  get purgeHorizon(): number {
    return Number(this.getMeta('purgeHorizon') ?? '0');
  }

  /**
   * Up to `limit` rows of `selection` after position `after` and at or before `through`, in position order, as
   * the page will carry them. Each row's stored JSON is spliced in as it is, and the run is put together inside
   * SQLite: building it in JavaScript (a row object and a Buffer per change, then a Buffer per change's head)
   * cost two to three times as much (8-10 ms against 3.3-3.8 for a page of 2,000 from a 200,000-alert
   * district, and 2.9 since feedRunSql no longer sorts), and in the sync benchmark the server shares the
   * workstation's two cores.
   */
  feedRun(selection: FeedSelection, after: number, through: number, limit: number): FeedRun {
    const row = this.#statements.feedRuns[selection].run.get(after, through, limit) as {
      json: Buffer | null;
      count: number;
      lastSeq: number | null;
    };
    const more =
      row.count === limit && row.lastSeq !== null && this.hasFeedRows(selection, row.lastSeq, through);
    return { json: row.json ?? Buffer.alloc(0), count: row.count, lastSeq: row.lastSeq, more };
  }

  /** Whether any row of `selection` lies after position `after` and at or before `through`. */
  hasFeedRows(selection: FeedSelection, after: number, through: number): boolean {
    return this.#statements.feedRuns[selection].next.get(after, through) !== undefined;
  }

  /**
   * How many rows the feed holds (entities and tombstones): what a full sync from scratch serves, give or take
   * the changes made while it runs. Counted once (a scan of the smallest index), then kept up to date.
   */
  feedSize(): number {
    this.#rows ??= (this.#statements.countRows.get() as { count: number }).count;
    return this.#rows;
  }

  /** Open rows after a position, through the partial index of open rows (few, even in a large district). */
  openRowsAfter(after: number): number {
    return (this.#statements.countOpenAfter.get(after) as { count: number }).count;
  }

  /** Every open row, counted again only when the feed has moved since the last count. */
  openRows(): number {
    if (this.#openRows?.head !== this.#head)
      this.#openRows = { head: this.#head, count: this.openRowsAfter(0) };
    return this.#openRows.count;
  }

  countByKind(): Record<string, number> {
    const rows = this.#statements.countByKind.all() as { kind: string; count: number }[];
    return Object.fromEntries(rows.map((row) => [row.kind, row.count]));
  }

  addPendingStep(step: PendingStep): void {
    this.#statements.upsertPending.run(step.alertId, step.dueAt, step.plan);
  }

  deletePendingStep(alertId: string): void {
    this.#statements.deletePending.run(alertId);
  }

  pendingStepsDue(upTo: number): PendingStep[] {
    return this.#statements.pendingDue.all(upTo) as PendingStep[];
  }

  addSyncTally(sceneId: string, day: number, reported: number, received: number): void {
    this.#statements.addTally.run(sceneId, day, reported, received);
  }

  syncTally(sceneId: string, fromDay: number, toDay: number): { reported: number; received: number } {
    const row = this.#statements.sumTally.get(sceneId, fromDay, toDay) as {
      reported: number | null;
      received: number | null;
    };
    return { reported: row.reported ?? 0, received: row.received ?? 0 };
  }
}

/** An entity's JSON as stored: the record with its version. */
export function serialiseRecord<T extends Versioned>(record: Omit<T, 'version'>, version: number): string {
  return withVersion(JSON.stringify(record), version);
}

/** A 52-bit hash of kind and id (two 32-bit FNV-style hashes: one whole, 20 bits of the other). */
export function entityKey(kind: EntityKind, id: string): number {
  const text = `${kind}|${id}`;
  let first = 0x811c9dc5;
  let second = 0x27d4eb2f;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    first = Math.imul(first ^ code, 0x01000193);
    second = Math.imul(second ^ code, 0x5bd1e995) ^ (second >>> 13);
  }
  return (first >>> 0) * 1_048_576 + ((second >>> 0) & 0xfffff);
}

function withoutVersion<T extends { version: unknown }>(record: T): Omit<T, 'version'> {
  const { version: _previous, ...rest } = record;
  return rest;
}

/** Appends `"version":n` to a serialised record (cheaper than copying the object to add the field). */
function withVersion(json: string, version: number): string {
  return json === '{}' ? `{"version":${version}}` : `${json.slice(0, -1)},"version":${version}}`;
}

function configureForService(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -64000');
}

/** The rows each selection of the feed walks, as a condition on `entity`. */
const FEED_SELECTIONS: Record<FeedSelection, string> = {
  all: '1',
  // Through the partial index entity_open_by_seq.
  open: 'open = 1',
  // The primary key: most rows are closed, so filtering out the open ones is cheap. Tombstones belong here: an
  // item served in the open phase may have been deleted before the snapshot.
  history: 'open = 0',
};

/**
 * A change as the page writes it (openapi.yaml, Change): its head, then the stored document (null for a delete).
 * The kinds and ops are plain words of the contract; the id is quoted as JSON.
 */
const CHANGE_JSON = `'{"entity":"' || kind || '","op":"' || op || '","id":' || json_quote(id) || ',"version":' || version || ',"data":' || coalesce(data, 'null') || '}'`;

/**
 * The statement that serialises a run of the feed: up to `limit` rows of the selection after one position and
 * through another, as one run of JSON bytes, with their count and last position.
 *
 * The changes come out in the order of `seq` without an ORDER BY in group_concat: the subquery is a co-routine
 * that yields its rows in that order (a walk of the primary key or of entity_open_by_seq, never a sort), and the
 * aggregate takes them as they come. Asked to order them, group_concat sorted a page's 2 MB again: 6.2 ms
 * against 2.9 for a 2,000-change page of a 200,000-alert district, read once and in order as a sync reads it.
 * SQLite does not promise that order, so store.test.ts checks the plan of each selection's statement.
 */
export function feedRunSql(selection: FeedSelection): string {
  // The result comes back as the stored UTF-8 bytes (a Buffer), not decoded into a string.
  return `SELECT CAST(group_concat(${CHANGE_JSON}, ',') AS BLOB) AS json, count(*) AS count, max(seq) AS lastSeq
    FROM (SELECT seq, kind, op, id, version, data FROM entity WHERE ${FEED_SELECTIONS[selection]} AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?)`;
}

function feedRunStatements(
  db: Database.Database,
): Record<FeedSelection, { run: Database.Statement; next: Database.Statement }> {
  const statements = (selection: FeedSelection) => ({
    run: db.prepare(feedRunSql(selection)),
    next: db.prepare(
      `SELECT 1 FROM entity WHERE ${FEED_SELECTIONS[selection]} AND seq > ? AND seq <= ? ORDER BY seq LIMIT 1`,
    ),
  });
  return { all: statements('all'), open: statements('open'), history: statements('history') };
}

function prepareStatements(db: Database.Database) {
  return {
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    insert: db.prepare(
      'INSERT INTO entity (seq, key, kind, id, version, op, open, changed_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    // The bytes are UTF-8 JSON already: CAST stores them as text without converting them again.
    insertEncoded: db.prepare(
      "INSERT INTO entity (seq, key, kind, id, version, op, open, changed_at, data) VALUES (?, ?, ?, ?, 1, 'upsert', ?, ?, CAST(? AS TEXT))",
    ),
    update: db.prepare(
      'UPDATE entity SET seq = ?, version = ?, op = ?, open = ?, changed_at = ?, data = ? WHERE key = ? AND kind = ? AND id = ?',
    ),
    getVersion: db.prepare('SELECT version, op FROM entity WHERE key = ? AND kind = ? AND id = ?'),
    getData: db.prepare('SELECT data FROM entity WHERE key = ? AND kind = ? AND id = ?'),
    openOfKind: db.prepare(
      "SELECT data FROM entity WHERE open = 1 AND kind = ? AND op = 'upsert' ORDER BY id",
    ),
    allOfKind: db.prepare("SELECT data FROM entity WHERE kind = ? AND op = 'upsert' ORDER BY id"),
    // Named index: left to itself the planner walks the primary key, the whole feed, to find a few tombstones.
    newestPurgeable: db.prepare(
      "SELECT max(seq) AS seq FROM entity INDEXED BY entity_tombstones WHERE op = 'delete' AND changed_at < ? AND seq < ?",
    ),
    purge: db.prepare(
      "DELETE FROM entity INDEXED BY entity_tombstones WHERE op = 'delete' AND changed_at < ? AND seq < ?",
    ),
    feedRuns: feedRunStatements(db),
    countRows: db.prepare('SELECT count(*) AS count FROM entity'),
    countOpenAfter: db.prepare('SELECT count(*) AS count FROM entity WHERE open = 1 AND seq > ?'),
    countByKind: db.prepare("SELECT kind, count(*) AS count FROM entity WHERE op = 'upsert' GROUP BY kind"),
    upsertPending: db.prepare(
      'INSERT INTO pending_step (alert_id, due_at, plan) VALUES (?, ?, ?) ON CONFLICT(alert_id) DO UPDATE SET due_at = excluded.due_at, plan = excluded.plan',
    ),
    deletePending: db.prepare('DELETE FROM pending_step WHERE alert_id = ?'),
    pendingDue: db.prepare(
      'SELECT alert_id AS alertId, due_at AS dueAt, plan FROM pending_step WHERE due_at <= ? ORDER BY due_at',
    ),
    addTally: db.prepare(
      'INSERT INTO sync_tally (scene_id, day, reported, received) VALUES (?, ?, ?, ?) ON CONFLICT(scene_id, day) DO UPDATE SET reported = reported + excluded.reported, received = received + excluded.received',
    ),
    sumTally: db.prepare(
      'SELECT sum(reported) AS reported, sum(received) AS received FROM sync_tally WHERE scene_id = ? AND day >= ? AND day <= ?',
    ),
  };
}
