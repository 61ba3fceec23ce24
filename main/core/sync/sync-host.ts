import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { createServerClock, systemClockSources, type ServerClock } from '../clock';
import { applyConnectionPragmas } from '../db/open-database';
import type { Logger } from '../logger';
import { SyncEngine, type SyncSnapshot, type SyncUpdate } from './sync-engine';

/** What the core needs of the sync engine, wherever it runs. */
export interface SyncHost {
  start(): void;
  stop(): Promise<void>;
  pokePull(): void;
  kickPush(): void;
  sessionRenewed(): void;
  /** The latest snapshot (null before the engine reported one). */
  snapshot(): SyncSnapshot | null;
  onUpdate(listener: (update: SyncUpdate, snapshot: SyncSnapshot, offsetMs: number | null) => void): void;
}

export interface SyncHostOptions {
  dbFile: string;
  centralUrl: string;
  logger: Logger;
  pollIntervalMs: number;
  fetch?: typeof globalThis.fetch;
  /** The core's monotonic clock (injected in tests), so the engine and the core tell the same time. */
  monoNow?: () => number;
  /** The bundled page-fetch-worker.cjs: pages are fetched and prepared on a thread of their own. */
  pageFetcherScript?: string;
  /** The core's write gate (write-gate.ts): a page waits while the core announces a write. */
  writeGateBuffer?: SharedArrayBuffer;
}

export const PAGE_FETCHER_BUNDLE = 'page-fetch-worker.cjs';
const SYNC_BUSY_TIMEOUT_MS = 20_000;
/**
 * V8 gives every thread a young generation of up to 32 MB, and the sync worker, which allocates fast but
 * keeps little (a page's rows live until their transaction commits), grows it to the full size. 16 MB: over
 * a 200,000-alert sync (bench/sync.ts) the worker's heap peaked at 41-51 MB instead of 68-72, the core's
 * RSS at 251-262 MB instead of 262-287, and its collections took 350 ms instead of 245. The fetch thread has a
 * limit of its own (page-fetch-thread.ts).
 */
const SYNC_WORKER_YOUNG_GENERATION_MB = 16;
/** Restarts of a sync worker that stopped unexpectedly wait 1 s, 2 s, 4 s, ... up to this. */
const MAX_RESTART_DELAY_MS = 30_000;

/** Messages from the core to the worker. */
export type ToSyncWorker =
  { type: 'pokePull' } | { type: 'kickPush' } | { type: 'sessionRenewed' } | { type: 'stop' };
/** Messages from the worker to the core. */
export type FromSyncWorker =
  | { type: 'update'; update: SyncUpdate; snapshot: SyncSnapshot; offsetMs: number | null }
  | { type: 'stopped' }
  | { type: 'fatal'; message: string };

/** Runs the engine on the calling thread: for tests and tools; the app uses the worker. */
export function createInlineSyncHost(options: SyncHostOptions & { clock?: ServerClock }): SyncHost {
  const db = new Database(options.dbFile);
  applyConnectionPragmas(db);
  // The sync waits longer than the core for the write lock: nobody waits on it, and the core's rules
  // tick after a large page may hold the lock for seconds on a slow machine.
  db.pragma(`busy_timeout = ${SYNC_BUSY_TIMEOUT_MS}`);
  // The sync's own commits skip the fsync (NORMAL), which took a tenth of a large initial sync. Nothing
  // it writes needs one: a page and its cursor lost to a power cut are pulled again, and an action's
  // outcome lost is asked again (the server answers `duplicate`). The operator's actions are written by
  // the core's connection, at FULL, and that fsync makes every earlier commit in the log durable too.
  db.pragma('synchronous = NORMAL');
  const clock = options.clock ?? createServerClock();
  const listeners: ((update: SyncUpdate, snapshot: SyncSnapshot, offsetMs: number | null) => void)[] = [];
  let latest: SyncSnapshot | null = null;
  const engine: SyncEngine = new SyncEngine({
    db,
    centralUrl: options.centralUrl,
    clock,
    monoNow: options.monoNow ?? systemClockSources.monoNow,
    logger: options.logger,
    pollIntervalMs: options.pollIntervalMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.pageFetcherScript ? { pageFetcherScript: options.pageFetcherScript } : {}),
    ...(options.writeGateBuffer ? { coreWriteGate: options.writeGateBuffer } : {}),
    onUpdate: (update) => {
      latest = engine.snapshot();
      const offset = clock.isSynchronised() ? clock.offsetMs() : null;
      for (const listener of listeners) listener(update, latest, offset);
    },
  });
  return {
    start: () => engine.start(),
    stop: async () => {
      await engine.stop();
      db.close();
    },
    pokePull: () => engine.pokePull(),
    kickPush: () => engine.kickPush(),
    sessionRenewed: () => engine.sessionRenewed(),
    snapshot: () => latest ?? engine.snapshot(),
    onUpdate: (listener) => listeners.push(listener),
  };
}

/**
 * Runs the engine in a worker thread with its own connection, so that writing a page of the initial
 * sync never holds up the thread that answers the bridge (WAL lets the bridge read meanwhile). A worker
 * that stops unexpectedly is started again (after 1 s, then longer), so the sync never ends for good
 * behind the operator's back: everything it needs is in the cache.
 */
export function createWorkerSyncHost(options: SyncHostOptions & { workerScript: string }): SyncHost {
  const listeners: ((update: SyncUpdate, snapshot: SyncSnapshot, offsetMs: number | null) => void)[] = [];
  let latest: SyncSnapshot | null = null;
  let worker: Worker | null = null;
  let exited: Promise<void> = Promise.resolve();
  let stopping = false;
  let restarts = 0;
  let restartTimer: NodeJS.Timeout | null = null;
  const send = (message: ToSyncWorker): void => worker?.postMessage(message);

  const spawn = (): void => {
    const started = new Worker(options.workerScript, {
      resourceLimits: { maxYoungGenerationSizeMb: SYNC_WORKER_YOUNG_GENERATION_MB },
      workerData: {
        dbFile: options.dbFile,
        centralUrl: options.centralUrl,
        pollIntervalMs: options.pollIntervalMs,
        writeGateBuffer: options.writeGateBuffer,
        // Bundled beside the sync worker (scripts/build.mjs).
        pageFetcherScript: path.join(path.dirname(options.workerScript), PAGE_FETCHER_BUNDLE),
      },
    });
    worker = started;
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    started.on('message', (message: FromSyncWorker) => {
      if (message.type === 'update') {
        latest = message.snapshot;
        for (const listener of listeners) listener(message.update, message.snapshot, message.offsetMs);
      } else if (message.type === 'fatal') {
        options.logger.error(`the sync worker stopped: ${message.message}`);
      }
    });
    started.on('error', (error) => options.logger.error('the sync worker failed', error));
    started.once('exit', (code) => {
      if (worker === started) worker = null;
      if (stopping) return;
      const delay = Math.min(MAX_RESTART_DELAY_MS, 1_000 * 2 ** restarts);
      restarts += 1;
      options.logger.error(
        `the sync worker stopped unexpectedly (exit code ${code}); starting it again in ${delay / 1000} s`,
      );
      restartTimer = setTimeout(() => {
        restartTimer = null;
        if (!stopping) spawn();
      }, delay);
    });
  };

  return {
    start() {
      if (worker || restartTimer) return;
      stopping = false;
      spawn();
    },
    async stop() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = null;
      if (!worker) return;
      const stoppingWorker = worker;
      send({ type: 'stop' });
      const timeout = setTimeout(() => void stoppingWorker.terminate(), 5_000);
      await exited;
      clearTimeout(timeout);
      worker = null;
    },
    pokePull: () => send({ type: 'pokePull' }),
    kickPush: () => send({ type: 'kickPush' }),
    sessionRenewed: () => send({ type: 'sessionRenewed' }),
    snapshot: () => latest,
    onUpdate: (listener) => listeners.push(listener),
  };
}
