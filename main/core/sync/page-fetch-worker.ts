/**
 * The page fetch thread's entry point (bundled to page-fetch-worker.cjs beside sync-worker.cjs, which
 * starts it; see page-fetch-thread.ts). It fetches, validates and prepares the pages it is granted, one
 * after another, each from the cursor of the one before, and posts them to the sync engine's thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { ownedDocumentsBuffer } from './cache-writer';
import { CentralClient, followAbort, type ReceivedResponse } from './central-client';
import { nextCursorHint, preparePage, requestPage, type FetchedPage } from './page-fetcher';
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

/**
 * A page goes to the engine's thread with its body's bytes (the documents, see readPage) moved, not copied,
 * when they fill a buffer of their own; nothing here reads them after.
 */
function postPage(stream: number, page: FetchedPage): void {
  const movable = ownedDocumentsBuffer(page.changes);
  const message: FromPageFetcher = { type: 'page', stream, page };
  if (movable) parentPort?.postMessage(message, [movable]);
  else post(message);
}

const client = new CentralClient({
  baseUrl: data.baseUrl,
  fetch: globalThis.fetch,
  monoNow: sharedMonoNow,
  timeoutMs: data.timeoutMs,
  maxBodyBytes: data.maxBodyBytes,
  onOutcome: (outcome) => post({ type: 'outcome', outcome }),
});

/** A request made ahead, on the hint of the page before (nextCursorHint), for the page after `cursor`. */
interface RequestAhead {
  cursor: string;
  response: Promise<ReceivedResponse>;
  abort: AbortController;
}

interface Stream {
  id: number;
  cursor: string | null;
  token: string;
  limit: number;
  credits: number;
  fetching: boolean;
  ended: boolean;
  abort: AbortController;
  ahead: RequestAhead | null;
}

let current: Stream | null = null;

function dropAhead(stream: Stream): void {
  stream.ahead?.abort.abort();
  stream.ahead = null;
}

/** The body of the page after the stream's cursor: the one asked for ahead when it is that page, else asked now. */
function receiveNext(stream: Stream): Promise<ReceivedResponse> {
  const ahead = stream.ahead;
  stream.ahead = null;
  if (ahead && ahead.cursor === stream.cursor) return ahead.response;
  ahead?.abort.abort();
  return requestPage(
    client,
    { cursor: stream.cursor, token: stream.token, limit: stream.limit },
    stream.abort.signal,
  );
}

/**
 * Asks for the page after `cursor` before the page that names it is parsed. Only its body is held (at most
 * one, a few megabytes); it is parsed when a credit allows, so the pages waiting for the engine stay at
 * `lookahead`.
 */
function requestAhead(stream: Stream, cursor: string): void {
  const abort = new AbortController();
  const detach = followAbort(stream.abort.signal, abort);
  const response = requestPage(client, { cursor, token: stream.token, limit: stream.limit }, abort.signal);
  // Awaited when taken; this also keeps a failure meanwhile (or a dropped request) from being unhandled.
  response.then(detach, detach);
  stream.ahead = { cursor, response, abort };
}

/** Read through a function: the stream may have been closed while its pump awaited. */
const closedMeanwhile = (stream: Stream): boolean => stream.abort.signal.aborted;

async function pump(stream: Stream): Promise<void> {
  if (stream.fetching) return;
  stream.fetching = true;
  while (stream.credits > 0 && !stream.ended) {
    stream.credits -= 1;
    try {
      const received = await receiveNext(stream);
      // Closed (or replaced) while the page was on its way: nobody wants it.
      if (closedMeanwhile(stream)) break;
      const hint = nextCursorHint(received.bytes);
      if (hint !== null) {
        requestAhead(stream, hint);
        // fetch() writes the request on a later turn of the event loop: parsing at once held it back until this
        // page was prepared, and the server began the next page only then. Over a 200,000-alert sync the thread
        // waited 2.8 s for bodies asked for "ahead", and the writer 2.3 s for pages; after this turn, 0.3 and 1.0.
        await new Promise((resolve) => setImmediate(resolve));
        if (closedMeanwhile(stream)) break;
      }
      const page = preparePage(client, received);
      postPage(stream.id, page);
      if (page.meta.hasMore) stream.cursor = page.meta.cursor;
      else stream.ended = true;
      // A hint the parsed page contradicts: that request is for a page nobody will ask for.
      if (stream.ahead && (stream.ended || stream.ahead.cursor !== stream.cursor)) dropAhead(stream);
    } catch (error) {
      dropAhead(stream);
      if (closedMeanwhile(stream)) break;
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
        ahead: null,
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
