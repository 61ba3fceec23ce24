/**
 * The browser-mode core against the reference central server, for the core's end-to-end tests (app-core.test.ts,
 * alarms-core.test.ts): each test gets a fresh folder (central/ and workstation/ in it), and whatever the test
 * started is stopped and the folder removed after it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { RunningCentral } from '../../../central/server';
import type { BridgeResult } from '../../../preload/contract';
import { createCore, type Core } from '../app-core';
import { silentLogger } from '../logger';
import { until } from '../sync/testing/harness';

export interface CoreTestBed {
  /** This test's folder. */
  dir: string;
  /** Set by the test when it starts one; closed after the test. */
  central: RunningCentral | null;
  /** Set by the test when it creates one; stopped after the test. */
  core: Core | null;
}

/** Registers the hooks that give each test of the file a fresh bed; read its fields inside the tests. */
export function useCoreTestBed(prefix: string): CoreTestBed {
  const bed: CoreTestBed = { dir: '', central: null, core: null };
  beforeEach(() => {
    bed.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    bed.central = null;
    bed.core = null;
  });
  afterEach(async () => {
    await bed.core?.stop();
    await bed.central?.close();
    fs.rmSync(bed.dir, { recursive: true, force: true });
  });
  return bed;
}

/** A browser-mode core in `<dir>/workstation` on `centralUrl` (inline sync, polling every 500 ms), not started. */
export function createTestCore(dir: string, centralUrl: string): Core {
  return createCore({
    dataDir: path.join(dir, 'workstation'),
    mode: 'browser',
    demo: false,
    version: 'test',
    config: { centralUrl, pollIntervalMs: 500 },
    logger: silentLogger,
    sync: { kind: 'inline' },
  });
}

/** A bridge call as the window makes it: the result, refusals included. */
export async function dispatchCall<T>(
  core: Core | null,
  name: string,
  args: unknown[],
): Promise<BridgeResult<T>> {
  if (!core) throw new Error('no core');
  return (await core.dispatch(name, args)) as BridgeResult<T>;
}

/** A bridge call's value; throws when the core refuses it. */
export async function dispatchValue<T>(core: Core | null, name: string, args: unknown[]): Promise<T> {
  const result = await dispatchCall<T>(core, name, args);
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

/** Polls `read` until `accept` holds (20 s by default). */
export function eventually<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  return until('condition', read, accept, timeoutMs);
}
