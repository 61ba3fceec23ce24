/**
 * Where the sync engine's pages come from: fetched from GET /changes, validated, and prepared for the
 * writer (the values each statement binds, the documents placed in the body), so that the engine's own thread
 * only writes them.
 *
 * A stream fetches pages one after another, each from the cursor of the one before, and keeps
 * `lookahead` pages ahead of the engine: while a page is written, the next is already on its way. Run
 * inline (tests, tools) the fetching shares the engine's thread; the app runs it on a thread of its own
 * (page-fetch-worker.ts), where receiving, parsing, validating and preparing a page take no time from
 * writing the one before. On a 2-core machine that is the difference between the sum of the two and the
 * larger of them (bench/sync.ts).
 */
import { utf8Text, type CentralClient, type ReceivedResponse } from './central-client';
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
 * A page's body (valid UTF-8) parsed, validated and prepared: change by change where the scan reads it
 * (page-scan.ts), else whole. The two give the same page; wherever the first meets anything it does not expect
 * (a change that is not JSON or not valid, a document it cannot place), the page is read whole, which then also
 * throws the error the page deserves: a SyntaxError for a text that is not JSON, PageRejected for a fault in a
 * change.
 *
 * Change by change, the body is read as Latin-1, a character per byte, and never decoded whole: decoding UTF-8
 * (Chinese titles and places in every alert) ran at about 250 MB/s and cost the fetch thread more than parsing.
 * JSON's structure is ASCII, and no byte of a multi-byte UTF-8 character is, so the scan and JSON.parse read
 * the Latin-1 text as they would the decoded one; only a string holding non-ASCII characters comes out as its
 * UTF-8 bytes, one character each. The checks may be judged on those: a check such a string passes, the decoded
 * one passes too (lengths only shrink; enums, ids of the feed and instants are ASCII, and a key is ASCII in both
 * or in neither), and a change that fails is read again with the page whole. The few strings the writer's
 * columns copy are decoded (columnsDecoded), and each document is stored as its bytes in the body, with
 * offsets in the text that are offsets in the bytes.
 */
export function readPage(body: Uint8Array): Pick<FetchedPage, 'meta' | 'changes'> {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  const scanned = scanPage(text);
  return (scanned && readScannedPage(body, text, scanned)) ?? readWholePage(utf8Text(body));
}

function readWholePage(text: string): Pick<FetchedPage, 'meta' | 'changes'> {
  const { changes, ...meta } = validatePage(JSON.parse(text));
  return { meta, changes: prepareChanges(changes) };
}

const NON_ASCII = /[\u0080-\uffff]/;
const UNICODE_ESCAPE = '\\u';

/** A string read from the Latin-1 text (with no \u escape) as the string the UTF-8 text holds. */
function decodedLatin1(read: string): string {
  return NON_ASCII.test(read) ? Buffer.from(read, 'latin1').toString('utf8') : read;
}

/** A prepared row's strings (its id and columns) as the UTF-8 text holds them. */
function columnsDecoded(row: (string | number | null)[]): void {
  for (let index = 0; index < row.length; index += 1) {
    const value = row[index];
    if (typeof value === 'string') row[index] = decodedLatin1(value);
  }
}

/** The page read change by change, or null where it must be read whole. */
function readScannedPage(
  body: Uint8Array,
  text: string,
  { envelope, spans }: ScannedPage,
): Pick<FetchedPage, 'meta' | 'changes'> | null {
  try {
    const meta = validatePageMeta(envelope);
    // The cursor goes back to the platform as it wrote it: one with non-ASCII characters is read whole.
    if (NON_ASCII.test(meta.cursor)) return null;
    const count = spans.length / 4;
    const changes: PreparedChanges = {
      kinds: new Array<number>(count),
      rows: new Array<(string | number | null)[]>(count),
      documents: body,
      spans: new Int32Array(count * 2),
    };
    for (let index = 0; index < count; index += 1) {
      const changeStart = spans[4 * index] as number;
      const changeEnd = spans[4 * index + 1] as number;
      const documentStart = spans[4 * index + 2] as number;
      const changeText = text.slice(changeStart, changeEnd);
      // A change with a \u escape is decoded first: `\u00c3\u00a9` and the raw bytes of "é" would both read
      // as "Ã©", and the checks could no longer tell two different strings apart.
      const escaped = changeText.includes(UNICODE_ESCAPE);
      const raw: unknown = JSON.parse(escaped ? utf8Text(body.subarray(changeStart, changeEnd)) : changeText);
      const change = validateChange(raw, index);
      if (change.op === 'upsert' && documentStart < 0) return null;
      prepareChangeAt(changes, index, change);
      if (!escaped) columnsDecoded(changes.rows[index] as (string | number | null)[]);
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
