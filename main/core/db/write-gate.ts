/**
 * The core's writes go before the sync worker's next page.
 *
 * Two connections write the cache: the core's (operator actions, the rules, alarms) and the sync worker's
 * (pulled pages). During an initial sync the worker commits page after page with hardly a gap, while
 * SQLite's busy handler retries in sleeps of up to 100 ms: nothing guarantees that it ever finds the lock
 * free, and an operator's action must not depend on luck. So the core says when it is about to write, in
 * a counter shared with the worker (a SharedArrayBuffer), and the worker lets the core go first before it
 * begins its next page; the core then waits at most for the page being written. The worker waits a
 * bounded time, so a core that stalled while holding the gate cannot stop the sync.
 *
 * The worker also says, in a second slot, while it writes a page. A core write that can wait (a step of the
 * rules' tick, a bridge call that writes) waits for that page without blocking its thread (`whenWorkerIdle`),
 * so the bridge goes on answering meanwhile, instead of sleeping in SQLite's busy handler, whose sleeps (up
 * to 100 ms) also overshoot the page's end. Each side stores its own slot before it loads the other's, with
 * sequentially consistent atomics (Dekker's order): they cannot both miss each other and write at once.
 */
import type Database from 'better-sqlite3';

/** Slots of the shared buffer. */
const CORE_WRITERS = 0;
const WORKER_WRITING = 1;
const SLOTS = 2;
/** The size of the shared buffer. */
export const WRITE_GATE_BYTES = SLOTS * Int32Array.BYTES_PER_ELEMENT;

export interface WriteGate {
  /** Shared with the sync worker (workerData). */
  readonly buffer: SharedArrayBuffer;
  /** Runs `work` (synchronous) with the gate held. Nests. */
  during<T>(work: () => T): T;
  /**
   * Announces a write, waits without blocking the thread until the worker is between pages (at most
   * `maxWaitMs`: a worker that died mid-page cannot stop the core), then runs `work` with the gate held.
   * Such writes run in the order they were asked for (an operator's actions reach the outbox in order), and
   * all of them before the worker's next page.
   */
  whenWorkerIdle<T>(work: () => T, maxWaitMs?: number): Promise<T>;
}

export function createWriteGate(): WriteGate {
  const buffer = new SharedArrayBuffer(WRITE_GATE_BYTES);
  const slots = new Int32Array(buffer);
  const release = (): void => {
    if (Atomics.sub(slots, CORE_WRITERS, 1) === 1) Atomics.notify(slots, CORE_WRITERS);
  };
  /** The last write asked for through whenWorkerIdle, settled or not: the next one waits for it. */
  let lastWaiting: Promise<unknown> = Promise.resolve();
  return {
    buffer,
    during(work) {
      Atomics.add(slots, CORE_WRITERS, 1);
      try {
        return work();
      } finally {
        release();
      }
    },
    whenWorkerIdle(work, maxWaitMs = 2_000) {
      // Announced at once, so that no page begins while it waits for the writes asked for before it.
      Atomics.add(slots, CORE_WRITERS, 1);
      const written = lastWaiting
        .then(() => waitUntilZero(slots, WORKER_WRITING, maxWaitMs))
        .then(() => work())
        .finally(release);
      lastWaiting = written.catch(() => undefined);
      return written;
    },
  };
}

/** Atomics.waitAsync (Node 16+), which the ES2023 library the project compiles against does not declare. */
type WaitAsync = (
  typedArray: Int32Array,
  index: number,
  value: number,
  timeoutMs: number,
) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Resolves once `slots[index]` is 0, or after `maxWaitMs`; at once when it is 0 already. */
async function waitUntilZero(slots: Int32Array, index: number, maxWaitMs: number): Promise<void> {
  const deadline = performance.now() + maxWaitMs;
  for (;;) {
    const value = Atomics.load(slots, index);
    const left = deadline - performance.now();
    if (value === 0 || left <= 0) return;
    const waiting = waitAsync(slots, index, value, left);
    if (waiting.async) await waiting.value;
  }
}

/**
 * The worker's side around a page: lets the core's announced writes go first (waiting for them at most
 * `maxWaitMs`; at once when none is announced, which is nearly always), then marks the page as being
 * written until the returned function is called (in a `finally`).
 */
export async function beginPageWrite(buffer: SharedArrayBuffer, maxWaitMs = 2_000): Promise<() => void> {
  const slots = new Int32Array(buffer);
  const deadline = performance.now() + maxWaitMs;
  for (;;) {
    Atomics.store(slots, WORKER_WRITING, 1);
    // Past its bound the page goes ahead anyway, and a core write waits for it in SQLite's busy handler.
    if (Atomics.load(slots, CORE_WRITERS) === 0 || performance.now() >= deadline) break;
    // A core write was announced first: step back, so that one waiting for the page is not kept waiting.
    endPageWrite(slots);
    await waitUntilZero(slots, CORE_WRITERS, deadline - performance.now());
  }
  return () => endPageWrite(slots);
}

function endPageWrite(slots: Int32Array): void {
  Atomics.store(slots, WORKER_WRITING, 0);
  Atomics.notify(slots, WORKER_WRITING);
}

type AnyFunction = (...params: never[]) => unknown;

/**
 * Makes every writing transaction of the core's connection hold the gate while it runs: the immediate and
 * exclusive variants, and the plain call (which lint forbids for writes; see applyConnectionPragmas). A
 * deferred transaction only reads (the detail pane's consistent read) and does not hold the gate: the
 * bridge answers queue pages many times a second during a sync, and the worker need not wait for reads,
 * which WAL lets run beside its writes.
 */
export function gateTransactions(db: Database.Database, gate: WriteGate): void {
  const transaction = db.transaction.bind(db);
  const gated =
    (run: AnyFunction): AnyFunction =>
    (...params) =>
      gate.during(() => run(...params));
  db.transaction = ((fn: AnyFunction) => {
    const inner = transaction(fn);
    return Object.assign(gated(inner), {
      default: gated((...params) => inner.default(...params)),
      deferred: (...params: never[]) => inner.deferred(...params),
      immediate: gated((...params) => inner.immediate(...params)),
      exclusive: gated((...params) => inner.exclusive(...params)),
    });
  }) as unknown as typeof db.transaction;
}
