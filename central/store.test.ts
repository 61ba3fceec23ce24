import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Versioned } from './entities';
import { feedRunSql, Store, type FeedSelection } from './store';

/** A document of the test's own: the feed stores any JSON object with an id. */
interface Named extends Versioned {
  name?: string;
  note?: string;
}

let dir: string;
let store: Store;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'central-store-'));
  store = Store.create(path.join(dir, 'central.sqlite'), () => Date.UTC(2026, 10, 23));
  store.finishBulkLoad();
});

afterEach(() => {
  store.db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The `changes` array a run stands for, parsed. */
const parsedRun = (json: Buffer): unknown => JSON.parse(`[${json.toString('utf8')}]`);

describe('Store.feedRun', () => {
  it('serialises each change as the contract writes it, the stored document spliced in, a delete with null data', () => {
    // Ids a JSON string must escape, and one in Chinese: the id is quoted as JSON, not pasted.
    const ids = ['SC-1', 'SC-"引号"\\反斜杠', '场景二'];
    for (const id of ids) store.put<Named>('scene', { id, name: `名称 ${id}`, note: 'a\nb' }, true);
    expect(store.remove('scene', 'SC-1')).toBe(true);

    const run = store.feedRun('all', 0, Number.MAX_SAFE_INTEGER, 10);
    const expected = [
      {
        entity: 'scene',
        op: 'upsert',
        id: ids[1],
        version: 1,
        data: { id: ids[1], name: `名称 ${ids[1]}`, note: 'a\nb', version: 1 },
      },
      {
        entity: 'scene',
        op: 'upsert',
        id: ids[2],
        version: 1,
        data: { id: ids[2], name: `名称 ${ids[2]}`, note: 'a\nb', version: 1 },
      },
      { entity: 'scene', op: 'delete', id: 'SC-1', version: 2, data: null },
    ];
    expect(parsedRun(run.json)).toEqual(expected);
    // Byte for byte what JSON.stringify writes: the page a client receives is plain, compact JSON.
    expect(run.json.toString('utf8')).toBe(expected.map((change) => JSON.stringify(change)).join(','));
    expect([run.count, run.lastSeq, run.more]).toEqual([3, store.head, false]);
  });

  it('stops at the limit and at the bound, and says whether rows of the selection follow', () => {
    for (let index = 0; index < 5; index += 1)
      store.put<Named>('scene', { id: `S${index}` }, index % 2 === 0);
    // Positions 1..5; the open ones are 1, 3 and 5.
    const firstTwo = store.feedRun('all', 0, Number.MAX_SAFE_INTEGER, 2);
    expect([firstTwo.count, firstTwo.lastSeq, firstTwo.more]).toEqual([2, 2, true]);

    const open = store.feedRun('open', 1, Number.MAX_SAFE_INTEGER, 1);
    expect([open.count, open.lastSeq, open.more]).toEqual([1, 3, true]);
    const lastOpen = store.feedRun('open', 3, Number.MAX_SAFE_INTEGER, 1);
    expect([lastOpen.count, lastOpen.lastSeq, lastOpen.more]).toEqual([1, 5, false]);

    // Up to a snapshot at position 4: the closed rows 2 and 4, and nothing after the bound counts as more.
    const history = store.feedRun('history', 0, 4, 2);
    expect(parsedRun(history.json)).toMatchObject([{ id: 'S1' }, { id: 'S3' }]);
    expect([history.count, history.lastSeq, history.more]).toEqual([2, 4, false]);

    const empty = store.feedRun('all', 5, Number.MAX_SAFE_INTEGER, 10);
    expect([empty.json.byteLength, empty.count, empty.lastSeq, empty.more]).toEqual([0, 0, null, false]);
  });

  it('yields the rows of each selection in feed order without sorting them, which keeps the page in that order', () => {
    // group_concat takes the rows as the subquery yields them (feedRunSql): a co-routine that walks an index in
    // the order of seq. A plan that sorts, or reads the rows some other way, could reorder the page.
    const selections: FeedSelection[] = ['all', 'open', 'history'];
    for (const selection of selections) {
      const plan = (
        store.db.prepare(`EXPLAIN QUERY PLAN ${feedRunSql(selection)}`).all(0, 1, 2) as { detail: string }[]
      ).map((step) => step.detail);
      expect(plan, selection).toContain('CO-ROUTINE (subquery-1)');
      expect(plan.join('\n'), selection).not.toMatch(/TEMP B-TREE|SORT/);
      expect(plan.join('\n'), selection).toMatch(
        selection === 'open'
          ? /SEARCH entity USING (COVERING )?INDEX entity_open_by_seq \(seq>\? AND seq<\?\)/
          : /SEARCH entity USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/,
      );
    }
  });
});
