/**
 * `npm run bench:sync -- --alerts 1000000`: the initial sync of a large district from the reference central server
 * on loopback into an empty, fully indexed cache, end to end (HTTP, parse, validate, write, index), with the
 * sync engine in its worker thread exactly as the app runs it. Measured in the same run:
 * - the raw rate: the fastest way found to put the same rows, from memory, into the same schema with
 *   better-sqlite3 alone (no HTTP, parsing or validation), and the ratio of the two;
 * - the peak RSS of this process (the core: bridge thread plus sync worker) during the sync;
 * - the bridge's answer time for a queue page while the sync runs (p99), asked as a window asks it: over the
 *   browser-mode bridge (POST /api/call) from a process of its own, as the renderer is, so that the answer
 *   waits for whatever holds the core's thread (a rules tick, a count), which a probe made on that thread could
 *   never see, and the probe's memory is not counted as the core's;
 * - the incremental latency from a change committed on the server to its row in the cache (p95).
 * The last line printed is one JSON object with the figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startCentralProcess } from './central-process';
import { cpuSeconds } from './proc-stats';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { BridgeResult, ShellStatus } from '../preload/contract';
import { CACHE_FILE_NAME, createCore, type Core } from '../main/core/app-core';
import { cacheMigrations } from '../main/core/db/migrations';
import { openCacheDatabase } from '../main/core/db/open-database';
import { silentLogger } from '../main/core/logger';
import { startHost } from '../main/host/server';
import { entityNames } from '../main/core/sync/wire';
import { tableOf } from '../main/core/sync/cache-writer';

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    'incremental-samples': { type: 'string', default: '40' },
  },
});
const alertCount = Number(values.alerts);
const incrementalSamples = Number(values['incremental-samples']);
if (!Number.isInteger(alertCount) || alertCount < 1)
  throw new Error(`--alerts must be a positive whole number`);

const distDir = path.resolve(__dirname, '..');
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-bench-sync-'));
const log = (line: string): void => console.error(`[bench:sync] ${line}`);

function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

async function call<T>(core: Core, name: string, ...args: unknown[]): Promise<T> {
  const result = (await core.dispatch(name, args)) as BridgeResult<T>;
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

/**
 * Puts the synced rows again into a fresh cache with better-sqlite3 alone and returns rows per second.
 * Each table's rows are first read into memory (not timed), then inserted in 20,000-row transactions
 * (timed); table by table, so that a multi-gigabyte cache never sits in memory at once.
 */
function rawLoad(sourceFile: string, strategy: 'indexesInPlace' | 'indexesAfter'): number {
  const source = new Database(sourceFile, { readonly: true });
  const file = path.join(workDir, `raw-${strategy}.db`);
  const { db } = openCacheDatabase(file, {
    migrations: cacheMigrations,
    now: () => new Date(),
    warn: () => undefined,
  });
  let total = 0;
  let insertMs = 0;
  for (const entity of entityNames) {
    const table = tableOf(entity);
    const read = source.prepare(`SELECT * FROM ${table}`).raw(true);
    const columns = read.columns().map((column) => column.name);
    const rows = read.all() as unknown[][];
    total += rows.length;
    const started = performance.now();
    const indexes =
      strategy === 'indexesAfter'
        ? (db
            .prepare(
              "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = ?",
            )
            .all(table) as { name: string; sql: string }[])
        : [];
    for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);
    const insert = db.prepare(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    const batch = db.transaction((from: number) => {
      for (let index = from; index < Math.min(rows.length, from + 20_000); index += 1)
        insert.run(rows[index]);
    });
    for (let offset = 0; offset < rows.length; offset += 20_000) batch(offset);
    for (const index of indexes) db.exec(index.sql);
    insertMs += performance.now() - started;
  }
  source.close();
  db.close();
  fs.rmSync(file, { force: true });
  return total / (insertMs / 1000);
}

/**
 * The bridge probe's process: a queue page every 25 ms through POST /api/call until told to stop (after one at
 * least), then its answer times and failures. Plain JavaScript, run with node -e; its settings come in
 * DUTYDESK_PROBE as JSON.
 */
const BRIDGE_PROBE_SOURCE = `
const settings = JSON.parse(process.env.DUTYDESK_PROBE);
const samples = [];
const failures = [];
let running = true;
process.once('message', () => { running = false; });
// The benchmark gone (it failed, or was stopped): nobody is left to report to.
process.once('disconnect', () => process.exit(0));
(async () => {
  do {
    const asked = performance.now();
    try {
      const response = await fetch(settings.url, {
        method: 'POST',
        headers: { authorization: 'Bearer ' + settings.token, 'content-type': 'application/json' },
        body: settings.body,
      });
      const result = await response.json();
      if (result.ok) samples.push(performance.now() - asked);
      else failures.push(result.error.code + ' ' + result.error.message);
    } catch (error) {
      failures.push(String(error));
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  } while (running);
  process.send({ samples, failures }, () => process.disconnect());
})();
`;

interface BridgeProbe {
  /** Stops asking and resolves with the answer times (ms) and the failures. */
  stop(): Promise<{ samples: number[]; failures: string[] }>;
}

function startBridgeProbe(hostUrl: string, token: string): BridgeProbe {
  const settings = {
    url: new URL('/api/call', hostUrl).href,
    token,
    body: JSON.stringify({ name: 'getQueuePage', args: [{ queue: 'undispatched', offset: 0, limit: 100 }] }),
  };
  const probe = spawn(process.execPath, ['-e', BRIDGE_PROBE_SOURCE], {
    env: { ...process.env, DUTYDESK_PROBE: JSON.stringify(settings) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = new Promise<{ samples: number[]; failures: string[] }>((resolve, reject) => {
    probe.once('message', (message) => resolve(message as { samples: number[]; failures: string[] }));
    probe.once('error', reject);
    probe.once('exit', (code) =>
      reject(new Error(`the bridge probe exited (code ${code}) before reporting`)),
    );
  });
  return {
    stop: () => {
      probe.send('stop');
      return result;
    },
  };
}

let centralChild: ChildProcess | null = null;

async function main(): Promise<void> {
  log(`generating a district of ${alertCount} alerts`);
  const central = await startCentralProcess({
    distDir,
    seed: values.seed,
    alerts: alertCount,
    dataDir: path.join(workDir, 'central'),
    testAdmin: true,
  });
  centralChild = central.child;
  log(`central ready at ${central.url} after ${round(central.seconds)} s`);

  const dataDir = path.join(workDir, 'workstation');
  const core = createCore({
    dataDir,
    mode: 'browser',
    demo: false,
    version: 'bench',
    config: { centralUrl: central.url, pollIntervalMs: 15_000 },
    // Warnings and errors of the core are part of the result: a failure during the sync must show.
    logger: {
      ...silentLogger,
      warn: (message, detail) =>
        log(`core warning: ${message} ${detail instanceof Error ? detail.message : ''}`),
      error: (message, detail) =>
        log(`core error: ${message} ${detail instanceof Error ? detail.message : ''}`),
    },
    sync: { kind: 'worker', workerScript: path.join(distDir, 'node', 'sync-worker.cjs') },
  });
  core.start();
  const host = await startHost({
    dispatch: core.dispatch,
    events: core.events,
    rendererDir: path.join(distDir, 'renderer'),
    port: 0,
    logger: silentLogger,
  });

  let peakRss = process.memoryUsage().rss;
  let peakMainHeap = process.memoryUsage().heapTotal;
  const rssTimer = setInterval(() => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakMainHeap = Math.max(peakMainHeap, usage.heapTotal);
  }, 50);

  const syncStarted = performance.now();
  const coreCpuAtStart = process.cpuUsage();
  const centralCpuAtStart = cpuSeconds(central.child.pid);
  await call(core, 'signIn', { username: 'zhangmin', password: 'zhangmin-demo' });

  // While the sync runs: a queue page through the bridge every 25 ms from the probe's process, timed; here, the
  // status every 25 ms and every 10th time a write (an alarm mute, which writes the cache like an operator's
  // action does), which must wait for the sync's write transactions and never fail for them. The core's thread
  // is watched for how long it keeps the event loop from turning.
  const bridgeProbe = startBridgeProbe(host.url, host.token);
  const mainLoopDelay = monitorEventLoopDelay({ resolution: 10 });
  mainLoopDelay.enable();
  let statusReads = 0;
  const writeSamples: number[] = [];
  const writeFailures: string[] = [];
  let openItemsSeconds: number | null = null;
  let status: ShellStatus;
  let lastError: string | null = null;
  for (;;) {
    status = await call<ShellStatus>(core, 'getStatus');
    statusReads += 1;
    if (status.connection.lastError !== lastError) {
      lastError = status.connection.lastError;
      if (lastError !== null) log(`sync error: ${lastError}`);
    }
    if (statusReads % 10 === 0 && status.serverTime !== null) {
      const until = new Date(Date.parse(status.serverTime) + 60_000).toISOString();
      const writing = performance.now();
      try {
        await call(core, 'setAlarmMute', { until });
        writeSamples.push(performance.now() - writing);
      } catch (error) {
        writeFailures.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (openItemsSeconds === null && status.sync?.openItemsComplete) {
      openItemsSeconds = (performance.now() - syncStarted) / 1000;
    }
    if (status.sync?.stage === 'live') break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const seconds = (performance.now() - syncStarted) / 1000;
  mainLoopDelay.disable();
  const { samples: bridgeSamples, failures: bridgeFailures } = await bridgeProbe.stop();
  await host.close();
  // On two cores the sync is bound by the CPU of the core's threads and the server's together: these
  // say where a change to the pipeline moved it, where the wall time alone is noisy.
  const coreCpu = process.cpuUsage(coreCpuAtStart);
  const centralCpuAtEnd = cpuSeconds(central.child.pid);
  clearInterval(rssTimer);
  const records = status.sync.recordsApplied;
  if (writeFailures.length > 0) log(`bridge writes that failed: ${[...new Set(writeFailures)].join('; ')}`);
  if (bridgeFailures.length > 0) log(`bridge reads that failed: ${[...new Set(bridgeFailures)].join('; ')}`);
  log(
    `initial sync: ${records} records in ${round(seconds)} s; open items complete after ${round(openItemsSeconds ?? 0)} s`,
  );

  // Incremental: the server raises an alert; how long until it is in the cache?
  const cache = new Database(path.join(dataDir, CACHE_FILE_NAME), { readonly: true });
  const findAlert = cache.prepare('SELECT 1 FROM alert WHERE id = ?');
  const incrementalSamplesMs: number[] = [];
  for (let sample = 0; sample < incrementalSamples; sample += 1) {
    const asked = performance.now();
    const response = await fetch(`${central.url}/api/v1/admin/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const { alert } = (await response.json()) as { alert: { id: string } };
    while (findAlert.get(alert.id) === undefined) {
      if (performance.now() - asked > 10_000)
        throw new Error(`alert ${alert.id} did not reach the cache in 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    incrementalSamplesMs.push(performance.now() - asked);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  cache.close();
  await core.stop();
  central.child.kill('SIGTERM');

  log('measuring the raw better-sqlite3 rate on the same rows');
  const cacheFile = path.join(dataDir, CACHE_FILE_NAME);
  const rawRates = {
    indexesInPlace: rawLoad(cacheFile, 'indexesInPlace'),
    indexesAfter: rawLoad(cacheFile, 'indexesAfter'),
  };
  const rawRowsPerSec = Math.max(rawRates.indexesInPlace, rawRates.indexesAfter);
  const rowsPerSec = records / seconds;
  fs.rmSync(workDir, { recursive: true, force: true });

  console.log(
    JSON.stringify({
      alerts: alertCount,
      records,
      seconds: round(seconds, 2),
      openItemsSeconds: openItemsSeconds === null ? null : round(openItemsSeconds, 2),
      rowsPerSec: Math.round(rowsPerSec),
      rawRowsPerSec: Math.round(rawRowsPerSec),
      rawStrategy: rawRates.indexesAfter >= rawRates.indexesInPlace ? 'indexesAfter' : 'indexesInPlace',
      ratio: round(rowsPerSec / rawRowsPerSec, 3),
      coreCpuSeconds: round((coreCpu.user + coreCpu.system) / 1e6),
      centralCpuSeconds:
        centralCpuAtStart === null || centralCpuAtEnd === null
          ? null
          : round(centralCpuAtEnd - centralCpuAtStart),
      peakRssMb: Math.round(peakRss / 1024 / 1024),
      peakMainHeapMb: Math.round(peakMainHeap / 1024 / 1024),
      bridgeP99Ms: round(percentile(bridgeSamples, 99), 2),
      bridgeSamples: bridgeSamples.length,
      bridgeReadFailures: bridgeFailures.length,
      // How long the core's thread kept its event loop from turning (p99 and longest): what a window's call
      // may wait for before the core even reads it.
      mainLoopDelayP99Ms: round(mainLoopDelay.percentile(99) / 1e6, 2),
      mainLoopDelayMaxMs: round(mainLoopDelay.max / 1e6, 2),
      bridgeWriteP99Ms: round(percentile(writeSamples, 99), 2),
      bridgeWriteMaxMs: round(Math.max(...writeSamples), 2),
      bridgeWriteFailures: writeFailures.length,
      incrementalP95Ms: round(percentile(incrementalSamplesMs, 95), 1),
      centralGenerationSeconds: round(central.seconds, 1),
    }),
  );
  // A call that failed is a fault, not a slow figure: the benchmark fails (the smoke run in npm test too).
  if (writeFailures.length > 0 || bridgeFailures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  centralChild?.kill('SIGTERM');
  console.error(
    `bench:sync failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  fs.rmSync(workDir, { recursive: true, force: true });
  process.exit(1);
});
