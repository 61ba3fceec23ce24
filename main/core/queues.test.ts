import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueIds } from '../../preload/contract';
import { cacheMigrations } from './db/migrations';
import { openCacheDatabase } from './db/open-database';
import { QueueReader } from './queues';
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
        if (sql.includes('FROM alert a')) expect(plan.join('\n'), queue).toMatch(/USING INDEX alert_/);
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
