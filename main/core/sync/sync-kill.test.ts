/**
 * Kill test: a child process syncs a cache file against the reference server while making operator
 * actions, and is SIGKILLed at seeded random moments (while starting, during the initial sync, while
 * actions are being pushed), then started again on the same file, more than fifty times. After every
 * kill the file passes `PRAGMA integrity_check` and still holds every action the operator saw
 * recorded. At the end the child finishes: the cache equals the server's state, and every action of
 * the outbox was applied on the server exactly once, in order, with the outcome a simple model expects.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KillChildConfig } from './testing/kill-child';
import {
  bundleNodeEntry,
  bundlePageFetcher,
  cacheDigest,
  clientIdOf,
  digestDiff,
  outboxRows,
  seededRandom,
  serverDigest,
  serverEntity,
  serverMutations,
  sleep,
  startTestCentral,
  syncedCache,
  type TestCentral,
} from './testing/harness';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const KILLS = 56;
/** The run that is let finish the initial sync before it is killed. */
const CATCH_UP_RUN = 20;

let test: TestCentral;
let bundle: string;
let pageFetcherScript: string;
const children = new Set<Child>();

beforeAll(async () => {
  test = await startTestCentral({ seed: 31, historyDays: 2 });
  // Node 22 cannot run TypeScript: bundle the child, and the page fetch thread its engine runs as the app's does.
  bundle = await bundleNodeEntry(
    'main/core/sync/testing/kill-child.ts',
    path.join(test.dir, 'kill-child.cjs'),
  );
  pageFetcherScript = await bundlePageFetcher(test.dir);
}, 60_000);

afterAll(async () => {
  for (const child of children) child.process.kill('SIGKILL');
  await test.close();
});

interface Child {
  process: ReturnType<typeof spawn>;
  ready: boolean;
  stage: string | null;
  /** Pages the child reported committed. */
  pages: number;
  pending: number;
  done: boolean;
  enqueued: string[];
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startChild(config: KillChildConfig): Child {
  const process_ = spawn(process.execPath, [bundle, JSON.stringify(config)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    // The bundle lives in a temporary directory; better-sqlite3 (native) is loaded from the project.
    env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
  });
  const child: Child = {
    process: process_,
    ready: false,
    stage: null,
    pages: 0,
    pending: 0,
    done: false,
    enqueued: [],
    stderr: '',
    exited: new Promise((resolve) =>
      process_.once('exit', (code, signal) => {
        children.delete(child);
        resolve({ code, signal });
      }),
    ),
  };
  children.add(child);
  let partial = '';
  process_.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const [kind, a, b] = line.split(' ');
      if (kind === 'ready' || kind === 'C') {
        if (kind === 'C') child.pages += 1;
        child.ready = true;
        child.stage = a ?? null;
        child.pending = Number(b);
      } else if (kind === 'E' && a) {
        child.enqueued.push(a);
        child.pending += 1;
      } else if (kind === 'P') {
        child.pending = Number(a);
      } else if (kind === 'done') {
        child.done = true;
      }
    }
  });
  process_.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    child.stderr += chunk;
  });
  return child;
}

async function waitFor(child: Child, what: string, accept: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!accept()) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`the child exited before ${what}: ${child.stderr}`);
    }
    if (Date.now() > deadline) throw new Error(`the child did not reach ${what} in ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** Right after a kill: the file is sound and holds every action the child reported recorded. */
function checkAfterKill(cacheFile: string, reported: ReadonlySet<string>): void {
  if (!fs.existsSync(cacheFile)) return;
  const db = new Database(cacheFile, { readonly: true, fileMustExist: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'outbox'")
      .all();
    if (tables.length === 0) {
      expect(reported.size).toBe(0);
      return;
    }
    const present = new Set(outboxRows(db).map((row) => row.mutation_id));
    const lost = [...reported].filter((id) => !present.has(id));
    expect(lost).toEqual([]);
  } finally {
    db.close();
  }
}

describe('killing the syncing process', () => {
  it(`survives ${KILLS} SIGKILLs at random moments: sound file, nothing lost, nothing doubled`, async () => {
    const cacheFile = path.join(test.dir, 'workstation', 'cache.db');
    const random = seededRandom(20_261_123);
    const reported = new Set<string>();
    const stats = { kills: 0, beforeReady: 0, initialSync: 0, liveSync: 0, actionsUnconfirmed: 0 };
    // Uploads take a little while, so that kills also land while a batch is on its way.
    await test.admin.setFaults({ latencyMs: 15, operations: ['mutations'] });

    for (let run = 0; run < KILLS; run += 1) {
      const child = startChild({
        mode: 'chaos',
        cacheFile,
        centralUrl: test.url,
        run,
        pageLimit: 40,
        pageFetcherScript,
        actions: 3 + (run % 4),
        actionEveryMs: 10 + Math.floor(random() * 40),
      });
      if (run % 9 === 4) {
        // While starting: loading, opening or migrating the cache, signing in.
        await sleep(Math.floor(random() * 250));
      } else if (run < CATCH_UP_RUN) {
        // Inside the initial sync: some soon after start, some once pages are being written.
        if (run % 2 === 0) await waitFor(child, 'ready', () => child.ready, 20_000);
        else await waitFor(child, 'a page', () => child.pages > 0, 30_000);
        await sleep(5 + Math.floor(random() * 200));
      } else if (run === CATCH_UP_RUN) {
        // However slow the machine, the initial sync completes here and the rest of the kills meet a
        // live sync with actions being pushed.
        await waitFor(child, 'the live stage', () => child.stage === 'live', 90_000);
        await sleep(Math.floor(random() * 200));
      } else {
        await waitFor(child, 'ready', () => child.ready, 20_000);
        await sleep(10 + Math.floor(random() * 450));
      }
      if (!child.ready) stats.beforeReady += 1;
      else if (child.stage === 'initial') stats.initialSync += 1;
      else stats.liveSync += 1;
      if (child.pending > 0) stats.actionsUnconfirmed += 1;
      expect(child.process.exitCode, child.stderr).toBeNull();
      child.process.kill('SIGKILL');
      const exit = await child.exited;
      expect(exit.signal, child.stderr).toBe('SIGKILL');
      stats.kills += 1;
      for (const id of child.enqueued) reported.add(id);
      checkAfterKill(cacheFile, reported);
    }
    console.info(`kill test: ${JSON.stringify({ ...stats, actionsReported: reported.size })}`);
    expect(stats.kills).toBeGreaterThanOrEqual(50);
    expect(stats.initialSync).toBeGreaterThanOrEqual(5);
    expect(stats.liveSync).toBeGreaterThanOrEqual(20);
    expect(stats.actionsUnconfirmed).toBeGreaterThanOrEqual(10);
    expect(reported.size).toBeGreaterThanOrEqual(40);

    // The end: the district stops changing, the child finishes undisturbed.
    await test.admin.clearFaults();
    await test.admin.pauseGeneration(true);
    const last = startChild({
      mode: 'finish',
      cacheFile,
      centralUrl: test.url,
      run: KILLS,
      pageLimit: 200,
      pageFetcherScript,
      actions: 0,
      actionEveryMs: 1,
    });
    await waitFor(last, 'done', () => last.done, 60_000);
    expect((await last.exited).code, last.stderr).toBe(0);

    const db = new Database(cacheFile, { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const outbox = outboxRows(db);
      expect(outbox.filter((row) => row.state === 'pending')).toEqual([]);
      const present = new Set(outbox.map((row) => row.mutation_id));
      expect([...reported].filter((id) => !present.has(id))).toEqual([]);

      // Exactly once: the server processed every outbox entry, and nothing else (only this cache sends).
      const server = serverMutations(test.serverDb());
      expect(server.length).toBe(outbox.length);
      const serverById = new Map(server.map((row) => [row.id, row]));
      // In order: one client, whose server-side sequence follows the outbox's order.
      const clientId = clientIdOf(db);
      expect(new Set(server.map((row) => row.client_id))).toEqual(new Set([clientId]));
      const seqs = outbox.map((row) => serverById.get(row.mutation_id)?.seq ?? -1);
      expect(seqs).toEqual(outbox.map((_, index) => index + 1));

      // The model: notes always apply; a claim applies (this workstation holds nobody else's items);
      // a release applies when the item is claimed at that point of the sequence.
      const claimed = new Set<string>();
      for (const row of outbox) {
        const args = JSON.parse(row.args) as { noteId?: string; subject: { entity: string; id: string } };
        let expected: { status: string; code: string | null } = { status: 'applied', code: null };
        if (row.name === 'claimItem') claimed.add(args.subject.id);
        else if (row.name === 'releaseItem') {
          if (!claimed.delete(args.subject.id)) expected = { status: 'rejected', code: 'NOT_CLAIMED' };
        }
        const onServer = serverById.get(row.mutation_id);
        expect({ id: row.mutation_id, status: onServer?.status, code: onServer?.code ?? null }).toEqual({
          id: row.mutation_id,
          ...expected,
        });
        expect(row.state).toBe(expected.status);
        expect(onServer?.operator_id).toBe('op-zhangmin');
        if (row.name === 'addNote' && args.noteId) {
          expect(serverEntity(test.serverDb(), 'timelineEntry', args.noteId)?.text).toMatch(/^第 \d+ 轮记录/);
        }
      }
      const serverClaims = test
        .serverDb()
        .prepare("SELECT id FROM entity WHERE kind = 'claim' AND op = 'upsert'")
        .all() as { id: string }[];
      expect(new Set(serverClaims.map((row) => row.id))).toEqual(
        new Set([...claimed].map((id) => `alert:${id}`)),
      );

      // The cache equals the server's state: its own records, and a fresh full sync of a second cache.
      const digest = cacheDigest(db);
      expect(digestDiff(digest, serverDigest(test.serverDb()))).toEqual([]);
      const fresh = await syncedCache(test, 'fresh.db', { pageLimit: 5000 });
      try {
        expect(digestDiff(digest, cacheDigest(fresh.db))).toEqual([]);
      } finally {
        fresh.db.close();
      }
    } finally {
      db.close();
    }
  }, 150_000);
});
