/**
 * A page source whose fetching runs on a thread of its own (page-fetch-worker.ts, bundled beside the sync
 * worker). The engine's thread asks for pages and writes them; the fetch thread requests, receives,
 * parses, validates and prepares them, `lookahead` pages ahead, so that on two cores the wire and the disk
 * work at the same time.
 *
 * Credits keep the fetch thread from running away: it may fetch only the pages granted, `lookahead` when
 * a stream opens and one more each time the engine asks for a page, so at most `lookahead` pages wait in
 * memory while one is written.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger';
import { CentralError, type CentralFailure, type RequestOutcome } from './central-client';
import type { FetchedPage, PageSource, PageStream, PageStreamStart } from './page-fetcher';
import { PageRejected } from './wire';

export interface PageFetchWorkerData {
  baseUrl: string;
  timeoutMs: number;
  maxBodyBytes: number;
}

/** An error as it crosses threads (its class would not). */
export type SerializedFetchError =
  | { name: 'CentralError'; failure: CentralFailure }
  | { name: 'PageRejected'; message: string }
  | { name: 'Error'; message: string };

export type ToPageFetcher =
  | ({ type: 'open'; stream: number } & PageStreamStart)
  | { type: 'grant'; stream: number }
  | { type: 'close'; stream: number };

export type FromPageFetcher =
  | { type: 'page'; stream: number; page: FetchedPage }
  | { type: 'failed'; stream: number; error: SerializedFetchError }
  | { type: 'outcome'; outcome: RequestOutcome };

export function serializeFetchError(error: unknown): SerializedFetchError {
  if (error instanceof CentralError) return { name: 'CentralError', failure: error.failure };
  if (error instanceof PageRejected) return { name: 'PageRejected', message: error.message };
  return { name: 'Error', message: error instanceof Error ? error.message : String(error) };
}

export function deserializeFetchError(error: SerializedFetchError): Error {
  if (error.name === 'CentralError') return new CentralError(error.failure);
  if (error.name === 'PageRejected') return new PageRejected(error.message);
  return new Error(error.message);
}

/**
 * The fetch thread's instants are `performance.timeOrigin + performance.now()` (the same for every thread
 * of the process); the engine's monotonic clock is its own thread's `performance.now()`.
 */
export const sharedMonoNow = (): number => performance.timeOrigin + performance.now();
const toLocalMono = (shared: number): number => shared - performance.timeOrigin;

type Delivery = { page: FetchedPage } | { error: Error };

/**
 * The fetch thread's young generation (V8's default lets it grow larger). Since a page is read a byte per
 * character and change by change, little of it lives long. Over a 200,000-alert initial sync (bench/sync.ts)
 * its heap peaked at 35-46 MB with 16 MB instead of 47-53 and the core's RSS at 245-274 MB instead of 259-285,
 * in the same time (9.0-9.3 s; 8 MB took 9.9-10 s); over a million alerts the core's RSS peaked at 258 MB
 * instead of 289 (one run each).
 */
const FETCH_THREAD_YOUNG_GENERATION_MB = 16;

export interface ThreadedPageSourceOptions extends PageFetchWorkerData {
  workerScript: string;
  /** Told of every request's outcome (the network state). */
  onOutcome: (outcome: RequestOutcome) => void;
  logger: Logger;
}

export function createThreadedPageSource(options: ThreadedPageSourceOptions): PageSource {
  let worker: Worker | null = null;
  let nextStreamId = 1;
  /** The open stream's deliveries; one stream at a time (the engine pulls one feed). */
  let current: {
    id: number;
    deliveries: Delivery[];
    waiting: ((delivery: Delivery) => void) | null;
  } | null = null;

  const deliver = (stream: number, delivery: Delivery): void => {
    if (current?.id !== stream) return;
    if (current.waiting) {
      const waiting = current.waiting;
      current.waiting = null;
      waiting(delivery);
    } else {
      current.deliveries.push(delivery);
    }
  };

  const startWorker = (): Worker => {
    const data: PageFetchWorkerData = {
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      maxBodyBytes: options.maxBodyBytes,
    };
    const started = new Worker(options.workerScript, {
      workerData: data,
      resourceLimits: { maxYoungGenerationSizeMb: FETCH_THREAD_YOUNG_GENERATION_MB },
    });
    // It only ever waits on requests; the process must not stay up for it.
    started.unref();
    started.on('message', (message: FromPageFetcher) => {
      if (message.type === 'outcome') options.onOutcome(message.outcome);
      else if (message.type === 'page') {
        const { page } = message;
        page.sentMono = toLocalMono(page.sentMono);
        page.receivedMono = toLocalMono(page.receivedMono);
        deliver(message.stream, { page });
      } else deliver(message.stream, { error: deserializeFetchError(message.error) });
    });
    const lost = (reason: string): void => {
      if (worker !== started) return;
      worker = null;
      options.logger.error(`the page fetch thread stopped: ${reason}`);
      if (current) deliver(current.id, { error: new Error(`the page fetch thread stopped: ${reason}`) });
    };
    started.on('error', (error) => lost(error.message));
    started.on('exit', (code) => lost(`exit code ${code}`));
    return started;
  };

  const send = (message: ToPageFetcher): void => {
    worker ??= startWorker();
    worker.postMessage(message);
  };

  return {
    open(start): PageStream {
      if (current) send({ type: 'close', stream: current.id });
      const stream: NonNullable<typeof current> = { id: nextStreamId++, deliveries: [], waiting: null };
      current = stream;
      send({ type: 'open', stream: stream.id, ...start });
      let ended = false;
      return {
        async next() {
          if (ended || current !== stream) throw new Error('the page stream has ended');
          // Asking for a page grants the one after it, which keeps `lookahead` pages coming.
          send({ type: 'grant', stream: stream.id });
          const delivery =
            stream.deliveries.shift() ??
            (await new Promise<Delivery>((resolve) => {
              stream.waiting = resolve;
            }));
          if ('error' in delivery) {
            ended = true;
            throw delivery.error;
          }
          if (!delivery.page.meta.hasMore) ended = true;
          return delivery.page;
        },
        close() {
          ended = true;
          if (current !== stream) return;
          current = null;
          worker?.postMessage({ type: 'close', stream: stream.id } satisfies ToPageFetcher);
        },
      };
    },
    async dispose() {
      const stopping = worker;
      worker = null;
      if (current) deliver(current.id, { error: new Error('the page source was closed') });
      current = null;
      await stopping?.terminate();
    },
  };
}
