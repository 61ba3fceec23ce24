import type Database from 'better-sqlite3';
import { utf8Text } from './central-client';
import { entityNames, instantMs, type EntityDocument, type EntityName, type ValidChange } from './wire';

const ms = (iso: string): number => instantMs(iso);
const msOrNull = (iso: string | null): number | null => (iso === null ? null : instantMs(iso));

interface TableMapping<E extends EntityName> {
  table: string;
  /** The indexed columns copied out of the document (besides id, version and data), in the order of `values`. */
  columns: readonly string[];
  values: (document: EntityDocument<E>) => (string | number | null)[];
}

/** Where each entity of the feed lands, and which of its fields become indexed columns. */
const mappings: { [E in EntityName]: TableMapping<E> } = {
  scene: {
    table: 'scene',
    columns: ['name', 'kind', 'category', 'last_alert_at', 'sync_rate'],
    values: (d) => [d.name, d.kind, d.category, msOrNull(d.lastAlertAt), d.sync.rate],
  },
  device: {
    table: 'device',
    columns: ['scene_id', 'status', 'offline_since', 'info_error'],
    values: (d) => [d.sceneId, d.status, msOrNull(d.offlineSince), d.infoError === null ? 0 : 1],
  },
  alert: {
    table: 'alert',
    columns: [
      'scene_id',
      'device_id',
      'category',
      'level',
      'status',
      'occurred_at',
      'reported_at',
      'has_handler',
      'dispatched_at',
      'deadline_at',
      'closed_at',
      'loop',
      'major_loop_kind',
      'verified_at',
      'non_standard',
    ],
    values: (d) => [
      d.sceneId,
      d.deviceId,
      d.category,
      d.level,
      d.status,
      ms(d.occurredAt),
      ms(d.reportedAt),
      d.handler === null ? 0 : 1,
      msOrNull(d.dispatchedAt),
      ms(d.deadlineAt),
      msOrNull(d.closedAt),
      d.loop,
      d.majorLoopKind,
      msOrNull(d.verifiedAt),
      d.elementIssues.length > 0 ? 1 : 0,
    ],
  },
  workOrder: {
    table: 'work_order',
    columns: ['alert_id', 'status', 'deadline_at', 'closed_at'],
    values: (d) => [d.alertId, d.status, ms(d.deadlineAt), msOrNull(d.closedAt)],
  },
  workPrompt: {
    table: 'work_prompt',
    columns: ['rule', 'subject_entity', 'subject_id', 'status', 'due_at'],
    values: (d) => [d.rule, d.subject.entity, d.subject.id, d.status, ms(d.dueAt)],
  },
  timelineEntry: {
    table: 'timeline_entry',
    columns: ['subject_entity', 'subject_id', 'at'],
    values: (d) => [d.subject.entity, d.subject.id, ms(d.at)],
  },
  commandManual: {
    table: 'command_manual',
    columns: ['scene_id', 'level'],
    values: (d) => [d.sceneId, d.level],
  },
  keyPeriod: {
    table: 'key_period',
    columns: ['starts_at', 'ends_at'],
    values: (d) => [ms(d.startsAt), ms(d.endsAt)],
  },
  operator: { table: 'operator', columns: [], values: () => [] },
  claim: {
    table: 'claim',
    columns: ['subject_entity', 'subject_id', 'operator_id', 'expires_at'],
    values: (d) => [d.subject.entity, d.subject.id, d.operatorId, ms(d.expiresAt)],
  },
  handover: { table: 'handover', columns: ['recorded_at'], values: (d) => [ms(d.recordedAt)] },
};

/** The table an entity of the feed is stored in. */
export function tableOf(entity: EntityName): string {
  return mappings[entity].table;
}

/** The indexed columns of an entity's table that the writer fills from the document (for tests). */
export function columnsOf(entity: EntityName): readonly string[] {
  return mappings[entity].columns;
}

/**
 * Changes turned into the values their statements bind, ready to be written: what a page costs besides
 * SQLite (reading the document's fields, finding its JSON) is paid here, so that it can be paid on another
 * thread than the one writing (see page-fetcher.ts). Plain arrays and one string, so that they cross
 * threads cheaply.
 */
export interface PreparedChanges {
  /** Per change: its entity's index in `entityNames`, plus DELETE_FLAG for a delete. */
  kinds: number[];
  /** Per change: an upsert's [id, version, ...columns] or a delete's [id, version]. */
  rows: (string | number | null)[][];
  /**
   * The documents' JSON, all in one text or in one run of UTF-8 bytes (the page's body as received, see
   * readPage): an upsert's is `documents.slice(spans[2i], spans[2i + 1])` (subarray for bytes).
   */
  documents: string | Uint8Array;
  spans: Int32Array;
}

const DELETE_FLAG = 128;
const entityIndex = new Map(entityNames.map((entity, index) => [entity, index]));

function columnValues(
  entity: EntityName,
  id: string,
  version: number,
  document: EntityDocument<EntityName>,
): (string | number | null)[] {
  const mapping = mappings[entity] as TableMapping<EntityName>;
  const row: (string | number | null)[] = [id, version];
  for (const value of mapping.values(document)) row.push(value ?? null);
  return row;
}

/** Puts a validated change's kind and row at `index` of `into` (see PreparedChanges). */
export function prepareChangeAt(
  into: Pick<PreparedChanges, 'kinds' | 'rows'>,
  index: number,
  change: ValidChange,
): void {
  const kind = entityIndex.get(change.entity) as number;
  if (change.op === 'delete') {
    into.kinds[index] = kind | DELETE_FLAG;
    into.rows[index] = [change.id, change.version];
  } else {
    into.kinds[index] = kind;
    into.rows[index] = columnValues(change.entity, change.id, change.version, change.document);
  }
}

/** Prepares validated changes for `CacheWriter.applyPrepared`, in order, each document serialised. */
export function prepareChanges(changes: readonly ValidChange[]): PreparedChanges {
  const into = {
    kinds: new Array<number>(changes.length),
    rows: new Array<(string | number | null)[]>(changes.length),
  };
  changes.forEach((change, index) => prepareChangeAt(into, index, change));
  return { ...into, ...serialisedDocuments(changes) };
}

/** The documents serialised one after another, with their spans. */
function serialisedDocuments(changes: readonly ValidChange[]): { documents: string; spans: Int32Array } {
  const texts: string[] = [];
  const spans = new Int32Array(changes.length * 2).fill(-1);
  let offset = 0;
  changes.forEach((change, index) => {
    if (change.op === 'delete') return;
    const text = JSON.stringify(change.document);
    texts.push(text);
    spans[index * 2] = offset;
    spans[index * 2 + 1] = offset + text.length;
    offset += text.length;
  });
  return { documents: texts.join(''), spans };
}

/** The entity and id of each prepared change, in order (the outbox rebases the documents it touches). */
export function* preparedKeys(prepared: PreparedChanges): Generator<{ entity: EntityName; id: string }> {
  for (let index = 0; index < prepared.kinds.length; index += 1) {
    yield {
      entity: entityNames[(prepared.kinds[index] as number) & ~DELETE_FLAG] as EntityName,
      id: (prepared.rows[index] as (string | number | null)[])[0] as string,
    };
  }
}

/**
 * The buffer that prepared changes' bytes fill alone (the page body as received), or null when they are text or
 * a view into a larger buffer (Node's pool of small Buffers): only such a buffer may be moved to another thread
 * or freed, since no other view can be cut off with it.
 */
export function ownedDocumentsBuffer(prepared: PreparedChanges): ArrayBuffer | null {
  const { documents } = prepared;
  if (typeof documents === 'string' || !(documents.buffer instanceof ArrayBuffer)) return null;
  return documents.byteOffset === 0 && documents.byteLength === documents.buffer.byteLength
    ? documents.buffer
    : null;
}

/**
 * Frees at once the page body that prepared changes read from, once they are written. Left to the collector,
 * a thread that allocates little between pages (the sync worker) kept several 3 MB bodies alive until its next
 * collection. Node 22's ArrayBuffer.prototype.transfer frees the old buffer's memory as it detaches it.
 */
export function releasePrepared(prepared: PreparedChanges): void {
  // ES2024's ArrayBuffer.prototype.transfer (in Node 22), past the ES2023 library the code is typed against.
  const buffer: (ArrayBuffer & { transfer?: (length: number) => ArrayBuffer }) | null =
    ownedDocumentsBuffer(prepared);
  buffer?.transfer?.(0);
}

/** The JSON of a prepared upsert's document, as the writer binds it: text, or its UTF-8 bytes. */
function boundDocument(prepared: PreparedChanges, index: number): string | Uint8Array {
  const { documents, spans } = prepared;
  return typeof documents === 'string'
    ? documents.slice(spans[index * 2], spans[index * 2 + 1])
    : documents.subarray(spans[index * 2], spans[index * 2 + 1]);
}

/** The JSON of a prepared upsert's document. */
export function preparedDocument(prepared: PreparedChanges, index: number): string {
  const document = boundDocument(prepared, index);
  return typeof document === 'string' ? document : utf8Text(document);
}

/**
 * Writes validated changes into the cache. An upsert never replaces a newer version with an older
 * one, and a delete removes only versions up to its own, so replaying a page (after a crash, or a
 * duplicate delivery) leaves the cache exactly as it was.
 */
export class CacheWriter {
  readonly #upserters = new Map<EntityName, Database.Statement>();
  readonly #removers = new Map<EntityName, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  #upserter(entity: EntityName): Database.Statement {
    let upserter = this.#upserters.get(entity);
    if (!upserter) {
      const { table, columns } = mappings[entity];
      const columnNames = ['id', 'version', ...columns, 'data'];
      const updates = columnNames
        .filter((name) => name !== 'id')
        .map((name) => `${name} = excluded.${name}`)
        .join(', ');
      // The document is bound as text or as its UTF-8 bytes (a blob), stored as text either way: bound as
      // bytes it is neither decoded on the fetch thread nor encoded again here (see readPage).
      const values = [...columnNames.slice(0, -1).map(() => '?'), 'CAST(? AS TEXT)'];
      upserter = this.db.prepare(
        `INSERT INTO ${table} (${columnNames.join(', ')}) VALUES (${values.join(', ')})
           ON CONFLICT (id) DO UPDATE SET ${updates} WHERE excluded.version >= ${table}.version`,
      );
      this.#upserters.set(entity, upserter);
    }
    return upserter;
  }

  #remover(entity: EntityName): Database.Statement {
    let remover = this.#removers.get(entity);
    if (!remover) {
      remover = this.db.prepare(`DELETE FROM ${tableOf(entity)} WHERE id = ? AND version <= ?`);
      this.#removers.set(entity, remover);
    }
    return remover;
  }

  /** Applies changes in order; call inside a transaction. */
  apply(changes: readonly ValidChange[]): void {
    this.applyPrepared(prepareChanges(changes));
  }

  /** Applies prepared changes in order; call inside a transaction. */
  applyPrepared(prepared: PreparedChanges): void {
    const { kinds, rows } = prepared;
    for (let index = 0; index < kinds.length; index += 1) {
      const kind = kinds[index] as number;
      const entity = entityNames[kind & ~DELETE_FLAG] as EntityName;
      // Positional values: binding a fresh object per row costs a fifth of the write on a large sync.
      if (kind & DELETE_FLAG) this.#remover(entity).run(rows[index]);
      else this.#upserter(entity).run(rows[index], boundDocument(prepared, index));
    }
  }

  /** Writes a document as the operator should see it (a local effect over the server's version); null removes it. */
  writeDocument(entity: EntityName, id: string, document: Record<string, unknown> | null): void {
    if (document === null) {
      this.#remover(entity).run(id, Number.MAX_SAFE_INTEGER);
      return;
    }
    const version = typeof document.version === 'number' ? document.version : 0;
    this.#upserter(entity).run(
      columnValues(entity, id, version, document as EntityDocument<EntityName>),
      JSON.stringify(document),
    );
  }
}
