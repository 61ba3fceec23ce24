import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueIds } from '../../preload/contract';
import { cacheMigrations } from './db/migrations';
import { openCacheDatabase } from './db/open-database';
import { QueueReader, type QueueView } from './queues';
import { CacheWriter } from './sync/cache-writer';
import { alertDocument, deviceDocument, sceneDocument } from './sync/test-fixtures';
import { validatePage } from './sync/wire';

const now = Date.parse('2026-11-23T08:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(now - minutes * 60_000).toISOString();

let dir: string;
let db: Database.Database;

function write(entity: string, documents: Record<string, unknown>[]): void {
  const page = validatePage({
    changes: documents.map((data) => ({ entity, op: 'upsert', id: data.id, version: data.version, data })),
    cursor: 'c',
    hasMore: false,
    phase: 'live',
    serverTime: new Date(now).toISOString(),
  });
  db.transaction(() => new CacheWriter(db).apply(page.changes))();
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-queues-'));
  db = openCacheDatabase(path.join(dir, 'cache.db'), {
    migrations: cacheMigrations,
    now: () => new Date(),
    warn: () => undefined,
  }).db;
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('QueueReader', () => {
  it('uses an index for every queue of alerts and never scans the alert table', () => {
    for (const queue of queueIds) {
      for (const sql of [QueueReader.pageSql(queue), QueueReader.countSql(queue)]) {
        const plan = (
          db
            .prepare(`EXPLAIN QUERY PLAN ${sql}`)
            .all(
              Object.fromEntries(
                [
                  'now',
                  'limit',
                  'offset',
                  'undispatchedAfterMs',
                  'overdueClosureAfterMs',
                  'silentSceneAfterMs',
                  'syncRateBelow',
                ]
                  .filter((name) => sql.includes(`@${name}`))
                  .map((name) => [name, 1]),
              ),
            ) as { detail: string }[]
        ).map((row) => row.detail);
        expect(plan.join('\n'), `${queue}: ${sql}`).not.toMatch(/SCAN a\b(?! USING)/);
        // A count reads the index alone (COVERING): that is the index too.
        if (sql.includes('FROM alert a')) {
          expect(plan.join('\n'), queue).toMatch(/USING (COVERING )?INDEX alert_/);
        }
      }
    }
  });

  it('fills each alert queue by its rule: red (unverified first), no handler after an hour, overdue by two days, non-standard', () => {
    write('scene', [sceneDocument()]);
    write('alert', [
      alertDocument({ id: 'red-verified', reportedAt: minutesAgo(30), verifiedAt: minutesAgo(10) }),
      alertDocument({ id: 'red-new', reportedAt: minutesAgo(5) }),
      alertDocument({ id: 'red-closed', closedAt: minutesAgo(1), status: 'closed' }),
      alertDocument({ id: 'blue-59', level: 'blue', reportedAt: minutesAgo(59) }),
      alertDocument({ id: 'blue-61', level: 'blue', reportedAt: minutesAgo(61) }),
      alertDocument({
        id: 'late',
        level: 'yellow',
        handler: { name: '李强', unit: '燃气公司', phone: '1' },
        deadlineAt: minutesAgo(2 * 24 * 60 + 1),
      }),
      alertDocument({
        id: 'nearly-late',
        level: 'yellow',
        handler: { name: '李强', unit: '燃气公司', phone: '1' },
        deadlineAt: minutesAgo(2 * 24 * 60 - 1),
      }),
      alertDocument({
        id: 'sloppy',
        level: 'orange',
        handler: { name: '王芳', unit: '燃气公司', phone: '1' },
        elementIssues: [
          { key: 'disposalMeasures', problem: 'missing', detail: '' },
          { key: 'contactPhone', problem: 'malformed', detail: '' },
        ],
      }),
    ]);
    const reader = new QueueReader(db);
    expect(reader.page('redAlerts', now, 0, 10).map((row) => row.id)).toEqual(['red-new', 'red-verified']);
    expect(reader.page('undispatched', now, 0, 10).map((row) => row.id)).toContain('blue-61');
    expect(reader.page('undispatched', now, 0, 10).map((row) => row.id)).not.toContain('blue-59');
    expect(reader.page('overdueClosure', now, 0, 10).map((row) => row.id)).toEqual(['late']);
    const [sloppy] = reader.page('nonStandard', now, 0, 10);
    expect(sloppy).toMatchObject({
      id: 'sloppy',
      detail: 'disposalMeasures, contactPhone',
      sceneName: '陆家嘴燃气管网监测',
    });
    expect(reader.count('redAlerts', now)).toBe(2);
    // Paging: offset and limit cut the same order.
    expect(reader.page('redAlerts', now, 1, 1).map((row) => row.id)).toEqual(['red-verified']);
  });

  it('lists the open work prompts raised here, not the snoozed, resolved or calendar ones', () => {
    const insert = db.prepare(
      `INSERT INTO local_prompt (id, rule, subject_entity, subject_id, stage, state, recipient_role, reason, raised_at, due_at, snoozed_until)
       VALUES (?, ?, 'alert', ?, 0, ?, 'sceneOperator', ?, ?, ?, ?)`,
    );
    insert.run(
      'p-open',
      'undispatched',
      'a-1',
      'raised',
      '已 1 小时 12 分无处置人员',
      now - 60_000,
      now + 3_600_000,
      null,
    );
    insert.run(
      'p-snoozed',
      'undispatched',
      'a-2',
      'issued',
      '已 2 小时无处置人员',
      now - 60_000,
      now,
      now + 600_000,
    );
    insert.run(
      'p-woke',
      'non-standard',
      'a-3',
      'issued',
      '未填写联系电话',
      now - 60_000,
      now + 60_000,
      now - 1,
    );
    insert.run('p-done', 'undispatched', 'a-4', 'resolved', '已派单', now - 60_000, now, null);
    insert.run('p-weekly', 'weekly-report', 'a-5', 'raised', '今天发布运行周报', now - 60_000, now, null);
    const reader = new QueueReader(db);
    expect(reader.page('workPrompts', now, 0, 10).map((row) => [row.id, row.title])).toEqual([
      ['p-woke', '未填写联系电话'],
      ['p-open', '已 1 小时 12 分无处置人员'],
    ]);
    expect(reader.count('workPrompts', now)).toBe(2);
    // The calendar duty is the duty items' row, not a work prompt.
    expect(reader.page('dutyItems', now, 0, 10).map((row) => [row.id, row.category])).toEqual([
      ['p-weekly', 'weekly-report'],
    ]);
    expect(reader.count('dutyItems', now)).toBe(1);
  });

  it('lists silent scenes, devices offline or misregistered, and scenes under the sync-rate threshold', () => {
    write('scene', [
      sceneDocument({ id: 'quiet', name: '静默场景', lastAlertAt: minutesAgo(24 * 60 + 1) }),
      sceneDocument({
        id: 'busy',
        name: '活跃场景',
        lastAlertAt: minutesAgo(23 * 60 + 59),
        sync: { rate: 0.899 },
      }),
      sceneDocument({ id: 'fine', name: '同步正常', sync: { rate: 0.9 } }),
    ]);
    write('device', [
      deviceDocument({ id: 'off', status: 'offline', offlineSince: minutesAgo(90) }),
      deviceDocument({
        id: 'wrong',
        infoError: { field: 'address', registered: 'a', observed: 'b', detectedAt: minutesAgo(5) },
      }),
      deviceDocument({ id: 'ok' }),
    ]);
    const reader = new QueueReader(db);
    expect(reader.page('silentScenes', now, 0, 10).map((row) => row.id)).toEqual(['quiet']);
    expect(reader.page('syncRate', now, 0, 10)).toEqual([
      expect.objectContaining({ id: 'busy', detail: '89.9%' }),
    ]);
    expect(
      reader
        .page('deviceIssues', now, 0, 10)
        .map((row) => row.id)
        .sort(),
    ).toEqual(['off', 'wrong']);
  });
});

describe('QueueReader: sorted and filtered pages', () => {
  const handler = (name: string) => ({ name, unit: '燃气公司', phone: '1' });

  /** Six open alerts without a handler for over an hour, in two scenes and four levels. */
  function fillUndispatched(): QueueReader {
    write('scene', [
      sceneDocument(),
      sceneDocument({ id: 'scene-2', name: '张江桥梁健康监测', category: 'bridge' }),
    ]);
    write('alert', [
      alertDocument({ id: 'a1', level: 'blue', reportedAt: minutesAgo(300), title: '管网压力偏低' }),
      alertDocument({ id: 'a2', level: 'red', reportedAt: minutesAgo(90), title: '甲烷浓度超限 100%' }),
      alertDocument({
        id: 'a3',
        level: 'yellow',
        sceneId: 'scene-2',
        category: 'bridge',
        reportedAt: minutesAgo(200),
        title: 'Bridge deflection HIGH',
        location: { lng: 121.6, lat: 31.2, street: '张江镇', address: '科苑路 88 号' },
      }),
      alertDocument({ id: 'a4', level: 'orange', reportedAt: minutesAgo(120), title: '甲烷浓度超限_复核' }),
      alertDocument({
        id: 'a5',
        level: 'red',
        reportedAt: minutesAgo(61),
        deadlineAt: minutesAgo(-30),
        title: '监测值超过预警阈值',
      }),
      alertDocument({
        id: 'a6',
        level: 'yellow',
        reportedAt: minutesAgo(400),
        deadlineAt: minutesAgo(-600),
        title: '阀门井甲烷浓度偏高',
      }),
      // Has a handler: in no undispatched view, whatever it is filtered by.
      alertDocument({
        id: 'dispatched',
        level: 'red',
        handler: handler('李强'),
        reportedAt: minutesAgo(500),
      }),
    ]);
    return new QueueReader(db);
  }
  const ids = (rows: { id: string }[]) => rows.map((row) => row.id);

  it('keeps the default order without a view, and reads sorted and filtered views through the queue index too', () => {
    const views: QueueView[] = [
      { sort: { column: 'dueIn', direction: 'asc' } },
      { quickFilter: '红', quickFilterCodes: [{ column: 'level', codes: ['red'] }] },
      { filters: [{ column: 'scene', contains: '桥梁' }] },
    ];
    for (const queue of ['redAlerts', 'undispatched', 'overdueClosure', 'nonStandard'] as const) {
      for (const view of views) {
        for (const sql of [QueueReader.pageSql(queue, view), QueueReader.countSql(queue, view)]) {
          const parameters: Record<string, string | number> = {};
          for (const [, name = ''] of sql.matchAll(/@(\w+)/g))
            parameters[name] = name.includes('odes') ? '[]' : 1;
          const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(parameters) as { detail: string }[])
            .map((row) => row.detail)
            .join('\n');
          expect(plan, `${queue}: ${sql}`).not.toMatch(/SCAN a\b(?! USING)/);
          expect(plan, queue).toMatch(/USING (COVERING )?INDEX alert_/);
        }
      }
    }
    expect(QueueReader.pageSql('undispatched')).toMatch(/ORDER BY a\.reported_at LIMIT/);
  });

  it('sorts by the elapsed time (longest first when descending), the time left, the level and a text column', () => {
    const reader = fillUndispatched();
    expect(ids(reader.page('undispatched', now, 0, 10))).toEqual(['a6', 'a1', 'a3', 'a4', 'a2', 'a5']);
    expect(
      ids(reader.page('undispatched', now, 0, 10, { sort: { column: 'elapsed', direction: 'desc' } })),
    ).toEqual(['a6', 'a1', 'a3', 'a4', 'a2', 'a5']);
    expect(
      ids(reader.page('undispatched', now, 0, 10, { sort: { column: 'elapsed', direction: 'asc' } })),
    ).toEqual(['a5', 'a2', 'a4', 'a3', 'a1', 'a6']);
    // a5 is due in 30 minutes, a6 in 10 hours; a1 to a4 share the fixture's deadline, and the queue's own order
    // (oldest first) breaks the tie.
    expect(
      ids(reader.page('undispatched', now, 0, 10, { sort: { column: 'dueIn', direction: 'asc' } })),
    ).toEqual(['a5', 'a6', 'a1', 'a3', 'a4', 'a2']);
    expect(
      ids(reader.page('undispatched', now, 0, 10, { sort: { column: 'dueIn', direction: 'desc' } })),
    ).toEqual(['a1', 'a3', 'a4', 'a2', 'a6', 'a5']);
    expect(
      ids(reader.page('undispatched', now, 0, 10, { sort: { column: 'level', direction: 'desc' } })),
    ).toEqual(['a2', 'a5', 'a4', 'a6', 'a3', 'a1']);
    // Text by code point: 张江… before 陆家嘴….
    expect(
      ids(reader.page('undispatched', now, 0, 10, { sort: { column: 'scene', direction: 'asc' } }))[0],
    ).toBe('a3');
    expect(
      ids(reader.page('undispatched', now, 0, 10, { sort: { column: 'scene', direction: 'desc' } })).at(-1),
    ).toBe('a3');
    // Paging cuts the sorted order, not the default one.
    expect(
      ids(reader.page('undispatched', now, 2, 2, { sort: { column: 'level', direction: 'desc' } })),
    ).toEqual(['a4', 'a6']);
    // Sorting changes no count.
    expect(reader.count('undispatched', now, { sort: { column: 'level', direction: 'asc' } })).toBe(6);
  });

  it('tells where a row stands in the view, as the pages place it, and null when the view does not hold it', () => {
    const reader = fillUndispatched();
    const views: QueueView[] = [
      {},
      { sort: { column: 'level', direction: 'desc' } },
      { sort: { column: 'dueIn', direction: 'asc' } },
      { quickFilter: '甲烷浓度' },
      { filters: [{ column: 'scene', contains: '陆家嘴' }], sort: { column: 'elapsed', direction: 'asc' } },
    ];
    for (const view of views) {
      const order = ids(reader.page('undispatched', now, 0, 10, view));
      for (const id of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'dispatched']) {
        const expected = order.indexOf(id);
        expect(
          reader.position('undispatched', now, { entity: 'alert', id }, view),
          `${id} in ${JSON.stringify(view)}`,
        ).toBe(expected === -1 ? null : expected);
      }
    }
    expect(reader.position('undispatched', now, { entity: 'scene', id: 'a2' })).toBeNull();
  });

  it('puts the rows without a value last in both directions', () => {
    const insert = db.prepare(
      `INSERT INTO local_prompt (id, rule, subject_entity, subject_id, stage, state, recipient_role, reason, raised_at, due_at)
       VALUES (?, 'undispatched', 'alert', ?, 0, 'raised', 'sceneOperator', ?, ?, ?)`,
    );
    insert.run('p-soon', 'a-1', '甲', now - 60_000, now + 60_000);
    insert.run('p-none', 'a-2', '乙', now - 60_000, null);
    insert.run('p-late', 'a-3', '丙', now - 60_000, now + 600_000);
    const reader = new QueueReader(db);
    for (const direction of ['asc', 'desc'] as const) {
      expect(
        ids(reader.page('workPrompts', now, 0, 10, { sort: { column: 'dueIn', direction } })).at(-1),
      ).toBe('p-none');
    }
  });

  it('filters by a quick text over the text columns, case-insensitively, and counts what passes', () => {
    const reader = fillUndispatched();
    const view = (quickFilter: string) => ({ quickFilter });
    expect(ids(reader.page('undispatched', now, 0, 10, view('甲烷浓度')))).toEqual(['a6', 'a4', 'a2']);
    expect(reader.count('undispatched', now, view('甲烷浓度'))).toBe(3);
    // Title in another case, the scene's name, the location's street.
    expect(ids(reader.page('undispatched', now, 0, 10, view('bridge deflection')))).toEqual(['a3']);
    expect(ids(reader.page('undispatched', now, 0, 10, view('桥梁健康')))).toEqual(['a3']);
    expect(ids(reader.page('undispatched', now, 0, 10, view('科苑路')))).toEqual(['a3']);
    // Blank is no filter; nothing matching is an empty page and a zero count.
    expect(reader.count('undispatched', now, view('   '))).toBe(6);
    expect(reader.page('undispatched', now, 0, 10, view('不存在的文字'))).toEqual([]);
    expect(reader.count('undispatched', now, view('不存在的文字'))).toBe(0);
  });

  it('takes % and _ in the text literally', () => {
    const reader = fillUndispatched();
    expect(ids(reader.page('undispatched', now, 0, 10, { quickFilter: '100%' }))).toEqual(['a2']);
    expect(ids(reader.page('undispatched', now, 0, 10, { quickFilter: '_' }))).toEqual(['a4']);
    expect(reader.count('undispatched', now, { quickFilter: '%' })).toBe(1);
  });

  it('matches a coded column by the codes whose names the renderer found for the text', () => {
    const reader = fillUndispatched();
    // "红" is in no text of the rows; the renderer sends the code of the level named 红.
    expect(reader.count('undispatched', now, { quickFilter: '红' })).toBe(0);
    const red = { quickFilter: '红', quickFilterCodes: [{ column: 'level' as const, codes: ['red'] }] };
    expect(ids(reader.page('undispatched', now, 0, 10, red))).toEqual(['a2', 'a5']);
    expect(reader.count('undispatched', now, red)).toBe(2);
    // A column filter with codes: 桥梁 names the category code 'bridge'.
    const bridge = { filters: [{ column: 'category' as const, contains: '桥梁', codes: ['bridge'] }] };
    expect(ids(reader.page('undispatched', now, 0, 10, bridge))).toEqual(['a3']);
    // Codes never match another column: 'red' as a status code matches nothing.
    expect(
      reader.count('undispatched', now, {
        quickFilter: '红',
        quickFilterCodes: [{ column: 'status', codes: ['red'] }],
      }),
    ).toBe(0);
  });

  it('applies every column filter together with the quick filter and the sort; the count equals the rows that pass', () => {
    const reader = fillUndispatched();
    const view = {
      quickFilter: '甲烷',
      filters: [
        { column: 'scene' as const, contains: '燃气' },
        { column: 'location' as const, contains: '银城' },
      ],
      sort: { column: 'level' as const, direction: 'asc' as const },
    };
    const rows = reader.page('undispatched', now, 0, 1000, view);
    expect(ids(rows)).toEqual(['a6', 'a4', 'a2']);
    expect(reader.count('undispatched', now, view)).toBe(rows.length);
    // A filter on a column the queue leaves empty (no alert is claimed here) passes nothing.
    expect(reader.count('undispatched', now, { filters: [{ column: 'claimedBy', contains: '张' }] })).toBe(0);
    expect(reader.count('workPrompts', now, { filters: [{ column: 'location', contains: '路' }] })).toBe(0);
  });

  it('filters the red queue by its stage code and the scene and device queues by their own columns', () => {
    write('scene', [
      sceneDocument(),
      sceneDocument({ id: 'quiet', name: '静默的桥梁监测', lastAlertAt: minutesAgo(3 * 24 * 60) }),
    ]);
    write('alert', [
      alertDocument({ id: 'r-new', reportedAt: minutesAgo(5) }),
      alertDocument({ id: 'r-checked', reportedAt: minutesAgo(30), verifiedAt: minutesAgo(10) }),
    ]);
    write('device', [deviceDocument({ id: 'off', status: 'offline', offlineSince: minutesAgo(90) })]);
    const reader = new QueueReader(db);
    const stage = (codes: string[]) => ({
      filters: [{ column: 'detail' as const, contains: '待核实', codes }],
    });
    expect(ids(reader.page('redAlerts', now, 0, 10, stage(['unverified'])))).toEqual(['r-new']);
    expect(ids(reader.page('silentScenes', now, 0, 10, { quickFilter: '桥梁' }))).toEqual(['quiet']);
    expect(
      ids(
        reader.page('deviceIssues', now, 0, 10, {
          quickFilter: '离线',
          quickFilterCodes: [{ column: 'status', codes: ['offline'] }],
        }),
      ),
    ).toEqual(['off']);
  });

  it('gives a page with the total of its view, the count of a filtered view reused until the cache changes', () => {
    const reader = fillUndispatched();
    const methane = { quickFilter: '甲烷' };
    // A short first page is the whole view: its length is the total.
    expect(reader.pageWithTotal('undispatched', now, 0, 10, methane)).toMatchObject({ total: 3 });
    expect(ids(reader.pageWithTotal('undispatched', now, 0, 2, methane).rows)).toEqual(['a6', 'a4']);
    expect(reader.pageWithTotal('undispatched', now, 0, 2, methane).total).toBe(3);
    expect(reader.pageWithTotal('undispatched', now, 2, 2, methane)).toMatchObject({ total: 3 });
    expect(reader.pageWithTotal('undispatched', now, 4, 2, methane)).toEqual({ rows: [], total: 3 });
    // Sorted only: the whole queue's count.
    expect(
      reader.pageWithTotal('undispatched', now, 0, 2, { sort: { column: 'level', direction: 'asc' } }).total,
    ).toBe(6);
    // A new alert that passes the filter: the next page's total counts it (the cache changed).
    write('alert', [
      alertDocument({ id: 'a7', level: 'blue', reportedAt: minutesAgo(70), title: '甲烷浓度偏高' }),
    ]);
    expect(reader.pageWithTotal('undispatched', now, 0, 2, methane).total).toBe(4);
    // And the same from another connection (the sync engine writes through its own).
    const other = new Database(path.join(dir, 'cache.db'));
    try {
      other.prepare('UPDATE alert SET has_handler = 1 WHERE id = ?').run('a7');
    } finally {
      other.close();
    }
    expect(reader.pageWithTotal('undispatched', now, 0, 2, methane).total).toBe(3);
  });

  it('serves the pages of the whole queue with the count the badges took, recounting once the cache changes or time passes', () => {
    const reader = fillUndispatched();
    reader.prepareAll();
    // Half a minute short of the hour: in the queue thirty seconds from now.
    write('alert', [
      alertDocument({ id: 'a8', level: 'blue', reportedAt: new Date(now - 3_600_000 + 3_000).toISOString() }),
    ]);
    expect(reader.count('undispatched', now)).toBe(6);
    // Three seconds on, a8 is in the queue, yet the pages keep the badges' count: the badge and the grid agree.
    expect(reader.pageWithTotal('undispatched', now + 3_000, 0, 2).total).toBe(6);
    // Once the count is older than a rules tick, the pages recount (and the next pages reuse that).
    expect(reader.pageWithTotal('undispatched', now + 10_000, 0, 2).total).toBe(7);
    expect(reader.pageWithTotal('undispatched', now + 10_000, 2, 2).total).toBe(7);
    // A write to the cache: counted again at once.
    write('alert', [alertDocument({ id: 'a9', level: 'blue', reportedAt: minutesAgo(70) })]);
    expect(reader.pageWithTotal('undispatched', now + 10_000, 0, 2).total).toBe(8);
    // A sorted view counts as the whole queue and shares its count; a filtered one has its own.
    expect(
      reader.pageWithTotal('undispatched', now + 10_000, 0, 2, {
        sort: { column: 'level', direction: 'asc' },
      }).total,
    ).toBe(8);
    expect(
      reader.pageWithTotal('undispatched', now + 10_000, 0, 2, { quickFilter: '甲烷浓度超限_' }).total,
    ).toBe(1);
  });
});
