/**
 * Every fault the reference server can inject (central/faults.ts), one at a time, against a running sync
 * engine: while the fault is on, the engine keeps running, reports the condition and loses nothing
 * (actions stay pending, damaged pages write nothing and the cursor stays); once it is switched off, the
 * engine recovers by itself, and every action has been applied on the server exactly once.
 */
import type Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerClock } from '../clock';
import type { Logger } from '../logger';
import type { SyncEngine, SyncEngineOptions } from './sync-engine';
import {
  alertIds,
  cacheDigest,
  digestDiff,
  enqueueAction,
  outboxRows,
  serverDigest,
  serverEntity,
  serverMutations,
  signInCache,
  sleep,
  bundlePageFetcher,
  openCache,
  startTestCentral,
  syncState,
  syncedCache,
  until,
  type Digest,
  type TestCentral,
} from './testing/harness';

let test: TestCentral;
let cleanups: (() => Promise<void> | void)[] = [];
let cacheNumber = 0;
let pageFetcherScript: string;

beforeAll(async () => {
  // Heartbeats every 300 ms so that a stalled stream is noticed within a second or two.
  test = await startTestCentral({ seed: 23, historyDays: 2, heartbeatMs: 300 });
  // Only the tests change the district: "caught up" is then simply "the cache equals the server".
  await test.admin.pauseGeneration(true);
  // Pages are fetched on their own thread, as in the app: the faults of the feed meet that thread.
  pageFetcherScript = await bundlePageFetcher(test.dir);
}, 60_000);

afterEach(async () => {
  await test.admin.clearFaults();
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

afterAll(async () => {
  await test.close();
});

/** Results of every POST /mutations the engine managed to read, as the server sent them. */
interface MutationAnswer {
  id: string;
  status: string;
}

function recordingFetch(answers: MutationAnswer[]): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await globalThis.fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    if (url.endsWith('/api/v1/mutations') && response.ok) {
      response
        .clone()
        .json()
        .then((body: unknown) => {
          for (const result of (body as { results: MutationAnswer[] }).results) {
            answers.push({ id: result.id, status: result.status });
          }
        })
        // A damaged body (the fault under test) is the engine's to report, not this recorder's.
        .catch(() => undefined);
    }
    return response;
  };
}

interface Running {
  db: Database.Database;
  engine: SyncEngine;
  clock: ServerClock;
  answers: MutationAnswer[];
  warnings: string[];
  file: string;
}

/** A fresh cache, signed in and fully synced, with its engine running. */
async function running(overrides: Partial<SyncEngineOptions> = {}): Promise<Running> {
  const answers: MutationAnswer[] = [];
  const warnings: string[] = [];
  const logger: Logger = {
    info: () => undefined,
    warn: (message) => warnings.push(message),
    error: (message) => warnings.push(message),
  };
  cacheNumber += 1;
  const { db, engine, clock, file } = await syncedCache(test, `cache-${cacheNumber}.db`, {
    fetch: recordingFetch(answers),
    logger,
    useEventStream: true,
    heartbeatSilenceMs: 1_200,
    pageFetcherScript,
    ...overrides,
  });
  engine.start();
  cleanups.push(async () => {
    await engine.stop();
    db.close();
  });
  await until(
    'the engine online and caught up',
    () => engine.snapshot(),
    (snapshot) => snapshot.network.state === 'online' && snapshot.progress.stage === 'live',
  );
  return { db, engine, clock, answers, warnings, file };
}

let noteNumber = 0;

/** Enqueues `count` notes on real alerts; returns their mutation ids and note ids. */
function addNotes(run: Running, count: number): { mutationIds: string[]; noteIds: string[] } {
  const alerts = alertIds(run.db, count, 40);
  const mutationIds: string[] = [];
  const noteIds: string[] = [];
  for (const alertId of alerts) {
    noteNumber += 1;
    const noteId = `fault-note-${noteNumber}`;
    noteIds.push(noteId);
    mutationIds.push(
      enqueueAction(run.engine, run.db, run.clock, 'addNote', {
        noteId,
        subject: { entity: 'alert', id: alertId },
        text: `故障测试记录 ${noteNumber}`,
      }),
    );
  }
  return { mutationIds, noteIds };
}

const converged = (db: Database.Database): string[] =>
  digestDiff(cacheDigest(db), serverDigest(test.serverDb()));

/**
 * After the fault is gone: the engine reaches online, caught up (the cache equals the server), with an
 * empty outbox and no error, without being told to; each action was applied on the server exactly once,
 * in the order made, and the cache holds the server's version of every note.
 */
async function expectRecovered(run: Running, mutationIds: string[], noteIds: string[]): Promise<void> {
  const final = await until(
    'recovery after the fault was removed',
    () => {
      const snapshot = run.engine.snapshot();
      return {
        network: snapshot.network.state,
        pending: snapshot.outbox.pending,
        rejected: snapshot.outbox.rejected,
        lastError: snapshot.lastError,
        diff: converged(run.db),
      };
    },
    (value) =>
      value.network === 'online' &&
      value.pending === 0 &&
      value.lastError === null &&
      value.diff.length === 0,
    25_000,
  );
  expect(final.rejected).toBe(0);
  const onServer = serverMutations(test.serverDb(), mutationIds);
  expect(onServer.map((row) => row.id).sort()).toEqual([...mutationIds].sort());
  expect(onServer.every((row) => row.status === 'applied')).toBe(true);
  // In the order made: the server's per-client sequence follows the outbox's order.
  const outbox = outboxRows(run.db).filter((row) => mutationIds.includes(row.mutation_id));
  const serverSeqOf = new Map(onServer.map((row) => [row.id, row.seq]));
  const seqs = outbox.map((row) => serverSeqOf.get(row.mutation_id) ?? -1);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(outbox.every((row) => row.state === 'applied')).toBe(true);
  for (const noteId of noteIds) {
    const note = serverEntity(test.serverDb(), 'timelineEntry', noteId);
    expect(note?.version).toBeGreaterThan(0);
    const cached = run.db.prepare('SELECT version FROM timeline_entry WHERE id = ?').get(noteId) as
      { version: number } | undefined;
    expect(cached?.version).toBe(note?.version);
  }
}

/** The cache's digest without the local effects of `noteIds` (the rest must not change under a page fault). */
function withoutNotes(digest: Digest, noteIds: string[]): Digest {
  const copy = new Map(digest);
  for (const noteId of noteIds) copy.delete(`timelineEntry ${noteId}`);
  return copy;
}

/**
 * The faults that damage a response body: on pages, nothing is written and the cursor stays; on
 * mutations, the server has committed but the engine cannot read the answer, so the actions stay pending
 * and their retry comes back `duplicate`.
 */
const damagedBodies = [
  {
    fault: 'dropMidBodyRate',
    fired: 'dropMidBody',
    error: /connection|fetch failed|terminated|other side closed|socket/i,
  },
  { fault: 'malformedJsonRate', fired: 'malformedJson', error: /malformed JSON/ },
  { fault: 'truncatedJsonRate', fired: 'truncatedJson', error: /malformed JSON/ },
] as const;

describe('the sync engine under the reference server’s faults', () => {
  it('added latency: reports the link degraded, applies every action once, back online when it goes', async () => {
    const run = await running();
    await test.admin.setFaults({ latencyMs: 2_300 });
    const { mutationIds, noteIds } = addNotes(run, 2);
    run.engine.kickPush();
    const slow = await until(
      'degraded under latency',
      () => run.engine.snapshot(),
      (snapshot) => snapshot.network.state === 'degraded',
    );
    // Slow is not broken: no request failed.
    expect(slow.network.lastError).toBeNull();
    expect(await test.admin.fired('latency')).toBeGreaterThan(0);
    await test.admin.clearFaults();
    await expectRecovered(run, mutationIds, noteIds);
    // Each action went out once: nothing failed, so nothing was retried.
    expect(run.answers.filter((answer) => mutationIds.includes(answer.id))).toEqual(
      mutationIds.map((id) => ({ id, status: 'applied' })),
    );
  }, 40_000);

  it('500s everywhere: goes offline, keeps the actions pending, retries on its own and sends each once', async () => {
    const run = await running();
    await test.admin.setFaults({ serverErrorRate: 1 });
    const { mutationIds, noteIds } = addNotes(run, 3);
    run.engine.kickPush();
    run.engine.pokePull();
    const down = await until(
      'offline under 500s',
      () => ({ snapshot: run.engine.snapshot(), attempts: outboxRows(run.db)[0]?.attempts ?? 0 }),
      // Five failed uploads open the circuit breaker; it must close again on its own.
      (value) => value.snapshot.network.state === 'offline' && value.attempts >= 6,
    );
    expect(down.snapshot.lastError).toMatch(/HTTP 500 INJECTED_FAULT/);
    expect(down.snapshot.network.lastError).toMatch(/HTTP 500/);
    expect(down.snapshot.outbox.pending).toBe(3);
    expect(serverMutations(test.serverDb(), mutationIds)).toEqual([]);
    await test.admin.clearFaults();
    await expectRecovered(run, mutationIds, noteIds);
  }, 40_000);

  it('the cache busy past its timeout while failures are recorded: the sync goes on, and recovers', async () => {
    const run = await running();
    // The core holds the write lock longer than the engine waits for it (a slow rules tick, say).
    run.db.pragma('busy_timeout = 50');
    const core = openCache(run.file);
    cleanups.push(() => {
      core.close();
    });
    await test.admin.setFaults({ serverErrorRate: 1 });
    const { mutationIds, noteIds } = addNotes(run, 2);
    core.prepare('BEGIN IMMEDIATE').run();
    run.engine.kickPush();
    run.engine.pokePull();
    await until(
      'failures the engine could not record',
      () => run.warnings.filter((line) => line.startsWith('sync: could not')).length,
      (count) => count >= 3,
    );
    core.prepare('ROLLBACK').run();
    run.db.pragma('busy_timeout = 5000');
    await test.admin.clearFaults();
    await expectRecovered(run, mutationIds, noteIds);
  }, 40_000);

  it('stopping while a page is on its way ends the pull at once and records no error', async () => {
    const run = await running();
    await test.admin.setFaults({ latencyMs: 4_000, operations: ['changes'] });
    const before = syncState(run.db).last_error;
    run.engine.pokePull();
    await sleep(300);
    const asked = performance.now();
    await run.engine.stop();
    // Well before the page would have arrived.
    expect(performance.now() - asked).toBeLessThan(3_000);
    expect(syncState(run.db).last_error).toBe(before);
  }, 20_000);

  it('500s on the feed only: actions still reach the server while pulls fail and the cursor stays', async () => {
    const run = await running();
    const before = syncState(run.db);
    await test.admin.setFaults({ serverErrorRate: 1, operations: ['changes'] });
    const injected = await test.admin.injectAlert({ dispatch: 'never' });
    const { mutationIds, noteIds } = addNotes(run, 2);
    run.engine.kickPush();
    await until(
      'the actions applied while the feed fails',
      () => serverMutations(test.serverDb(), mutationIds).length,
      (count) => count === 2,
    );
    await until(
      'a failed pull',
      () => run.engine.snapshot().lastError,
      (error) => error !== null,
    );
    expect(syncState(run.db).cursor).toBe(before.cursor);
    expect(run.db.prepare('SELECT id FROM alert WHERE id = ?').get(injected.id)).toBeUndefined();
    await test.admin.clearFaults();
    await expectRecovered(run, mutationIds, noteIds);
    expect(run.db.prepare('SELECT version FROM alert WHERE id = ?').get(injected.id)).toEqual({
      version: injected.version,
    });
  }, 40_000);

  for (const { fault, fired, error } of damagedBodies) {
    it(`${fired}: a damaged page writes nothing, the cursor stays, actions apply once`, async () => {
      const run = await running();
      const before = syncState(run.db);
      const digestBefore = cacheDigest(run.db);
      await test.admin.setFaults({ [fault]: 1, operations: ['changes', 'mutations'] });
      const injected = await test.admin.injectAlert({ dispatch: 'never' });
      const { mutationIds, noteIds } = addNotes(run, 2);
      run.engine.kickPush();
      run.engine.pokePull();
      const faulty = await until(
        `${fired} reported`,
        async () => ({
          fired: await test.admin.fired(fired),
          snapshot: run.engine.snapshot(),
          onServer: serverMutations(test.serverDb(), mutationIds).length,
        }),
        (value) => value.fired >= 4 && value.snapshot.network.state !== 'online' && value.onServer === 2,
      );
      expect(faulty.snapshot.lastError ?? '').toMatch(error);
      // The server committed the actions, but the engine never read its answer: they stay pending.
      expect(faulty.snapshot.outbox.pending).toBe(2);
      const after = syncState(run.db);
      expect(after.cursor).toBe(before.cursor);
      expect(after.records_applied).toBe(before.records_applied);
      expect(digestDiff(withoutNotes(cacheDigest(run.db), noteIds), digestBefore)).toEqual([]);
      expect(run.db.prepare('SELECT id FROM alert WHERE id = ?').get(injected.id)).toBeUndefined();

      await test.admin.clearFaults();
      await expectRecovered(run, mutationIds, noteIds);
      // Exactly once: the retries were answered `duplicate`, never applied a second time.
      for (const id of mutationIds) {
        expect(run.answers.filter((answer) => answer.id === id).map((answer) => answer.status)).toEqual([
          'duplicate',
        ]);
      }
      expect(run.db.prepare('SELECT version FROM alert WHERE id = ?').get(injected.id)).toEqual({
        version: injected.version,
      });
    }, 40_000);
  }

  it('oversized pages: refused by the byte limit before parsing, nothing written, then recovered', async () => {
    // The engine's own default limit (32 MiB); the server pads the page well past it.
    const run = await running();
    const before = syncState(run.db);
    const digestBefore = cacheDigest(run.db);
    await test.admin.setFaults({ oversizedBodyRate: 1, oversizedBodyBytes: 96 * 1024 * 1024 });
    const injected = await test.admin.injectAlert({ dispatch: 'never' });
    run.engine.pokePull();
    const faulty = await until(
      'oversized pages refused',
      async () => ({ fired: await test.admin.fired('oversizedBody'), snapshot: run.engine.snapshot() }),
      (value) => value.fired >= 3 && value.snapshot.network.state === 'offline',
    );
    expect(faulty.snapshot.lastError).toMatch(/over the 33554432-byte limit/);
    expect(syncState(run.db).cursor).toBe(before.cursor);
    expect(digestDiff(cacheDigest(run.db), digestBefore)).toEqual([]);
    await test.admin.clearFaults();
    await expectRecovered(run, [], []);
    expect(run.db.prepare('SELECT version FROM alert WHERE id = ?').get(injected.id)).toEqual({
      version: injected.version,
    });
  }, 40_000);

  it('lost responses after commit: each action ends applied exactly once, its retry answered duplicate', async () => {
    const run = await running();
    await test.admin.setFaults({ lostMutationResponseRate: 1, operations: ['mutations'] });
    const notes = addNotes(run, 2);
    // Actions whose local effect differs from what the server makes of them (its clock, its ids).
    const alertId = (
      run.db
        .prepare('SELECT id FROM alert WHERE verified_at IS NULL ORDER BY id LIMIT 1 OFFSET 60')
        .get() as { id: string }
    ).id;
    const subject = { entity: 'alert', id: alertId };
    const claimId = enqueueAction(run.engine, run.db, run.clock, 'claimItem', { subject });
    const verifyId = enqueueAction(run.engine, run.db, run.clock, 'verifyAlert', {
      alertId,
      significant: false,
      assessment: '误报，传感器抖动',
    });
    const mutationIds = [...notes.mutationIds, claimId, verifyId];
    run.engine.kickPush();
    const lost = await until(
      'the actions committed, their results pulled, but unconfirmed',
      () => ({
        onServer: serverMutations(test.serverDb(), mutationIds),
        pending: run.engine.snapshot().outbox.pending,
        attempts: outboxRows(run.db).map((row) => row.attempts),
        lastError: run.engine.snapshot().lastError,
        claimVersions: [
          serverEntity(test.serverDb(), 'claim', `alert:${alertId}`)?.version,
          (
            run.db.prepare('SELECT version FROM claim WHERE id = ?').get(`alert:${alertId}`) as
              { version: number } | undefined
          )?.version,
        ],
      }),
      (value) =>
        value.onServer.length === 4 &&
        value.attempts.every((attempts) => attempts >= 2) &&
        value.claimVersions[0] !== undefined &&
        value.claimVersions[0] === value.claimVersions[1],
    );
    expect(lost.pending).toBe(4);
    expect(lost.onServer.every((row) => row.status === 'applied')).toBe(true);
    expect(lost.lastError).not.toBeNull();
    expect(await test.admin.fired('lostMutationResponse')).toBeGreaterThanOrEqual(2);
    await test.admin.clearFaults();
    // Recovery includes the cache equal to the server: the claim and the verification as the server
    // recorded them, not as the local effects guessed them.
    await expectRecovered(run, mutationIds, notes.noteIds);
    expect(
      run.answers.filter((answer) => mutationIds.includes(answer.id)).map((answer) => answer.status),
    ).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
  }, 40_000);

  it('token expiry: the session is reported expired, actions stay the operator’s, the queue resumes after sign-in', async () => {
    const run = await running();
    await test.admin.setFaults({ tokenLifetimeSeconds: 0 });
    run.engine.pokePull();
    const expired = await until(
      'the session expired',
      () => run.engine.snapshot(),
      (snapshot) => snapshot.sessionExpired && !snapshot.signedIn,
    );
    expect(expired.lastError).toMatch(/TOKEN_EXPIRED/);
    // Working on with an expired session: the actions are recorded as the operator's and wait.
    const { mutationIds, noteIds } = addNotes(run, 2);
    run.engine.kickPush();
    await until(
      'still running without a session',
      () => run.engine.snapshot(),
      // The platform's time is still read while signed out: the link itself is fine.
      (snapshot) => snapshot.network.state === 'online' && snapshot.lastSuccessMs !== null,
    );
    expect(run.engine.snapshot().outbox.pending).toBe(2);
    expect(outboxRows(run.db).map((row) => row.operator_id)).toEqual(['op-zhangmin', 'op-zhangmin']);
    expect(serverMutations(test.serverDb(), mutationIds)).toEqual([]);

    await test.admin.clearFaults();
    await signInCache(run.db, test.url, run.clock, 'zhangmin');
    run.engine.sessionRenewed();
    await expectRecovered(run, mutationIds, noteIds);
    const snapshot = run.engine.snapshot();
    expect(snapshot.sessionExpired).toBe(false);
    expect(snapshot.signedIn).toBe(true);
    // Attributed to the operator who acted, on the server too.
    expect(serverMutations(test.serverDb(), mutationIds).map((row) => row.operator_id)).toEqual([
      'op-zhangmin',
      'op-zhangmin',
    ]);
    for (const noteId of noteIds) {
      expect(serverEntity(test.serverDb(), 'timelineEntry', noteId)?.actor).toMatchObject({
        operatorId: 'op-zhangmin',
      });
    }
  }, 40_000);

  it('a stalled event stream: detected by its silent heartbeat, reconnected, polling meanwhile; pokes again after', async () => {
    const run = await running({ pollIntervalMs: 1_500 });
    await until(
      'the event stream connected',
      () => run.engine.snapshot().eventStream,
      (s) => s === 'connected',
    );
    await test.admin.setFaults({ stallEvents: true });
    await until(
      'the silence noticed and a reconnection under way',
      () => ({ warnings: run.warnings.length, stream: run.engine.snapshot().eventStream }),
      (value) => value.warnings >= 2 && value.stream === 'connecting',
    );
    expect(run.warnings.every((warning) => /event stream fell silent/.test(warning))).toBe(true);
    expect(await test.admin.fired('stallEvents')).toBeGreaterThanOrEqual(2);
    // The feed never depends on the stream: polling still brings new data in.
    const duringStall = await test.admin.injectAlert({ dispatch: 'never' });
    await until(
      'an alert raised during the stall arrives by polling',
      () => run.db.prepare('SELECT version FROM alert WHERE id = ?').get(duringStall.id),
      (row) => row !== undefined,
    );
    expect(run.engine.snapshot().network.state).toBe('online');

    await test.admin.clearFaults();
    await until(
      'the stream reconnected',
      () => run.engine.snapshot().eventStream,
      (s) => s === 'connected',
    );
    const afterStall = await test.admin.injectAlert({ dispatch: 'never' });
    await until(
      'an alert raised after the stall arrives',
      () => run.db.prepare('SELECT version FROM alert WHERE id = ?').get(afterStall.id),
      (row) => row !== undefined,
    );
    await expectRecovered(run, [], []);
  }, 40_000);
});
