import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { ServerClock } from '../clock';
import type { Logger } from '../logger';
import { NetworkStateTracker, type NetworkStateSnapshot } from '../network-state';
import { DEFAULT_BACKOFF, fullJitterDelay, type BackoffPolicy } from './backoff';
import { CacheWriter, preparedKeys, releasePrepared, tableOf } from './cache-writer';
import { CentralClient, CentralError, type RequestOutcome } from './central-client';
import { CircuitBreaker, DEFAULT_CIRCUIT, type CircuitBreakerOptions } from './circuit-breaker';
import { readEventStream } from './event-stream';
import { Outbox } from './outbox';
import { beginPageWrite } from '../db/write-gate';
import { createThreadedPageSource } from './page-fetch-thread';
import { createInlinePageSource, type FetchedPage, type PageSource, type PageStream } from './page-fetcher';
import { entityNames, PageRejected, type ValidPage } from './wire';

export interface SyncEngineOptions {
  db: Database.Database;
  centralUrl: string;
  clock: ServerClock;
  monoNow: () => number;
  logger: Logger;
  fetch?: typeof globalThis.fetch;
  pageLimit?: number;
  /** Pages fetched ahead while one is written (see page-fetcher.ts). */
  pageLookahead?: number;
  /**
   * The bundled page-fetch-worker.cjs: pages are then fetched and prepared on a thread of their own
   * (the app); without it, on the engine's thread (tests, tools).
   */
  pageFetcherScript?: string;
  /** The core's write gate (db/write-gate.ts), when the engine runs on a thread of its own. */
  coreWriteGate?: SharedArrayBuffer;
  pushBatchSize?: number;
  pollIntervalMs?: number;
  requestTimeoutMs?: number;
  maxPageBytes?: number;
  /** Listen to GET /events for pokes (off: poll only). */
  useEventStream?: boolean;
  heartbeatSilenceMs?: number;
  backoff?: BackoffPolicy;
  /** When the sender stops retrying a failing server, and for how long (tests shorten it). */
  circuit?: CircuitBreakerOptions;
  random?: () => number;
  /** Told after every committed page, push result and state change. */
  onUpdate?: (update: SyncUpdate) => void;
}

export type SyncUpdate =
  | { kind: 'pageCommitted'; changes: number; phase: ValidPage['phase'] }
  | { kind: 'outboxChanged' }
  | { kind: 'state' };

export interface SyncProgress {
  /** initial: the first full sync is running (open items first, then history). */
  stage: 'initial' | 'live';
  /** While initial: whether every open item has arrived (the queues are complete). */
  openItemsComplete: boolean;
  recordsApplied: number;
  bytesReceived: number;
  rowsPerSecond: number | null;
  startedAtMs: number | null;
  completedAtMs: number | null;
  /** What the platform said remains after the last page (an estimate; null when it did not say). */
  recordsRemaining: number | null;
}

export interface SyncSnapshot {
  network: NetworkStateSnapshot;
  progress: SyncProgress;
  lastSuccessMs: number | null;
  lastError: string | null;
  signedIn: boolean;
  sessionExpired: boolean;
  eventStream: 'connected' | 'connecting' | 'off';
  outbox: { pending: number; rejected: number };
}

const pokeSchema = z.object({ cursor: z.string(), serverTime: z.iso.datetime({ offset: true }) });
const mutationResponseSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      seq: z.int(),
      status: z.enum(['applied', 'duplicate', 'rejected']),
      code: z.string().optional(),
      message: z.string().optional(),
      expectedSeq: z.int().optional(),
      original: z
        .object({
          status: z.enum(['applied', 'rejected']),
          code: z.string().optional(),
          message: z.string().optional(),
        })
        .optional(),
    }),
  ),
  cursor: z.string(),
  serverTime: z.iso.datetime({ offset: true }),
});

interface SyncStateRow {
  client_id: string;
  seq_base: number;
  cursor: string | null;
  phase: string;
  last_success_at: number | null;
  last_error: string | null;
  initial_started_at: number | null;
  initial_completed_at: number | null;
  records_applied: number;
  bytes_received: number;
}

/** A wait that ends early on wake() or stop. */
class Waiter {
  #wake: (() => void) | null = null;
  #woken = false;

  wait(ms: number, stop: AbortSignal): Promise<void> {
    if (this.#woken || stop.aborted) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        stop.removeEventListener('abort', done);
        this.#wake = null;
        this.#woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      stop.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }

  wake(): void {
    if (this.#wake) this.#wake();
    else this.#woken = true;
  }
}

/**
 * The sync engine: pulls the change feed into the cache page by page (each page and its cursor in one
 * transaction), pushes the outbox in order, listens for pokes, and derives the network state from the
 * outcome of every request. It owns the cache's writer connection; run it off the thread that answers
 * the bridge (see sync-worker.ts).
 */
export class SyncEngine {
  readonly network: NetworkStateTracker;
  readonly outbox: Outbox;
  readonly #db: Database.Database;
  readonly #writer: CacheWriter;
  readonly #client: CentralClient;
  readonly #options: Required<
    Omit<SyncEngineOptions, 'onUpdate' | 'fetch' | 'pageFetcherScript' | 'coreWriteGate'>
  > &
    Pick<SyncEngineOptions, 'onUpdate' | 'coreWriteGate'>;
  readonly #pages: PageSource;
  readonly #fetch: typeof globalThis.fetch;
  readonly #pullWaiter = new Waiter();
  readonly #pushWaiter = new Waiter();
  /** The event loop's own wait for a token: sharing the pull's waiter would let one steal the other's wake-up. */
  readonly #sessionWaiter = new Waiter();
  readonly #breaker: CircuitBreaker;
  #stop = new AbortController();
  #running: Promise<unknown> | null = null;
  #eventStream: SyncSnapshot['eventStream'] = 'off';
  #sessionExpired = false;
  #rateWindow: { atMono: number; records: number }[] = [];
  #feedRemaining: number | null = null;
  readonly #statements;

  constructor(options: SyncEngineOptions) {
    this.#options = {
      // 2,000 changes (about 2.5 MB). Measured on the 2-core machines over a 200,000-alert initial sync
      // (bench/sync.ts): 5,000 took 16.8 s and peaked at 316 MB, 2,000 took 12.8 s and 256 MB; 1,000 and
      // 3,000 were no better. Smaller pages also hold the write lock for less time.
      pageLimit: 2000,
      pageLookahead: 1,
      pushBatchSize: 50,
      pollIntervalMs: 15_000,
      requestTimeoutMs: 30_000,
      // Real pages are a few megabytes (2,000 changes); anything near this is refused before it is parsed.
      maxPageBytes: 32 * 1024 * 1024,
      useEventStream: true,
      heartbeatSilenceMs: 45_000,
      backoff: DEFAULT_BACKOFF,
      circuit: DEFAULT_CIRCUIT,
      random: Math.random,
      ...options,
    };
    this.#breaker = new CircuitBreaker(this.#options.circuit);
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#db = options.db;
    this.#writer = new CacheWriter(this.#db);
    this.outbox = new Outbox(this.#db);
    this.network = new NetworkStateTracker(options.clock.now());
    const onOutcome = (outcome: RequestOutcome): void => {
      const now = options.clock.now();
      const changed = outcome.ok
        ? this.network.recordSuccess(now, outcome.roundTripMs)
        : this.network.recordFailure(now, outcome.failure?.message ?? 'request failed');
      if (changed) this.#notify({ kind: 'state' });
    };
    this.#client = new CentralClient({
      baseUrl: options.centralUrl,
      fetch: this.#fetch,
      monoNow: options.monoNow,
      timeoutMs: this.#options.requestTimeoutMs,
      maxBodyBytes: this.#options.maxPageBytes,
      onOutcome,
    });
    this.#pages = options.pageFetcherScript
      ? createThreadedPageSource({
          workerScript: options.pageFetcherScript,
          baseUrl: options.centralUrl,
          timeoutMs: this.#options.requestTimeoutMs,
          maxBodyBytes: this.#options.maxPageBytes,
          onOutcome,
          logger: options.logger,
        })
      : createInlinePageSource(this.#client);
    this.#statements = {
      state: this.#db.prepare('SELECT * FROM sync_state WHERE id = 1'),
      token: this.#db.prepare('SELECT token FROM session WHERE id = 1'),
      sessionOperator: this.#db.prepare('SELECT operator_id FROM session WHERE id = 1 AND token IS NOT NULL'),
      expireToken: this.#db.prepare('UPDATE session SET token = NULL WHERE id = 1 AND token = ?'),
      afterPage: this.#db.prepare(
        `UPDATE sync_state SET cursor = @cursor, phase = @phase, last_success_at = @now, last_error = NULL,
           server_offset_ms = @offset, records_applied = records_applied + @records, bytes_received = bytes_received + @bytes,
           initial_started_at = coalesce(initial_started_at, @now),
           initial_completed_at = CASE WHEN @caughtUp = 1 THEN coalesce(initial_completed_at, @now) ELSE initial_completed_at END
         WHERE id = 1`,
      ),
      recordError: this.#db.prepare('UPDATE sync_state SET last_error = ?, last_error_at = ? WHERE id = 1'),
      newClient: this.#db.prepare('UPDATE sync_state SET client_id = ?, seq_base = ? WHERE id = 1'),
    };
  }

  start(): void {
    if (this.#running) return;
    this.#stop = new AbortController();
    const loops = [this.#pullLoop(), this.#pushLoop()];
    if (this.#options.useEventStream) loops.push(this.#eventLoop());
    this.#running = Promise.all(loops);
    this.#notify({ kind: 'state' });
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    // Before waiting for the loops: a pull waiting for a page ends now rather than when its request does.
    await this.#pages.dispose();
    await this.#running;
    this.#running = null;
  }

  /** Pull now (a poke, a sign-in, the operator's request). */
  pokePull(): void {
    this.#pullWaiter.wake();
  }

  /** Push now (a new action was written). */
  kickPush(): void {
    this.#pushWaiter.wake();
  }

  /** A new token arrived (sign-in): everything that waited for one resumes. */
  sessionRenewed(): void {
    this.#sessionExpired = false;
    this.pokePull();
    this.kickPush();
    this.#sessionWaiter.wake();
  }

  snapshot(): SyncSnapshot {
    const state = this.#state();
    return {
      network: this.network.snapshot(),
      progress: this.#progress(state),
      lastSuccessMs: state.last_success_at,
      lastError: state.last_error,
      signedIn: this.#token() !== null,
      sessionExpired: this.#sessionExpired,
      eventStream: this.#eventStream,
      outbox: this.outbox.counts(),
    };
  }

  // ------------------------------------------------------------------------------------------ pull

  /**
   * Pulls pages until the feed is caught up. While a page is written, the next one is already being
   * fetched and prepared (on the page fetch thread in the app; the server prepares it on another core),
   * so the wire and the disk work at the same time. Exposed for tests and benchmarks.
   */
  async pullUntilCaughtUp(): Promise<number> {
    return (await this.#pull(this.#options.pageLookahead, Number.POSITIVE_INFINITY)).total;
  }

  /** One page: fetch, validate, then write it and its cursor in one transaction. Null when not signed in. */
  async pullPage(): Promise<FetchedPage['meta'] | null> {
    return (await this.#pull(0, 1)).last;
  }

  /** Pulls at most `maxPages` pages, or until caught up: the changes written and the last page's facts. */
  async #pull(
    lookahead: number,
    maxPages: number,
  ): Promise<{ total: number; last: FetchedPage['meta'] | null }> {
    const token = this.#token();
    if (token === null) return { total: 0, last: null };
    let last: FetchedPage['meta'] | null = null;
    // The outbox's confirmation count when this pull began (see Outbox.settle).
    const since = this.outbox.confirmations;
    let stream = this.#openPages(this.#state().cursor, token, lookahead);
    let total = 0;
    try {
      for (let pages = 0; pages < maxPages; pages += 1) {
        let fetched: FetchedPage;
        try {
          fetched = await stream.next();
        } catch (error) {
          if (error instanceof CentralError && error.failure.kind === 'cursorGone') {
            stream.close();
            this.#startFullResync(error.message);
            stream = this.#openPages(null, token, lookahead);
            pages -= 1;
            continue;
          }
          if (error instanceof PageRejected) {
            throw new PageRejected(`a page from the central platform was refused: ${error.message}`);
          }
          throw this.#handleRequestError(error, token);
        }
        this.#options.clock.observe({
          sentMono: fetched.sentMono,
          receivedMono: fetched.receivedMono,
          serverMs: fetched.meta.serverTimeMs,
        });
        // The core's writes (an operator's action) go first: pages otherwise follow each other too
        // closely for its busy handler to find the lock free. And the core is told while the page is
        // written, so a write of its that can wait does so without blocking its thread.
        const endPageWrite = this.#options.coreWriteGate
          ? await beginPageWrite(this.#options.coreWriteGate)
          : null;
        try {
          this.#commitPage(fetched, since);
        } finally {
          endPageWrite?.();
        }
        releasePrepared(fetched.changes);
        this.#notify({
          kind: 'pageCommitted',
          changes: fetched.changes.kinds.length,
          phase: fetched.meta.phase,
        });
        total += fetched.changes.kinds.length;
        last = fetched.meta;
        if (!fetched.meta.hasMore) break;
      }
    } finally {
      stream.close();
    }
    return { total, last };
  }

  /** The feed after `cursor` (the open items first when there is none yet). */
  #openPages(cursor: string | null, token: string, lookahead: number): PageStream {
    return this.#pages.open({ cursor, token, limit: this.#options.pageLimit, lookahead });
  }

  #commitPage({ meta, changes, bytes }: FetchedPage, since: number): void {
    const now = this.#options.clock.now();
    const records = changes.kinds.length;
    this.#db
      .transaction(() => {
        this.#writer.applyPrepared(changes);
        const based = this.outbox.basedKeys();
        if (based.size > 0) {
          for (const { entity, id } of preparedKeys(changes)) {
            if (Outbox.isBased(based, entity, id)) this.outbox.rebase(entity, id);
          }
        }
        // Caught up: documents whose actions were confirmed before this pull began now show the server's data.
        if (!meta.hasMore) this.outbox.settle(since);
        this.#statements.afterPage.run({
          cursor: meta.cursor,
          phase: meta.phase,
          now,
          offset: this.#options.clock.offsetMs(),
          records,
          bytes,
          caughtUp: meta.hasMore ? 0 : 1,
        });
      })
      .immediate();
    this.#rateWindow.push({ atMono: this.#options.monoNow(), records });
    if (this.#rateWindow.length > 20) this.#rateWindow.shift();
    this.#feedRemaining = meta.remaining;
  }

  /**
   * The server no longer knows our cursor (410): drop every entity and sync again from scratch. The
   * outbox stays, and pending local effects are folded over their saved base again at once, so the
   * operator's unconfirmed actions stay visible through the resync.
   */
  #startFullResync(reason: string): void {
    this.#options.logger.warn(`full resync: ${reason}`);
    this.#db
      .transaction(() => {
        for (const entity of entityNames) this.#db.prepare(`DELETE FROM ${tableOf(entity)}`).run();
        this.#db
          .prepare(
            `UPDATE sync_state SET cursor = NULL, phase = 'initial', initial_started_at = NULL, initial_completed_at = NULL,
             records_applied = 0, bytes_received = 0, full_resyncs = full_resyncs + 1, last_error = ? WHERE id = 1`,
          )
          .run(`full resync: ${reason}`);
        this.outbox.recomputeAll();
      })
      .immediate();
    this.#notify({ kind: 'state' });
  }

  async #pullLoop(): Promise<void> {
    const stop = this.#stop.signal;
    let failures = 0;
    while (!stop.aborted) {
      let delay = this.#options.pollIntervalMs;
      try {
        await this.pullUntilCaughtUp();
        // Signed out, nothing is pulled; the platform's time still is, which keeps the clock and the
        // network state true for the sign-in screen.
        if (this.#token() === null) await this.#checkTime();
        failures = 0;
      } catch (error) {
        // Stopping ends a pull midway; that is no error of the sync's.
        if (this.#stopped()) break;
        failures += 1;
        this.#recordError(error);
        delay = Math.max(250, fullJitterDelay(failures, this.#options.backoff, this.#options.random));
      }
      await this.#pullWaiter.wait(delay, stop);
    }
  }

  async #checkTime(): Promise<void> {
    const response = await this.#client.request('GET', '/api/v1/time', { timeoutMs: 5_000 });
    const parsed = z.object({ serverTime: z.iso.datetime({ offset: true }) }).safeParse(response.body);
    if (!parsed.success)
      throw new Error('the central platform answered GET /time without a valid serverTime');
    this.#options.clock.observe({
      sentMono: response.sentMono,
      receivedMono: response.receivedMono,
      serverMs: Date.parse(parsed.data.serverTime),
    });
    this.#notify({ kind: 'state' });
  }

  // ------------------------------------------------------------------------------------------ push

  /** Sends one batch of pending actions; resolves with how many were completed (applied or rejected). */
  async pushOnce(): Promise<number> {
    const token = this.#token();
    if (token === null) return 0;
    const session = this.#statements.sessionOperator.get() as { operator_id: string } | undefined;
    if (!session) return 0;
    const batch = this.outbox.pendingBatch(this.#options.pushBatchSize, session.operator_id);
    if (batch.length === 0) return 0;
    const state = this.#state();
    const body = {
      clientId: state.client_id,
      mutations: batch.map((entry) => ({
        id: entry.mutationId,
        seq: entry.seq - state.seq_base,
        name: entry.name,
        args: entry.args,
        createdAt: entry.createdAt,
      })),
    };
    let response;
    try {
      response = await this.#client.request('POST', '/api/v1/mutations', { token, body });
    } catch (error) {
      this.#bestEffort('count the failed upload', () => {
        this.outbox.markAttemptFailed(
          batch.map((entry) => entry.mutationId),
          error instanceof Error ? error.message : String(error),
        );
      });
      throw this.#handleRequestError(error, token);
    }
    const parsed = mutationResponseSchema.safeParse(response.body);
    if (!parsed.success)
      throw new Error('the central platform answered the mutations with an unexpected body');
    const now = this.#options.clock.now();
    let completed = 0;
    for (const result of parsed.data.results) {
      if (
        result.status === 'applied' ||
        (result.status === 'duplicate' && result.original?.status !== 'rejected')
      ) {
        this.outbox.markApplied(result.id, now);
        completed += 1;
      } else if (result.status === 'duplicate') {
        this.outbox.markRejected(
          result.id,
          result.original?.code ?? 'REJECTED',
          result.original?.message ?? '',
          now,
        );
        completed += 1;
      } else if (result.code === 'SEQUENCE_GAP' || result.code === 'SEQUENCE_REUSED') {
        // The server's record of this workstation's sequence is not ours (a restored server or cache):
        // continue under a new client id, numbering from the first unfinished action. Mutation ids are
        // kept, so anything the server already applied comes back `duplicate`, never twice.
        this.#adoptNewClientId(batch[0]?.seq ?? 1);
        break;
      } else {
        this.outbox.markRejected(result.id, result.code ?? 'REJECTED', result.message ?? '', now);
        completed += 1;
      }
    }
    this.#notify({ kind: 'outboxChanged' });
    // The mutations changed the feed; pull so the server's versions replace the local effects soon.
    this.pokePull();
    return completed;
  }

  #adoptNewClientId(firstUnfinishedSeq: number): void {
    const id = crypto.randomUUID().replaceAll('-', '');
    this.#statements.newClient.run(id, firstUnfinishedSeq - 1);
    this.#options.logger.warn(
      `the central platform lost this workstation's action sequence; continuing as client ${id}`,
    );
  }

  async #pushLoop(): Promise<void> {
    const stop = this.#stop.signal;
    let failures = 0;
    while (!stop.aborted) {
      let delay = this.#options.pollIntervalMs;
      const now = this.#options.clock.now();
      if (!this.#breaker.allows(now)) {
        delay = Math.max(100, (this.#breaker.reopensAtMs(now) ?? now) - now);
      } else {
        try {
          const completed = await this.pushOnce();
          this.#breaker.recordSuccess();
          failures = 0;
          if (completed > 0) continue;
          if (this.outbox.counts().pending > 0 && this.#token() !== null && !this.#heldForAnother())
            delay = 0;
        } catch (error) {
          failures += 1;
          this.#breaker.recordFailure(this.#options.clock.now());
          this.#recordError(error);
          // A failed upload is retried on its own schedule, not only when a new action arrives.
          delay = Math.max(250, fullJitterDelay(failures, this.#options.backoff, this.#options.random));
        }
      }
      await this.#pushWaiter.wait(delay, stop);
    }
  }

  // ---------------------------------------------------------------------------------------- events

  async #eventLoop(): Promise<void> {
    const stop = this.#stop.signal;
    let failures = 0;
    while (!stop.aborted) {
      try {
        failures = await this.#listenOnce(failures, stop);
      } catch (error) {
        // Reading the cache failed (busy past its timeout): the stream is opened again after a pause.
        this.#options.logger.warn('the event stream stopped on an error; reconnecting', error);
        failures += 1;
        await sleep(fullJitterDelay(failures, this.#options.backoff, this.#options.random), stop);
      }
    }
    this.#setEventStream('off');
  }

  /** One connection of the event stream, until it ends; resolves with the failure count after it. */
  async #listenOnce(failures: number, stop: AbortSignal): Promise<number> {
    const token = this.#token();
    if (token === null) {
      this.#setEventStream('off');
      await this.#sessionWaiter.wait(this.#options.pollIntervalMs, stop);
      return failures;
    }
    this.#setEventStream('connecting');
    const end = await readEventStream(
      {
        url: `${this.#client.baseUrl}/api/v1/events`,
        token,
        fetch: this.#fetch,
        silenceLimitMs: this.#options.heartbeatSilenceMs,
        onEvent: (event) => {
          failures = 0;
          this.#setEventStream('connected');
          if (event.event !== 'poke') return;
          const poke = pokeSchema.safeParse(safeJson(event.data));
          if (poke.success && poke.data.cursor !== this.#state().cursor) this.pokePull();
        },
      },
      stop,
    );
    if (this.#stopped()) return failures;
    this.#setEventStream('connecting');
    if (end === 'unauthorized') this.#sessionExpired = true;
    if (end === 'silent') this.#options.logger.warn('the event stream fell silent; reconnecting');
    failures += 1;
    await sleep(Math.max(500, fullJitterDelay(failures, this.#options.backoff, this.#options.random)), stop);
    return failures;
  }

  #setEventStream(state: SyncSnapshot['eventStream']): void {
    if (this.#eventStream === state) return;
    this.#eventStream = state;
    this.#notify({ kind: 'state' });
  }

  // --------------------------------------------------------------------------------------- helpers

  #handleRequestError(error: unknown, token: string): unknown {
    if (error instanceof CentralError && error.failure.kind === 'unauthorized') {
      // The token expired (or was revoked): forget it, keep the operator and every queued action; the
      // operator is asked to sign in again and the queues resume with the new token.
      this.#bestEffort('forget the expired token', () => this.#statements.expireToken.run(token));
      this.#sessionExpired = true;
      this.#notify({ kind: 'state' });
    }
    return error;
  }

  #recordError(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.#bestEffort(`record the sync error "${message}"`, () =>
      this.#statements.recordError.run(message, this.#options.clock.now()),
    );
    this.#notify({ kind: 'state' });
  }

  /**
   * Bookkeeping written while handling a failure: if the cache cannot take it either (busy past its
   * timeout while the core holds the write lock), the failure is still handled and the loops go on;
   * throwing here would end the loop, and with it the sync, for good.
   */
  #bestEffort(what: string, write: () => unknown): void {
    try {
      write();
    } catch (error) {
      this.#options.logger.warn(`sync: could not ${what}`, error);
    }
  }

  /** Read through a method: after an await, flow analysis would still assume the signal is not aborted. */
  #stopped(): boolean {
    return this.#stop.signal.aborted;
  }

  #state(): SyncStateRow {
    return this.#statements.state.get() as SyncStateRow;
  }

  /** The oldest pending action waits for another operator to sign in: pushing again now is pointless. */
  #heldForAnother(): boolean {
    const session = this.#statements.sessionOperator.get() as { operator_id: string } | undefined;
    return this.outbox.heldFor(session?.operator_id ?? null) !== null;
  }

  #token(): string | null {
    return (this.#statements.token.get() as { token: string | null } | undefined)?.token ?? null;
  }

  #progress(state: SyncStateRow): SyncProgress {
    const window = this.#rateWindow;
    const first = window[0];
    const last = window.at(-1);
    let rowsPerSecond: number | null = null;
    if (first && last && last.atMono > first.atMono) {
      const records = window.slice(1).reduce((sum, sample) => sum + sample.records, 0);
      rowsPerSecond = (records * 1000) / (last.atMono - first.atMono);
    }
    return {
      stage: state.initial_completed_at === null ? 'initial' : 'live',
      openItemsComplete: state.cursor !== null && state.phase !== 'open' && state.phase !== 'initial',
      recordsApplied: state.records_applied,
      bytesReceived: state.bytes_received,
      rowsPerSecond,
      startedAtMs: state.initial_started_at,
      completedAtMs: state.initial_completed_at,
      recordsRemaining: this.#feedRemaining,
    };
  }

  #notify(update: SyncUpdate): void {
    this.#options.onUpdate?.(update);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function sleep(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop.addEventListener('abort', done, { once: true });
  });
}
