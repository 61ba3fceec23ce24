/**
 * `node scripts/bench.mjs central-paging -- --alerts 1000000`: how long the reference central server takes to
 * generate a large district, and to page every change of it out through GET /changes as a client would (each
 * page fetched over loopback and parsed). Runs the CLI bundle (dist/node/central.cjs) as a child process, so
 * generation uses its worker threads exactly as `npm run central -- --alerts <n>` does.
 * Progress goes to stderr; the last line on stdout is one JSON object with the figures (see central/README.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuSeconds } from './proc-stats';
import { startCentralProcess, type CentralProcess } from './central-process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    limit: { type: 'string', default: '5000' },
    scope: { type: 'string', default: 'all' },
  },
});
const alertCount = Number(values.alerts);
const pageLimit = Number(values.limit);
const scope = values.scope;
if (!Number.isInteger(alertCount) || alertCount < 1)
  throw new Error('--alerts must be a positive whole number');
if (!Number.isInteger(pageLimit) || pageLimit < 1 || pageLimit > 5000)
  throw new Error('--limit must be 1-5000');
if (scope !== 'all' && scope !== 'open') throw new Error('--scope must be all or open');

const distDir = path.resolve(__dirname, '..');
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-bench-central-'));
const log = (line: string): void => console.error(`[bench:central-paging] ${line}`);
const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

function startCentral(): Promise<CentralProcess> {
  return startCentralProcess({
    distDir,
    seed: values.seed,
    alerts: alertCount,
    dataDir: path.join(workDir, 'central'),
  });
}

async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'wangfang', password: 'wangfang-demo' }),
  });
  if (!response.ok) throw new Error(`login failed with ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

interface Page {
  changes: { entity: string }[];
  cursor: string;
  hasMore: boolean;
  phase: string;
}

async function main(): Promise<void> {
  log(`generating a district of about ${alertCount} alerts in ${workDir}`);
  const central = await startCentral();
  const generationCpu = cpuSeconds(central.child.pid);
  log(`central ready after ${round(central.seconds)} s`);
  try {
    const token = await login(central.url);
    let cursor: string | undefined;
    let changes = 0;
    let alerts = 0;
    let pages = 0;
    let bytes = 0;
    let openPhaseSeconds: number | null = null;
    const started = performance.now();
    for (;;) {
      const url = new URL(`${central.url}/api/v1/changes`);
      url.searchParams.set('limit', String(pageLimit));
      if (cursor) url.searchParams.set('cursor', cursor);
      else if (scope === 'open') url.searchParams.set('scope', 'open');
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`GET /changes answered ${response.status}`);
      const text = await response.text();
      bytes += Buffer.byteLength(text);
      const page = JSON.parse(text) as Page;
      pages++;
      changes += page.changes.length;
      for (const change of page.changes) if (change.entity === 'alert') alerts++;
      if (openPhaseSeconds === null && scope === 'open' && page.phase !== 'open') {
        openPhaseSeconds = (performance.now() - started) / 1000;
        log(`open items complete after ${round(openPhaseSeconds, 2)} s`);
      }
      cursor = page.cursor;
      if (pages % 100 === 0) log(`${changes} changes in ${pages} pages`);
      if (!page.hasMore) break;
    }
    const pagingSeconds = (performance.now() - started) / 1000;
    const serverCpu = cpuSeconds(central.child.pid);
    log(`paged ${changes} changes (${alerts} alerts) in ${round(pagingSeconds)} s`);
    console.log(
      JSON.stringify({
        alertsRequested: alertCount,
        alertsPaged: alerts,
        changesPaged: changes,
        pages,
        pageLimit,
        scope,
        megabytesPaged: round(bytes / 1e6, 0),
        generationSeconds: round(central.seconds),
        generationCpuSeconds: generationCpu,
        pagingSeconds: round(pagingSeconds),
        openItemsCompleteSeconds: openPhaseSeconds === null ? null : round(openPhaseSeconds, 2),
        changesPerSecond: Math.round(changes / pagingSeconds),
        serverCpuSecondsWhilePaging:
          serverCpu === null || generationCpu === null ? null : round(serverCpu - generationCpu),
        cores: os.availableParallelism(),
        generationReport: central.report.split('\n').pop() ?? '',
      }),
    );
  } finally {
    central.child.kill('SIGTERM');
    await new Promise((resolve) => central.child.once('exit', resolve));
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
