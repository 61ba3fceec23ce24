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
 */
import type Database from 'better-sqlite3';

export interface WriteGate {
  /** Shared with the sync worker (workerData). */
  readonly buffer: SharedArrayBuffer;
  /** Runs `work` (synchronous) with the gate held. Nests. */
  during<T>(work: () => T): T;
}

export function createWriteGate(buffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)): WriteGate {
  const writers = new Int32Array(buffer);
  return {
    buffer,
    during(work) {
      Atomics.add(writers, 0, 1);
      try {
        return work();
      } finally {
        if (Atomics.sub(writers, 0, 1) === 1) Atomics.notify(writers, 0);
      }
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

/**
 * The worker's side: resolves once no core write is announced, or after `maxWaitMs` whatever the core
 * does. Resolves at once when the gate is open, which is nearly always.
 */
export async function waitForCoreWrites(buffer: SharedArrayBuffer, maxWaitMs = 2_000): Promise<void> {
  const writers = new Int32Array(buffer);
  const deadline = performance.now() + maxWaitMs;
  for (;;) {
    const held = Atomics.load(writers, 0);
    const left = deadline - performance.now();
    if (held === 0 || left <= 0) return;
    const waiting = waitAsync(writers, 0, held, left);
    if (waiting.async) await waiting.value;
  }
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
