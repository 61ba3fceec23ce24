import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, NewerDatabaseError, type Migration } from './migrate';

export interface OutboxRowToRecover {
  mutation_id: string;
  name: string;
  args: string;
  created_at: string;
  operator_id: string;
  operator_name: string;
  client_id: string;
  state: string;
  attempts: number;
  last_error: string | null;
  rejected_code: string | null;
  rejected_message: string | null;
}

export interface OpenedCache {
  db: Database.Database;
  /** Set when the file was corrupt: where it was moved (kept, never deleted). */
  movedAsideTo: string | null;
  /** Unfinished outbox entries carried over from a corrupt file. */
  recoveredActions: number;
  /** Whether the cache starts empty (new, or rebuilt after corruption): a full sync is needed. */
  needsFullSync: boolean;
}

export interface OpenCacheOptions {
  migrations: readonly Migration[];
  /** Instant used in the moved-aside file's name. */
  now: () => Date;
  warn: (message: string) => void;
}

/**
 * Pragmas for every connection to the cache. WAL lets the sync writer and the bridge's readers run at
 * once. `synchronous=FULL` because the outbox lives in this file: better-sqlite3 leaves WAL at NORMAL,
 * where a power cut can lose the last transactions, i.e. an action the operator saw confirmed.
 *
 * Every transaction that writes begins IMMEDIATE (`.immediate()`): two connections write this file, and a
 * deferred transaction that has read when the other commits cannot upgrade to writing; SQLite then fails
 * it at once (SQLITE_BUSY_SNAPSHOT) without waiting, which during an initial sync would fail an operator's
 * action. IMMEDIATE takes the write lock first, waiting up to the busy timeout for the other's commit.
 */
export function applyConnectionPragmas(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

function quickCheck(file: string): { ok: true } | { ok: false; reason: string } {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const problems = rows.map((row) => row.quick_check).filter((result) => result !== 'ok');
    return problems.length === 0 ? { ok: true } : { ok: false, reason: problems.slice(0, 3).join('; ') };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  } finally {
    db?.close();
  }
}

/** Reads what it can of the unfinished outbox from a damaged file; nothing on failure. */
function readRecoverableOutbox(file: string): OutboxRowToRecover[] {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return db
      .prepare(
        `SELECT mutation_id, name, args, created_at, operator_id, operator_name, client_id, state, attempts, last_error,
                rejected_code, rejected_message
           FROM outbox WHERE state IN ('pending', 'rejected') ORDER BY seq`,
      )
      .all() as OutboxRowToRecover[];
  } catch {
    return [];
  } finally {
    db?.close();
  }
}

function moveAside(file: string, stamp: Date): string {
  const target = `${file}.corrupt-${stamp.toISOString().replace(/[:.]/g, '-')}`;
  fs.renameSync(file, target);
  for (const suffix of ['-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, target + suffix);
  }
  return target;
}

/**
 * The core's connection copies the log back into the database (a WAL checkpoint, which SQLite runs in the commit
 * that finds the log past this many pages) only when the sync's connection has not for ten times as long as it
 * would (at SQLite's default of 1,000): a checkpoint takes the core's thread 100-300 ms during an initial sync,
 * while the sync's connection, which writes nearly all of the log, checkpoints on its own thread anyway.
 */
export const CORE_WAL_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * Opens the cache (the core's connection): checks it (`PRAGMA quick_check`), moves a corrupt one aside and starts a
 * fresh one (carrying over the outbox entries it can still read), applies the pragmas and migrations. A cache
 * from a newer DutyDesk is refused untouched (NewerDatabaseError).
 */
export function openCacheDatabase(file: string, options: OpenCacheOptions): OpenedCache {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const existed = fs.existsSync(file);
  let movedAsideTo: string | null = null;
  let recovered: OutboxRowToRecover[] = [];
  if (existed) {
    const check = quickCheck(file);
    if (!check.ok) {
      recovered = readRecoverableOutbox(file);
      movedAsideTo = moveAside(file, options.now());
      options.warn(
        `the local cache failed its integrity check (${check.reason}); it was moved to ${movedAsideTo} ` +
          `and a full resync starts; ${recovered.length} unsent action(s) were recovered`,
      );
    }
  }

  const db = new Database(file);
  try {
    // Refuse a newer schema before anything writes to the file (even switching to WAL rewrites its header).
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > options.migrations.length)
      throw new NewerDatabaseError(file, version, options.migrations.length);
    applyConnectionPragmas(db);
    db.pragma(`wal_autocheckpoint = ${CORE_WAL_AUTOCHECKPOINT_PAGES}`);
    migrate(db, options.migrations, file);
  } catch (error) {
    db.close();
    throw error;
  }
  if (recovered.length > 0) {
    const insert = db.prepare(
      `INSERT OR IGNORE INTO outbox (mutation_id, name, args, created_at, operator_id, operator_name, client_id, state,
                                     attempts, last_error, rejected_code, rejected_message)
       VALUES (@mutation_id, @name, @args, @created_at, @operator_id, @operator_name, @client_id, @state,
               @attempts, @last_error, @rejected_code, @rejected_message)`,
    );
    db.transaction(() => {
      for (const row of recovered) insert.run(row);
    }).immediate();
  }
  return {
    db,
    movedAsideTo,
    recoveredActions: recovered.length,
    needsFullSync: !existed || movedAsideTo !== null,
  };
}
