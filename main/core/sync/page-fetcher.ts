/**
 * Where the sync engine's pages come from: fetched from GET /changes, validated, and prepared for the
 * writer (the values each statement binds, the documents serialised), so that the engine's own thread
 * only writes them.
 *
 * A stream fetches pages one after another, each from the cursor of the one before, and keeps
 * `lookahead` pages ahead of the engine: while a page is written, the next is already on its way. Run
 * inline (tests, tools) the fetching shares the engine's thread; the app runs it on a thread of its own
 * (page-fetch-worker.ts), where receiving, parsing, validating and preparing a page take no time from
 * writing the one before. On a 2-core machine that is the difference between the sum of the two and the
 * larger of them (bench/sync.ts).
 */
import type { CentralClient } from './central-client';
import { prepareChanges, type PreparedChanges } from './cache-writer';
import { validatePage, type ValidPage } from './wire';

export interface PageRequest {
  /** Null: the first page of an initial sync (open items first). */
  cursor: string | null;
  token: string;
  limit: number;
}

export interface FetchedPage {
  meta: Omit<ValidPage, 'changes'>;
  changes: PreparedChanges;
  bytes: number;
  /** Monotonic instants around the request, in the engine's clock, for the clock offset. */
  sentMono: number;
  receivedMono: number;
}

export interface PageStreamStart extends PageRequest {
  /** How many pages to fetch ahead of the one asked for (0: only what is asked). */
  lookahead: number;
}

export interface PageStream {
  /** The next page of the stream; rejects with the request's or the validation's error. */
  next(): Promise<FetchedPage>;
  /** Stops fetching ahead; pages fetched and not asked for are dropped. */
  close(): void;
}

export interface PageSource {
  open(start: PageStreamStart): PageStream;
  /** Releases what the source holds (its thread). */
  dispose(): Promise<void>;
}

/** Fetches, validates and prepares the page after `request.cursor`. Throws CentralError or PageRejected. */
export async function fetchPreparedPage(
  client: CentralClient,
  request: PageRequest,
  signal?: AbortSignal,
): Promise<FetchedPage> {
  const query = new URLSearchParams({ limit: String(request.limit) });
  if (request.cursor === null) query.set('scope', 'open');
  else query.set('cursor', request.cursor);
  const response = await client.request('GET', `/api/v1/changes?${query.toString()}`, {
    token: request.token,
    ...(signal ? { signal } : {}),
  });
  const { changes, ...meta } = validatePage(response.body);
  return {
    meta,
    changes: prepareChanges(changes),
    bytes: response.bytes,
    sentMono: response.sentMono,
    receivedMono: response.receivedMono,
  };
}

/** Fetches on the calling thread, one page ahead at most (a request is in flight while a page is written). */
export function createInlinePageSource(client: CentralClient): PageSource {
  return {
    open(start) {
      let cursor = start.cursor;
      let ahead: Promise<FetchedPage> | null = null;
      let ended = false;
      // Read through a function: closing may happen while a page is awaited.
      const isOpen = (): boolean => !ended;
      const fetchNext = (): Promise<FetchedPage> => {
        const fetching = fetchPreparedPage(client, { cursor, token: start.token, limit: start.limit });
        // Handled when asked for; this only keeps a failure meanwhile from being reported as unhandled.
        fetching.catch(() => undefined);
        return fetching;
      };
      return {
        async next() {
          if (ended) throw new Error('the page stream has ended');
          const fetching = ahead ?? fetchNext();
          ahead = null;
          let page: FetchedPage;
          try {
            page = await fetching;
          } catch (error) {
            ended = true;
            throw error;
          }
          if (page.meta.hasMore) {
            cursor = page.meta.cursor;
            if (start.lookahead > 0 && isOpen()) ahead = fetchNext();
          } else {
            ended = true;
          }
          return page;
        },
        close() {
          ended = true;
          ahead = null;
        },
      };
    },
    dispose: () => Promise.resolve(),
  };
}
