/**
 * Worker threads for generating a large district's history. The central CLI bundle is its own worker script: run
 * in a worker thread, its entry point calls `runHistoryWorker` instead of starting a server (see cli.ts). Code
 * that cannot name such a script (the app's in-process demo, the tests) generates inline; the chunks are the same.
 */
import os from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { chunkCount, generateChunk, worldFor, type HistoryChunk, type HistoryJob } from './history';
import type { World } from './world';

interface WorkerData {
  centralHistoryJob: HistoryJob;
}

interface ChunkRequest {
  index: number;
}

export interface ParallelHistory {
  /** A script that calls `runHistoryWorker()` when loaded in a worker thread (the CLI bundle). */
  script: string;
  /** Worker threads to use (default: one per core but the main thread's). */
  workers?: number;
}

/** Whether this thread was started to generate history (then `runHistoryWorker` should run instead of a server). */
export function isHistoryWorker(): boolean {
  return !isMainThread && typeof (workerData as Partial<WorkerData> | null)?.centralHistoryJob === 'object';
}

/** The worker side: builds the district once, then answers chunk requests until the parent lets it go. */
export function runHistoryWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('runHistoryWorker must run in a worker thread');
  const job = (workerData as WorkerData).centralHistoryJob;
  const { world } = worldFor(job);
  port.on('message', (request: ChunkRequest) => {
    const chunk = generateChunk(world, job, request.index);
    port.postMessage(chunk, [chunk.rows.bytes.buffer as ArrayBuffer, chunk.rows.ends.buffer as ArrayBuffer]);
  });
}

/** Chunks of the history in order, made inline or by worker threads. */
export async function* historyChunks(
  world: World,
  job: HistoryJob,
  parallel: ParallelHistory | null,
): AsyncGenerator<HistoryChunk> {
  const total = chunkCount(job);
  if (!parallel || total < 2) {
    for (let index = 0; index < total; index++) yield generateChunk(world, job, index);
    return;
  }
  // The main thread is busy storing chunks, so one core is left to it.
  const workerCount = Math.max(1, Math.min(parallel.workers ?? os.availableParallelism() - 1, total));
  const workers = Array.from(
    { length: workerCount },
    () =>
      new Worker(parallel.script, {
        workerData: { centralHistoryJob: job } satisfies WorkerData,
        // Generation makes short-lived strings by the gigabyte: a roomy young generation halves the time spent in
        // scavenges, and hardly anything survives them.
        resourceLimits: { maxYoungGenerationSizeMb: 192 },
      }),
  );
  const ready = new Map<number, HistoryChunk>();
  // An object, not a variable: it is set from event handlers, which control-flow analysis cannot see.
  const outcome: { failure: Error | null } = { failure: null };
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  let nextToRequest = 0;
  // Two requests in flight per worker keep it busy while the main thread stores, without piling chunks up.
  const request = (worker: Worker): void => {
    if (nextToRequest < total) worker.postMessage({ index: nextToRequest++ } satisfies ChunkRequest);
  };
  for (const worker of workers) {
    worker.on('message', (chunk: HistoryChunk) => {
      ready.set(chunk.index, chunk);
      request(worker);
      notify();
    });
    worker.on('error', (error) => {
      outcome.failure = error;
      notify();
    });
    request(worker);
    request(worker);
  }
  try {
    for (let index = 0; index < total; index++) {
      for (;;) {
        if (outcome.failure) throw outcome.failure;
        const chunk = ready.get(index);
        if (chunk) {
          ready.delete(index);
          yield chunk;
          break;
        }
        if (nextToRequest < total) {
          // Rather than idle while the workers catch up, make a chunk here too; then let their messages in.
          const own = nextToRequest++;
          ready.set(own, generateChunk(world, job, own));
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
