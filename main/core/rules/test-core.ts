/**
 * The whole core (cache, inline sync, rules engine and its schedule, bridge) against the reference central server
 * with its admin API, for the rules' integration tests (offline.test.ts, reference-server.test.ts). The core's
 * clock can be moved forward by hand: its monotonic source is the machine's plus a shift the test sets, which is how
 * time passes for the core while the server is down. Prompts are read from the cache file on a read-only
 * connection through the engine's own PromptStore, exactly as the engine stores them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startCentral, type CentralOptions, type RunningCentral } from '../../../central/server';
import type { BridgeResult } from '../../../preload/contract';
import { CACHE_FILE_NAME, createCore, type Core } from '../app-core';
import type { Logger } from '../logger';
import type { RuleId } from './config';
import { PromptStore, type WorkPromptRecord } from './prompt-store';

/** The reference district's "now" at start (frozen: it moves only through the admin API). */
export const CENTRAL_START = '2025-07-10T02:00:00.000Z';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface CoreHarness {
  readonly core: Core;
  readonly cacheFile: string;
  /** Everything the core logged. */
  readonly log: LogEntry[];
  /** Moves the core's clock forward by `ms` (its monotonic source jumps; the machine's clock does not move). */
  shiftClock(ms: number): void;
  /** A bridge call; throws when it answers an error. */
  call<T>(name: string, ...args: unknown[]): Promise<T>;
  /** An admin API call on the reference server. */
  admin<T>(method: 'GET' | 'POST', action: string, body?: unknown): Promise<T>;
  /** Prompts as stored in the cache (all states), optionally of some rules only. */
  prompts(rules?: readonly RuleId[]): WorkPromptRecord[];
  /** Runs a read-only query on the cache file. */
  read<T>(query: (db: Database.Database) => T): T;
  /** Stops the reference server (the core keeps running). */
  stopCentral(): Promise<void>;
  close(): Promise<void>;
}

export async function startCoreWithCentral(central: Partial<CentralOptions> = {}): Promise<CoreHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-rules-core-'));
  let running: RunningCentral | null = null;
  let core: Core | null = null;
  try {
    running = await startCentral({
      port: 0,
      seed: 7,
      historyDays: 3,
      testAdmin: true,
      freezeClock: true,
      startTime: CENTRAL_START,
      tickMs: 60_000,
      heartbeatMs: 200,
      dataDir: path.join(dir, 'central'),
      ...central,
    });
    const centralUrl = running.url;
    const log: LogEntry[] = [];
    const logger: Logger = {
      info: (message) => log.push({ level: 'info', message }),
      warn: (message) => log.push({ level: 'warn', message }),
      error: (message) => log.push({ level: 'error', message }),
    };
    let shiftMs = 0;
    core = createCore({
      dataDir: path.join(dir, 'workstation'),
      mode: 'browser',
      demo: false,
      version: 'test',
      config: { centralUrl, pollIntervalMs: 250 },
      logger,
      clockSources: { wallNow: () => Date.now(), monoNow: () => performance.now() + shiftMs },
      sync: { kind: 'inline' },
    });
    core.start();
    const started = core;
    const cacheFile = path.join(dir, 'workstation', CACHE_FILE_NAME);

    const read = <T>(query: (db: Database.Database) => T): T => {
      const db = new Database(cacheFile, { readonly: true });
      try {
        return query(db);
      } finally {
        db.close();
      }
    };

    return {
      core: started,
      cacheFile,
      log,
      shiftClock: (ms) => {
        shiftMs += ms;
      },
      async call<T>(name: string, ...args: unknown[]): Promise<T> {
        const result = (await started.dispatch(name, args)) as BridgeResult<T>;
        if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
        return result.value;
      },
      async admin<T>(method: 'GET' | 'POST', action: string, body?: unknown): Promise<T> {
        const response = await fetch(`${centralUrl}/api/v1/admin/${action}`, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        if (!response.ok) throw new Error(`admin ${method} ${action}: ${response.status} ${text}`);
        return JSON.parse(text) as T;
      },
      prompts: (rules) =>
        read((db) => {
          const query = {
            scope: 'all',
            includeSnoozed: true,
            limit: 1000,
            ...(rules ? { rules } : {}),
          } as const;
          const found = new PromptStore(db).list(query, 0);
          if (found.length >= 1000) throw new Error('over 1000 prompts: read them by page');
          return found;
        }),
      read,
      async stopCentral() {
        const stopping = running;
        running = null;
        await stopping?.close();
      },
      async close() {
        await started.stop();
        await running?.close();
        running = null;
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await core?.stop();
    await running?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Polls `read` until `accept` holds; fails with the last value after `timeoutMs` (real time). */
export async function until<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      const shown = JSON.stringify(value);
      throw new Error(`${what}: not met in ${timeoutMs} ms; last seen ${shown.slice(0, 2_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
