import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerClock } from '../clock';
import {
  CacheWriter,
  columnsOf,
  prepareChanges,
  preparedDocument,
  preparedKeys,
  releasePrepared,
  tableOf,
} from './cache-writer';
import { createInlinePageSource, type FetchedPage } from './page-fetcher';
import { openCache, signInCache, startTestCentral, testClient, type TestCentral } from './testing/harness';
import { entityNames, type EntityName } from './wire';

let test: TestCentral;
let db: Database.Database;
const pages: FetchedPage[] = [];

beforeAll(async () => {
  test = await startTestCentral({ seed: 43, historyDays: 1 });
  db = openCache(path.join(test.dir, 'cache.db'));
  const { token } = await signInCache(db, test.url, createServerClock());
  if (token === null) throw new Error('signed in without a token');
  const stream = createInlinePageSource(testClient(test.url)).open({
    cursor: null,
    token,
    limit: 1000,
    lookahead: 0,
  });
  for (;;) {
    const page = await stream.next();
    pages.push(page);
    if (!page.meta.hasMore) break;
  }
}, 60_000);

afterAll(async () => {
  db.close();
  await test.close();
});

const tableColumns = (table: string): string[] =>
  (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map(
    (row) => row.name,
  );

describe('CacheWriter', () => {
  it('copies each entity into columns its table has, one value per column, plus id, version and the document', () => {
    const seen = new Set<EntityName>();
    for (const page of pages) {
      for (const [index, { entity }] of [...preparedKeys(page.changes)].entries()) {
        seen.add(entity);
        const row = page.changes.rows[index] ?? [];
        expect(row).toHaveLength(columnsOf(entity).length + 2);
        // The document as the server wrote it, found in the page's text.
        expect(JSON.parse(preparedDocument(page.changes, index))).toMatchObject({
          id: row[0],
          version: row[1],
        });
      }
    }
    // The reference district sends every kind of entity the writer knows but the rare ones.
    expect(seen.size).toBeGreaterThanOrEqual(8);
    for (const entity of entityNames) {
      const columns = tableColumns(tableOf(entity));
      expect(columns, entity).toEqual(
        expect.arrayContaining(['id', 'version', 'data', ...columnsOf(entity)]),
      );
    }
  });

  it('writes the prepared pages so that the columns say what the documents say', () => {
    const writer = new CacheWriter(db);
    for (const page of pages) db.transaction(() => writer.applyPrepared(page.changes))();
    const alerts = db.prepare('SELECT reported_at, level, has_handler, data FROM alert').all() as {
      reported_at: number;
      level: string;
      has_handler: number;
      data: string;
    }[];
    expect(alerts.length).toBeGreaterThan(50);
    // The pages were read change by change, their documents the body's bytes: stored as text all the same,
    // exactly as the platform wrote them.
    expect(pages.every((page) => page.changes.documents instanceof Uint8Array)).toBe(true);
    for (const entity of entityNames) {
      const table = tableOf(entity);
      expect(
        db.prepare(`SELECT count(*) AS n FROM ${table} WHERE typeof(data) <> 'text'`).get(),
        table,
      ).toEqual({ n: 0 });
    }
    const latest = new Map<string, string>();
    for (const page of pages) {
      for (const [index, { entity, id }] of [...preparedKeys(page.changes)].entries()) {
        if (entity === 'alert' && page.changes.spans[2 * index]! >= 0)
          latest.set(id, preparedDocument(page.changes, index));
      }
    }
    const stored = db.prepare('SELECT data FROM alert WHERE id = ?').pluck();
    for (const [id, document] of latest) expect(stored.get(id)).toBe(document);
    for (const alert of alerts) {
      const document = JSON.parse(alert.data) as { reportedAt: string; level: string; handler: unknown };
      expect(alert.reported_at).toBe(Date.parse(document.reportedAt));
      expect(alert.level).toBe(document.level);
      expect(alert.has_handler).toBe(document.handler === null ? 0 : 1);
    }
  });

  it('frees a written page body that fills its own buffer, and leaves one that shares its buffer alone', () => {
    const prepared = (documents: Uint8Array) => ({ ...prepareChanges([]), documents });
    const own = new Uint8Array(Buffer.from('{"id":"a"}'));
    expect(own.byteLength).toBe(own.buffer.byteLength);
    releasePrepared(prepared(own));
    expect(own.byteLength).toBe(0);
    expect(own.buffer.byteLength).toBe(0);
    // A view into a larger buffer (Node's pool of small Buffers) is never cut off.
    const shared = Buffer.from('{"id":"b"}');
    expect(shared.byteLength).toBeLessThan(shared.buffer.byteLength);
    releasePrepared(prepared(shared));
    expect(shared.toString()).toBe('{"id":"b"}');
  });

  it('never lets an older version replace a newer one, and a delete removes only versions up to its own', () => {
    const writer = new CacheWriter(db);
    const [row] = db.prepare('SELECT id, version, data FROM alert LIMIT 1').all() as {
      id: string;
      version: number;
      data: string;
    }[];
    if (!row) throw new Error('no alert in the cache');
    const older = { ...(JSON.parse(row.data) as object), version: row.version - 1, level: 'red' };
    db.transaction(() =>
      writer.applyPrepared(
        prepareChanges([
          { entity: 'alert', op: 'upsert', id: row.id, version: row.version - 1, document: older as never },
          { entity: 'alert', op: 'delete', id: row.id, version: row.version - 1 },
        ]),
      ),
    )();
    const kept = db.prepare('SELECT version, data FROM alert WHERE id = ?').get(row.id) as {
      version: number;
      data: string;
    };
    expect(kept).toEqual({ version: row.version, data: row.data });
    db.transaction(() =>
      writer.apply([{ entity: 'alert', op: 'delete', id: row.id, version: row.version }]),
    )();
    expect(db.prepare('SELECT 1 FROM alert WHERE id = ?').get(row.id)).toBeUndefined();
  });
});
