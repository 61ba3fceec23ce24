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
}

export const PAGE_FETCHER_BUNDLE = 'page-fetch-worker.cjs';

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
 * sync never holds up the thread that answers the bridge (WAL lets the bridge read meanwhile).
 */
export function createWorkerSyncHost(options: SyncHostOptions & { workerScript: string }): SyncHost {
  const listeners: ((update: SyncUpdate, snapshot: SyncSnapshot, offsetMs: number | null) => void)[] = [];
  let latest: SyncSnapshot | null = null;
  let worker: Worker | null = null;
  let stopped: Promise<void> | null = null;
  const send = (message: ToSyncWorker): void => worker?.postMessage(message);

  return {
    start() {
      if (worker) return;
      worker = new Worker(options.workerScript, {
        workerData: {
          dbFile: options.dbFile,
          centralUrl: options.centralUrl,
          pollIntervalMs: options.pollIntervalMs,
          // Bundled beside the sync worker (scripts/build.mjs).
          pageFetcherScript: path.join(path.dirname(options.workerScript), PAGE_FETCHER_BUNDLE),
        },
      });
      stopped = new Promise((resolve) => worker?.once('exit', () => resolve()));
      worker.on('message', (message: FromSyncWorker) => {
        if (message.type === 'update') {
          latest = message.snapshot;
          for (const listener of listeners) listener(message.update, message.snapshot, message.offsetMs);
        } else if (message.type === 'fatal') {
          options.logger.error(`the sync worker stopped: ${message.message}`);
        }
      });
      worker.on('error', (error) => options.logger.error('the sync worker failed', error));
    },
    async stop() {
      if (!worker) return;
      send({ type: 'stop' });
      const timeout = setTimeout(() => void worker?.terminate(), 5_000);
      await stopped;
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
