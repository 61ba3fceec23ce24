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
import type { CentralClient, ReceivedResponse } from './central-client';
import { prepareChangeAt, prepareChanges, type PreparedChanges } from './cache-writer';
import { scanPage, type ScannedPage } from './page-scan';
import { validateChange, validatePage, validatePageMeta, type ValidPage } from './wire';

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

/** Asks for the page after `request.cursor` and receives its body, not yet parsed. Throws CentralError. */
export function requestPage(
  client: CentralClient,
  request: PageRequest,
  signal?: AbortSignal,
): Promise<ReceivedResponse> {
  const query = new URLSearchParams({ limit: String(request.limit) });
  if (request.cursor === null) query.set('scope', 'open');
  else query.set('cursor', request.cursor);
  return client.receive('GET', `/api/v1/changes?${query.toString()}`, {
    token: request.token,
    ...(signal ? { signal } : {}),
  });
}

/** Parses, validates and prepares a received page. Throws CentralError or PageRejected. */
export function preparePage(client: CentralClient, received: ReceivedResponse): FetchedPage {
  const response = client.parse(received, readPage);
  return {
    ...response.body,
    bytes: response.bytes,
    sentMono: response.sentMono,
    receivedMono: response.receivedMono,
  };
}

/**
 * A page's text parsed, validated and prepared: change by change where the scan reads it (page-scan.ts),
 * else whole. The two give the same page; wherever the first meets anything it does not expect (a change that
 * is not JSON or not valid, a document it cannot place), the page is read whole, which then also throws the
 * error the page deserves: a SyntaxError for a text that is not JSON, PageRejected for a fault in a change.
 */
export function readPage(text: string): Pick<FetchedPage, 'meta' | 'changes'> {
  const scanned = scanPage(text);
  return (scanned && readScannedPage(text, scanned)) ?? readWholePage(text);
}

function readWholePage(text: string): Pick<FetchedPage, 'meta' | 'changes'> {
  const { changes, ...meta } = validatePage(JSON.parse(text));
  return { meta, changes: prepareChanges(changes) };
}

/** The page read change by change, or null where it must be read whole. */
function readScannedPage(
  text: string,
  { envelope, spans }: ScannedPage,
): Pick<FetchedPage, 'meta' | 'changes'> | null {
  try {
    const meta = validatePageMeta(envelope);
    const count = spans.length / 4;
    const changes: PreparedChanges = {
      kinds: new Array<number>(count),
      rows: new Array<(string | number | null)[]>(count),
      documents: text,
      spans: new Int32Array(count * 2),
    };
    for (let index = 0; index < count; index += 1) {
      const change = validateChange(JSON.parse(text.slice(spans[4 * index], spans[4 * index + 1])), index);
      const documentStart = spans[4 * index + 2] as number;
      if (change.op === 'upsert' && documentStart < 0) return null;
      prepareChangeAt(changes, index, change);
      changes.spans[2 * index] = documentStart;
      changes.spans[2 * index + 1] = spans[4 * index + 3] as number;
    }
    return { meta, changes };
  } catch {
    return null;
  }
}

/** Fetches, validates and prepares the page after `request.cursor`. Throws CentralError or PageRejected. */
export async function fetchPreparedPage(
  client: CentralClient,
  request: PageRequest,
  signal?: AbortSignal,
): Promise<FetchedPage> {
  return preparePage(client, await requestPage(client, request, signal));
}

/** How far from its end a page's body is searched for its cursor (see nextCursorHint). */
const HINT_TAIL_BYTES = 4096;

/**
 * The cursor of the page after this one, read from the end of the page's raw body without parsing it, or
 * null when the body does not say (the last page, or a server that puts its fields elsewhere). The
 * reference server writes `"cursor"` and `"hasMore"` after the changes, so the next page can be asked
 * for before this one is parsed: on two cores the server prepares it meanwhile. Only a hint: the
 * parsed page's cursor decides, and a request made on a wrong hint is dropped.
 */
export function nextCursorHint(body: Uint8Array): string | null {
  const tailStart = Math.max(0, body.byteLength - HINT_TAIL_BYTES);
  const tail = Buffer.from(body.buffer, body.byteOffset + tailStart, body.byteLength - tailStart).toString(
    'latin1',
  );
  if (!/"hasMore"\s*:\s*true\s*[,}]/.test(tail)) return null;
  const cursors = [...tail.matchAll(/"cursor"\s*:\s*"([\x21\x23-\x5b\x5d-\x7e]{1,1000})"/g)];
  return cursors.length === 1 ? (cursors[0]?.[1] ?? null) : null;
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
