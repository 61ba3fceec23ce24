import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkRegistry, migrate, NewerDatabaseError, type Migration } from './migrate';
import { CORE_WAL_AUTOCHECKPOINT_PAGES, openCacheDatabase } from './open-database';

// A small registry of the same shape as the app's: an outbox first, then a table that is filled later.
const testMigrations: Migration[] = [
  {
    version: 1,
    name: 'outbox',
    up: (db) =>
      db.exec(`CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, mutation_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, args TEXT NOT NULL,
        created_at TEXT NOT NULL, operator_id TEXT NOT NULL, operator_name TEXT NOT NULL, client_id TEXT NOT NULL,
        state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT, rejected_code TEXT, rejected_message TEXT)`),
  },
  {
    version: 2,
    name: 'filler',
    up: (db) => db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)'),
  },
];

const dirs: string[] = [];
function tempDbFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-db-'));
  dirs.push(dir);
  return path.join(dir, 'cache.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const options = () => ({
  migrations: testMigrations,
  now: () => new Date('2026-11-23T02:00:00Z'),
  warn: vi.fn(),
});

describe('migrate', () => {
  it('refuses a registry with a gap or a repeat', () => {
    expect(() => checkRegistry([testMigrations[0]!, { ...testMigrations[1]!, version: 3 }])).toThrow(
      /position 2 holds version 3/,
    );
    expect(() => checkRegistry([testMigrations[0]!, testMigrations[0]!])).toThrow(
      /position 2 holds version 1/,
    );
  });

  it('runs each pending migration once and records user_version', () => {
    const db = new Database(':memory:');
    expect(migrate(db, testMigrations.slice(0, 1), 'mem')).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(migrate(db, testMigrations, 'mem')).toBe(2);
    expect(migrate(db, testMigrations, 'mem')).toBe(2);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
  });

  it('rolls a failing migration back whole, leaving the previous version', () => {
    const db = new Database(':memory:');
    const broken: Migration = {
      version: 2,
      name: 'broken',
      up: (inner) => {
        inner.exec('CREATE TABLE half_done (id INTEGER)');
        throw new Error('boom');
      },
    };
    expect(() => migrate(db, [testMigrations[0]!, broken], 'mem')).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()).toEqual({
      n: 0,
    });
  });
});

describe('openCacheDatabase', () => {
  it('creates a WAL database with synchronous=FULL, leaving checkpoints to the sync’s connection', () => {
    const file = tempDbFile();
    const { db, movedAsideTo } = openCacheDatabase(file, options());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // 2 = FULL: a confirmed action survives a power cut.
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(CORE_WAL_AUTOCHECKPOINT_PAGES);
    expect(movedAsideTo).toBeNull();
    db.close();
  });

  it('refuses a cache from a newer DutyDesk and leaves it untouched', () => {
    const file = tempDbFile();
    const newer = new Database(file);
    newer.pragma('user_version = 99');
    newer.close();
    const before = fs.readFileSync(file);
    expect(() => openCacheDatabase(file, options())).toThrow(NewerDatabaseError);
    expect(() => openCacheDatabase(file, options())).toThrow(
      /newer DutyDesk \(schema version 99; this app knows up to 2\)/,
    );
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('moves a corrupt cache aside, keeps it, and carries its unsent actions over', () => {
    const file = tempDbFile();
    const first = openCacheDatabase(file, options()).db;
    const insert = first.prepare(
      `INSERT INTO outbox (mutation_id, name, args, created_at, operator_id, operator_name, client_id, state)
       VALUES (?, 'addNote', '{}', '2026-11-23T01:00:00Z', 'op-1', '张敏', 'ws-1', ?)`,
    );
    insert.run('m-pending', 'pending');
    insert.run('m-applied', 'applied');
    insert.run('m-rejected', 'rejected');
    // Fill later pages with another table, then damage those pages only.
    const fill = first.prepare('INSERT INTO filler (body) VALUES (?)');
    first.transaction(() => {
      for (let i = 0; i < 2_000; i += 1) fill.run('x'.repeat(400));
    })();
    first.pragma('wal_checkpoint(TRUNCATE)');
    first.close();
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(64 * 1024, 0xa5), 0, 64 * 1024, size - 128 * 1024);
    fs.closeSync(fd);

    const opts = options();
    const reopened = openCacheDatabase(file, opts);
    expect(reopened.movedAsideTo).toMatch(/cache\.db\.corrupt-2026-11-23T02-00-00-000Z$/);
    expect(fs.existsSync(reopened.movedAsideTo ?? '')).toBe(true);
    expect(reopened.recoveredActions).toBe(2);
    expect(reopened.needsFullSync).toBe(true);
    expect(opts.warn).toHaveBeenCalledWith(expect.stringContaining('integrity check'));
    const rows = reopened.db.prepare('SELECT mutation_id, state FROM outbox ORDER BY seq').all();
    expect(rows).toEqual([
      { mutation_id: 'm-pending', state: 'pending' },
      { mutation_id: 'm-rejected', state: 'rejected' },
    ]);
    expect(reopened.db.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 0 });
    reopened.db.close();
  });

  it('starts afresh from a file that is not a database at all', () => {
    const file = tempDbFile();
    fs.writeFileSync(file, 'this is not sqlite');
    const opts = options();
    const { db, movedAsideTo, recoveredActions } = openCacheDatabase(file, opts);
    expect(movedAsideTo).not.toBeNull();
    expect(recoveredActions).toBe(0);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
  });
});
