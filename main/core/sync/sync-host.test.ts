/**
 * The worker sync host as the app runs it: the sync worker and its page fetch thread bundled side by side,
 * syncing a cache from the reference server; and a worker that stops unexpectedly is started again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerClock } from '../clock';
import { recordingLogger } from '../testing/recording-logger';
import { createWorkerSyncHost, PAGE_FETCHER_BUNDLE } from './sync-host';
import type { SyncSnapshot } from './sync-engine';
import {
  bundleNodeEntry,
  bundlePageFetcher,
  cacheDigest,
  digestDiff,
  openCache,
  serverDigest,
  signInCache,
  sleep,
  startTestCentral,
  until,
  type TestCentral,
} from './testing/harness';

let test: TestCentral;
let bundleDir: string;

beforeAll(async () => {
  test = await startTestCentral({ seed: 47, historyDays: 2 });
  await test.admin.pauseGeneration(true);
  bundleDir = path.join(test.dir, 'bundle');
  await bundleNodeEntry('main/core/sync/sync-worker.ts', path.join(bundleDir, 'sync-worker.cjs'));
  await bundlePageFetcher(bundleDir);
}, 60_000);

afterAll(async () => {
  await test.close();
});

describe('createWorkerSyncHost', () => {
  it('syncs the cache to the server’s state on the worker, its pages fetched on the thread beside it', async () => {
    expect(fs.existsSync(path.join(bundleDir, PAGE_FETCHER_BUNDLE))).toBe(true);
    const dbFile = path.join(test.dir, 'worker.db');
    const db = openCache(dbFile);
    await signInCache(db, test.url, createServerClock());
    const logger = recordingLogger();
    const host = createWorkerSyncHost({
      dbFile,
      centralUrl: test.url,
      logger,
      pollIntervalMs: 500,
      workerScript: path.join(bundleDir, 'sync-worker.cjs'),
    });
    let latest: SyncSnapshot | null = null;
    host.onUpdate((_update, snapshot) => {
      latest = snapshot;
    });
    host.start();
    try {
      await until(
        'the initial sync done',
        () => latest,
        (snapshot) => snapshot?.progress.stage === 'live',
        30_000,
      );
      expect(digestDiff(cacheDigest(db), serverDigest(test.serverDb()))).toEqual([]);
      // The sync worker found its fetch thread (it says so when it does not).
      expect(logger.lines.filter((line) => line.includes('missing'))).toEqual([]);
    } finally {
      await host.stop();
      db.close();
    }
  });

  it('starts a worker that stopped unexpectedly again, waiting longer each time, and not after stop', async () => {
    const crashing = path.join(test.dir, 'crashing-worker.cjs');
    fs.writeFileSync(crashing, 'process.exit(3);\n');
    const logger = recordingLogger();
    const host = createWorkerSyncHost({
      dbFile: path.join(test.dir, 'unused.db'),
      centralUrl: test.url,
      logger,
      pollIntervalMs: 500,
      workerScript: crashing,
    });
    host.start();
    await until(
      'a restart',
      () => logger.lines.length,
      (count) => count >= 2,
      5_000,
    );
    expect(logger.lines).toEqual([
      'error the sync worker stopped unexpectedly (exit code 3); starting it again in 1 s',
      'error the sync worker stopped unexpectedly (exit code 3); starting it again in 2 s',
    ]);
    await host.stop();
    await sleep(2_500);
    expect(logger.lines).toHaveLength(2);
  });
});
