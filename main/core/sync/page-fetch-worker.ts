/**
 * The page fetch thread's entry point (bundled to page-fetch-worker.cjs beside sync-worker.cjs, which
 * starts it; see page-fetch-thread.ts). It fetches, validates and prepares the pages it is granted, one
 * after another, each from the cursor of the one before, and posts them to the sync engine's thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { CentralClient } from './central-client';
import { fetchPreparedPage } from './page-fetcher';
import {
  serializeFetchError,
  sharedMonoNow,
  type FromPageFetcher,
  type PageFetchWorkerData,
  type ToPageFetcher,
} from './page-fetch-thread';

const dataSchema = z.object({
  baseUrl: z.string().min(1),
  timeoutMs: z.number().int().positive(),
  maxBodyBytes: z.number().int().positive(),
}) satisfies z.ZodType<PageFetchWorkerData>;

const data = dataSchema.parse(workerData);
const post = (message: FromPageFetcher): void => parentPort?.postMessage(message);

const client = new CentralClient({
  baseUrl: data.baseUrl,
  fetch: globalThis.fetch,
  monoNow: sharedMonoNow,
  timeoutMs: data.timeoutMs,
  maxBodyBytes: data.maxBodyBytes,
  onOutcome: (outcome) => post({ type: 'outcome', outcome }),
});

interface Stream {
  id: number;
  cursor: string | null;
  token: string;
  limit: number;
  credits: number;
  fetching: boolean;
  ended: boolean;
  abort: AbortController;
}

let current: Stream | null = null;

async function pump(stream: Stream): Promise<void> {
  if (stream.fetching) return;
  stream.fetching = true;
  while (stream.credits > 0 && !stream.ended) {
    stream.credits -= 1;
    try {
      const page = await fetchPreparedPage(
        client,
        { cursor: stream.cursor, token: stream.token, limit: stream.limit },
        stream.abort.signal,
      );
      // Closed (or replaced) while the page was on its way: nobody wants it.
      if (stream.abort.signal.aborted) break;
      post({ type: 'page', stream: stream.id, page });
      if (page.meta.hasMore) stream.cursor = page.meta.cursor;
      else stream.ended = true;
    } catch (error) {
      if (stream.abort.signal.aborted) break;
      stream.ended = true;
      post({ type: 'failed', stream: stream.id, error: serializeFetchError(error) });
    }
  }
  stream.fetching = false;
}

parentPort?.on('message', (message: ToPageFetcher) => {
  switch (message.type) {
    case 'open': {
      if (current) {
        current.ended = true;
        current.abort.abort();
      }
      current = {
        id: message.stream,
        cursor: message.cursor,
        token: message.token,
        limit: message.limit,
        credits: message.lookahead,
        fetching: false,
        ended: false,
        abort: new AbortController(),
      };
      void pump(current);
      break;
    }
    case 'grant':
      if (current?.id === message.stream) {
        current.credits += 1;
        void pump(current);
      }
      break;
    case 'close':
      if (current?.id === message.stream) {
        current.ended = true;
        current.abort.abort();
        current = null;
      }
      break;
  }
});
