/**
 * Shared plumbing for the sync engine's robustness tests (sync-*.test.ts): a reference central server
 * in a temporary directory with its admin API, caches, signed-in engines, and the digests and
 * server-side records the tests compare against. Test-only: nothing of the app imports this.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import type { FaultSettings } from '../../../../central/faults';
import { startCentral, type CentralOptions, type RunningCentral } from '../../../../central/server';
import { createServerClock, systemClockSources, type ServerClock } from '../../clock';
import { cacheMigrations } from '../../db/migrations';
import { openCacheDatabase } from '../../db/open-database';
import { silentLogger } from '../../logger';
import { tableOf } from '../cache-writer';
import { CentralClient } from '../central-client';
import { readSession, signIn, type StoredSession } from '../session';
import { SyncEngine, type SyncEngineOptions } from '../sync-engine';
import { entityNames } from '../wire';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

/**
 * Bundles a Node entry point of the app (TypeScript) into `outfile`: a child process or a worker thread
 * cannot run TypeScript, so tests bundle what they start, as scripts/build.mjs does for the app.
 * better-sqlite3 (native) stays outside, found in the project's node_modules wherever the bundle lies.
 */
export async function bundleNodeEntry(entry: string, outfile: string): Promise<string> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: [path.resolve(ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['better-sqlite3'],
    banner: { js: `module.paths.push(${JSON.stringify(path.join(ROOT, 'node_modules'))});` },
    logLevel: 'warning',
  });
  return outfile;
}

/** The page fetch thread's bundle (page-fetch-worker.cjs) in `dir`, for engines run as the app runs them. */
export function bundlePageFetcher(dir: string): Promise<string> {
  return bundleNodeEntry('main/core/sync/page-fetch-worker.ts', path.join(dir, 'page-fetch-worker.cjs'));
}

/** A small deterministic generator (mulberry32): seeded delays and choices that never flake. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until `accept` holds; fails naming `what` and the last value seen. */
export async function until<T>(
  what: string,
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not reached in ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    }
    await sleep(40);
  }
}

export interface FaultReport {
  settings: FaultSettings;
  fired: Record<string, number>;
}

/** The reference server's admin API (central/openapi.yaml, /admin/*; only with testAdmin). */
export class Admin {
  constructor(private readonly url: string) {}

  async #call<T>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/api/v1/admin${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`admin ${method} ${route}: HTTP ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  setFaults(update: Partial<FaultSettings>): Promise<FaultReport> {
    return this.#call('PUT', '/faults', update);
  }

  clearFaults(): Promise<FaultReport> {
    return this.#call('DELETE', '/faults');
  }

  faults(): Promise<FaultReport> {
    return this.#call('GET', '/faults');
  }

  async fired(name: string): Promise<number> {
    return (await this.faults()).fired[name] ?? 0;
  }

  /** Moves the simulated clock forward (generation catches up before the answer). */
  advanceClock(seconds: number): Promise<unknown> {
    return this.#call('POST', '/clock', { advanceBySeconds: seconds });
  }

  pauseGeneration(paused: boolean): Promise<unknown> {
    return this.#call('POST', '/generation', { paused });
  }

  async injectAlert(body: Record<string, unknown> = {}): Promise<{ id: string; version: number }> {
    const reply = await this.#call<{ alert: { id: string; version: number } }>('POST', '/alerts', body);
    return reply.alert;
  }

  async serverTimeMs(): Promise<number> {
    const state = await this.#call<{ clock: { serverTime: string } }>('GET', '/state');
    return Date.parse(state.clock.serverTime);
  }
}

export interface TestCentral {
  readonly central: RunningCentral;
  readonly url: string;
  /** A temporary directory for the test's caches (removed on close). */
  readonly dir: string;
  readonly admin: Admin;
  /** A read-only connection to the server's own SQLite file: the ground truth the tests compare with. */
  serverDb(): Database.Database;
  close(): Promise<void>;
}

/** Starts a small reference server (with the admin API) in a temporary directory. */
export async function startTestCentral(options: Partial<CentralOptions> = {}): Promise<TestCentral> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-syncfault-'));
  const central = await startCentral({
    port: 0,
    seed: 17,
    historyDays: 2,
    testAdmin: true,
    dataDir: path.join(dir, 'central'),
    ...options,
  });
  let serverDb: Database.Database | null = null;
  return {
    central,
    url: central.url,
    dir,
    admin: new Admin(central.url),
    serverDb() {
      serverDb ??= new Database(central.dataFile, { readonly: true, fileMustExist: true });
      return serverDb;
    },
    async close() {
      serverDb?.close();
      await central.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens (creating and migrating) a cache file as the app does. */
export function openCache(file: string): Database.Database {
  return openCacheDatabase(file, {
    migrations: cacheMigrations,
    now: () => new Date(),
    warn: () => undefined,
  }).db;
}

export function testClient(url: string): CentralClient {
  return new CentralClient({
    baseUrl: url,
    fetch: globalThis.fetch,
    monoNow: systemClockSources.monoNow,
    timeoutMs: 10_000,
    maxBodyBytes: 1024 * 1024,
    onOutcome: () => undefined,
  });
}

/** Signs `username` (a demo account, password `<username>-demo`) in and stores the session in the cache. */
export function signInCache(
  db: Database.Database,
  url: string,
  clock: ServerClock,
  username = 'zhangmin',
): Promise<StoredSession> {
  return signIn(testClient(url), db, clock, { username, password: `${username}-demo` });
}

/** An engine with test-sized timings: short backoff, a circuit breaker that reopens in a second. */
export function testEngine(
  db: Database.Database,
  url: string,
  overrides: Partial<SyncEngineOptions> = {},
): SyncEngine {
  return new SyncEngine({
    db,
    centralUrl: url,
    clock: overrides.clock ?? createServerClock(),
    monoNow: systemClockSources.monoNow,
    logger: silentLogger,
    pageLimit: 500,
    pollIntervalMs: 500,
    requestTimeoutMs: 10_000,
    useEventStream: false,
    heartbeatSilenceMs: 2_000,
    backoff: { baseMs: 50, capMs: 400 },
    circuit: { failureThreshold: 5, openMs: 1_000 },
    random: seededRandom(99),
    ...overrides,
  });
}

/** Enqueues an action as the signed-in operator, at the engine's (server) clock. */
export function enqueueAction(
  engine: SyncEngine,
  db: Database.Database,
  clock: ServerClock,
  name: string,
  args: unknown,
): string {
  const session = readSession(db);
  if (!session) throw new Error('enqueueAction: nobody is signed in');
  const entry = engine.outbox.enqueue({
    name,
    args,
    operator: { id: session.operator.id, name: session.operator.name },
    at: new Date(clock.now()).toISOString(),
    clientId: clientIdOf(db),
  });
  return entry.mutationId;
}

export function clientIdOf(db: Database.Database): string {
  return (db.prepare('SELECT client_id FROM sync_state WHERE id = 1').get() as { client_id: string })
    .client_id;
}

export interface SyncStateRow {
  cursor: string | null;
  records_applied: number;
  last_error: string | null;
  client_id: string;
}

export function syncState(db: Database.Database): SyncStateRow {
  return db
    .prepare('SELECT cursor, records_applied, last_error, client_id FROM sync_state WHERE id = 1')
    .get() as SyncStateRow;
}

/** Every live entity as `entity id` -> `version data`, canonical JSON. */
export type Digest = Map<string, string>;

export function cacheDigest(db: Database.Database): Digest {
  const digest: Digest = new Map();
  for (const entity of entityNames) {
    const rows = db.prepare(`SELECT id, version, data FROM ${tableOf(entity)}`).all() as {
      id: string;
      version: number;
      data: string;
    }[];
    for (const row of rows) digest.set(`${entity} ${row.id}`, `${row.version} ${row.data}`);
  }
  return digest;
}

/** The server's live entities, from its own file (its feed is a compacted log: one row per entity). */
export function serverDigest(serverDb: Database.Database): Digest {
  const digest: Digest = new Map();
  const rows = serverDb.prepare("SELECT kind, id, version, data FROM entity WHERE op = 'upsert'").all() as {
    kind: string;
    id: string;
    version: number;
    data: string;
  }[];
  for (const row of rows) {
    digest.set(`${row.kind} ${row.id}`, `${row.version} ${JSON.stringify(JSON.parse(row.data))}`);
  }
  return digest;
}

/** The differences between two digests (empty when equal), at most `limit` of them, readable in a failure. */
export function digestDiff(actual: Digest, expected: Digest, limit = 8): string[] {
  const problems: string[] = [];
  for (const [key, value] of expected) {
    const mine = actual.get(key);
    if (mine === undefined) problems.push(`missing ${key} v${value.split(' ', 1)[0] ?? '?'}`);
    else if (mine !== value) {
      problems.push(`differs ${key}: v${mine.split(' ', 1)[0] ?? '?'} vs v${value.split(' ', 1)[0] ?? '?'}`);
    }
  }
  for (const key of actual.keys()) if (!expected.has(key)) problems.push(`extra ${key}`);
  if (problems.length > limit) return [...problems.slice(0, limit), `... ${problems.length - limit} more`];
  return problems;
}

export interface OutboxRow {
  seq: number;
  mutation_id: string;
  name: string;
  args: string;
  state: string;
  operator_id: string;
  created_at: string;
  attempts: number;
  rejected_code: string | null;
}

export function outboxRows(db: Database.Database): OutboxRow[] {
  return db
    .prepare(
      'SELECT seq, mutation_id, name, args, state, operator_id, created_at, attempts, rejected_code FROM outbox ORDER BY seq',
    )
    .all() as OutboxRow[];
}

export interface ServerMutation {
  id: string;
  client_id: string;
  seq: number;
  name: string;
  operator_id: string;
  status: string;
  code: string | null;
}

/** The server's record of each mutation it processed (one row per mutation id, by construction). */
export function serverMutations(serverDb: Database.Database, ids?: readonly string[]): ServerMutation[] {
  const columns = 'id, client_id, seq, name, operator_id, status, code';
  if (ids === undefined) {
    return serverDb
      .prepare(`SELECT ${columns} FROM mutation ORDER BY client_id, seq`)
      .all() as ServerMutation[];
  }
  return serverDb
    .prepare(
      `SELECT ${columns} FROM mutation WHERE id IN (SELECT value FROM json_each(?)) ORDER BY client_id, seq`,
    )
    .all(JSON.stringify(ids)) as ServerMutation[];
}

/** A live entity's document on the server, or undefined. */
export function serverEntity(
  serverDb: Database.Database,
  kind: string,
  id: string,
): (Record<string, unknown> & { version: number }) | undefined {
  const row = serverDb
    .prepare("SELECT data FROM entity WHERE kind = ? AND id = ? AND op = 'upsert'")
    .get(kind, id) as { data: string } | undefined;
  return row ? (JSON.parse(row.data) as Record<string, unknown> & { version: number }) : undefined;
}

/** `count` alert ids of the cache, in id order from `offset`. */
export function alertIds(db: Database.Database, count: number, offset = 0): string[] {
  return (
    db.prepare('SELECT id FROM alert ORDER BY id LIMIT ? OFFSET ?').all(count, offset) as { id: string }[]
  ).map((row) => row.id);
}

/** A fresh cache in `dir`, signed in and fully synced, with its engine (not started). */
export async function syncedCache(
  test: TestCentral,
  name: string,
  overrides: Partial<SyncEngineOptions> = {},
  username = 'zhangmin',
): Promise<{ db: Database.Database; engine: SyncEngine; clock: ServerClock; file: string }> {
  const file = path.join(test.dir, name);
  const db = openCache(file);
  const clock = overrides.clock ?? createServerClock();
  await signInCache(db, test.url, clock, username);
  const engine = testEngine(db, test.url, { ...overrides, clock });
  await engine.pullUntilCaughtUp();
  return { db, engine, clock, file };
}
