/**
 * The page sources against the reference server: the fetch thread (as the app runs it) hands the engine
 * exactly the pages the inline source does, in the engine's clock, fetches no further ahead than granted,
 * and brings the request's and validation's errors across with their kind.
 */
import fc from 'fast-check';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServerClock } from '../clock';
import { silentLogger } from '../logger';
import { CentralError, type RequestOutcome } from './central-client';
import { createThreadedPageSource, deserializeFetchError, serializeFetchError } from './page-fetch-thread';
import { prepareChanges, preparedDocument } from './cache-writer';
import {
  createInlinePageSource,
  nextCursorHint,
  readPage,
  type FetchedPage,
  type PageSource,
} from './page-fetcher';
import {
  bundlePageFetcher,
  openCache,
  signInCache,
  sleep,
  startTestCentral,
  testClient,
  until,
  type TestCentral,
} from './testing/harness';
import { alertDocument, deviceDocument, sceneDocument } from './test-fixtures';
import { PageRejected, validatePage } from './wire';

let test: TestCentral;
let workerScript: string;
let token: string;
const sources: PageSource[] = [];

beforeAll(async () => {
  test = await startTestCentral({ seed: 41, historyDays: 2 });
  await test.admin.pauseGeneration(true);
  workerScript = await bundlePageFetcher(test.dir);
  const db = openCache(path.join(test.dir, 'session.db'));
  const session = await signInCache(db, test.url, createServerClock());
  if (session.token === null) throw new Error('signed in without a token');
  token = session.token;
  db.close();
}, 60_000);

afterEach(async () => {
  for (const source of sources.splice(0)) await source.dispose();
});

afterAll(async () => {
  await test.close();
});

function threaded(
  outcomes: RequestOutcome[] = [],
  script = workerScript,
  baseUrl = test.url,
  log: string[] = [],
): PageSource {
  const source = createThreadedPageSource({
    workerScript: script,
    baseUrl,
    timeoutMs: 10_000,
    maxBodyBytes: 8 * 1024 * 1024,
    onOutcome: (outcome) => {
      outcomes.push(outcome);
      log.push('parsed');
    },
    logger: silentLogger,
  });
  sources.push(source);
  return source;
}

/** Every page of the feed from the start, as the source gives them. */
async function wholeFeed(source: PageSource, lookahead: number): Promise<FetchedPage[]> {
  const stream = source.open({ cursor: null, token, limit: 300, lookahead });
  const pages: FetchedPage[] = [];
  try {
    for (;;) {
      const page = await stream.next();
      pages.push(page);
      if (!page.meta.hasMore) return pages;
    }
  } finally {
    stream.close();
  }
}

/** The pages without what differs between two fetches of the same feed (the server's time, in each body). */
const withoutTimes = (pages: FetchedPage[]) =>
  pages.map(({ meta: { serverTimeMs: _serverTime, ...meta }, changes }) => ({
    meta,
    kinds: changes.kinds,
    rows: changes.rows,
    documents: changes.kinds.map((_kind, index) => preparedDocument(changes, index)),
  }));

interface CountingProxy {
  url: string;
  /** The cursors of the GET /changes requests that passed, in order (null: the first page). */
  cursors: (string | null)[];
  close(): Promise<void>;
}

/**
 * A proxy in front of the test server that notes each page asked for: what the fetch thread asks, and when
 * (`log` gets `asked <cursor>` as each request arrives).
 */
async function countingProxy(target: string, log: string[] = []): Promise<CountingProxy> {
  const cursors: (string | null)[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', target);
    if (url.pathname.endsWith('/changes')) {
      const cursor = url.searchParams.get('cursor');
      cursors.push(cursor);
      log.push(`asked ${cursor ?? 'first'}`);
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
    void fetch(url, { headers }).then(async (answer) => {
      response.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      });
      response.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cursors,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('page sources', () => {
  it('the fetch thread gives the pages the inline source gives, in order, timed on the caller’s clock', async () => {
    const before = performance.now();
    const fromThread = await wholeFeed(threaded(), 1);
    const after = performance.now();
    const inline = await wholeFeed(createInlinePageSource(testClient(test.url)), 1);
    expect(fromThread.length).toBeGreaterThan(3);
    expect(fromThread[0]?.meta.phase).toBe('open');
    expect(withoutTimes(fromThread)).toEqual(withoutTimes(inline));
    for (const page of fromThread) {
      expect(page.sentMono).toBeGreaterThanOrEqual(before);
      expect(page.receivedMono).toBeGreaterThanOrEqual(page.sentMono);
      expect(page.receivedMono).toBeLessThanOrEqual(after);
    }
  });

  it('fetches no further ahead than granted, and nothing once the stream is closed', async () => {
    const outcomes: RequestOutcome[] = [];
    const source = threaded(outcomes);
    const stream = source.open({ cursor: null, token, limit: 100, lookahead: 1 });
    await stream.next();
    // The page asked for plus one ahead; the thread would have had time for many more.
    await sleep(400);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(2);
    await stream.next();
    await until(
      'the next page ahead',
      () => outcomes.length,
      (count) => count === 3,
    );
    stream.close();
    await sleep(300);
    expect(outcomes).toHaveLength(3);
  });

  it('asks for the next page before it parses the one that names it, and nothing once the stream is closed', async () => {
    const proxy = await countingProxy(test.url);
    try {
      const outcomes: RequestOutcome[] = [];
      const stream = threaded(outcomes, workerScript, proxy.url).open({
        cursor: null,
        token,
        limit: 100,
        lookahead: 1,
      });
      const first = await stream.next();
      await sleep(400);
      // Two pages granted and parsed, and the request for the third already made, on the cursor the second
      // page's body ends with: one request ahead, no more, and not parsed before it is granted.
      expect(proxy.cursors).toHaveLength(3);
      expect(proxy.cursors[0]).toBeNull();
      expect(proxy.cursors[1]).toBe(first.meta.cursor);
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(2);
      const second = await stream.next();
      expect(proxy.cursors[2]).toBe(second.meta.cursor);
      const third = await stream.next();
      expect(third.meta.cursor).not.toBe(second.meta.cursor);
      stream.close();
      // The thread hears of the close between two steps of its work: what it asked before that arrives still.
      await sleep(150);
      const asked = proxy.cursors.length;
      await sleep(300);
      expect(proxy.cursors).toHaveLength(asked);
    } finally {
      await proxy.close();
    }
  });

  it('has the request for the next page sent before it parses the page that names it', async () => {
    // Pages large enough that parsing one takes a while: the request must reach the server meanwhile, not after.
    const log: string[] = [];
    const proxy = await countingProxy(test.url, log);
    try {
      const stream = threaded([], workerScript, proxy.url, log).open({
        cursor: null,
        token,
        limit: 1000,
        lookahead: 1,
      });
      const first = await stream.next();
      const second = await stream.next();
      expect(second.meta.hasMore).toBe(true);
      await until(
        'the request for the third page',
        () => proxy.cursors.length,
        (count) => count >= 3,
      );
      stream.close();
      // A page's outcome is told once the page is parsed; the request on its cursor must arrive before that.
      // The first page is left out: the connection it came on is not free yet, and the request ahead opens a
      // second one (from then on the two take turns), which may take longer than the parse.
      const secondParsed = log.indexOf('parsed', log.indexOf('parsed') + 1);
      const askedThird = log.indexOf(`asked ${second.meta.cursor}`);
      expect(log[0]).toBe('asked first');
      expect(log).toContain(`asked ${first.meta.cursor}`);
      expect(askedThird).toBeGreaterThan(0);
      expect(askedThird).toBeLessThan(secondParsed);
    } finally {
      await proxy.close();
    }
  });

  it('brings errors across with their kind: a refused token, an unknown cursor', async () => {
    const outcomes: RequestOutcome[] = [];
    const source = threaded(outcomes);
    const refused = source.open({ cursor: null, token: 'not-a-token', limit: 100, lookahead: 1 });
    const unauthorized = await refused.next().catch((error: unknown) => error);
    expect(unauthorized).toBeInstanceOf(CentralError);
    expect((unauthorized as CentralError).failure.kind).toBe('unauthorized');
    await expect(refused.next()).rejects.toThrow('the page stream has ended');

    const unknown = source.open({ cursor: 'bm90LWEtY3Vyc29y', token, limit: 100, lookahead: 1 });
    const gone = await unknown.next().catch((error: unknown) => error);
    expect((gone as CentralError).failure.kind).toBe('cursorGone');
    // The network state hears of both: the server answered.
    expect(outcomes.map((outcome) => outcome.failure?.kind)).toEqual(['unauthorized', 'cursorGone']);
  });

  it('a validation failure crosses as PageRejected, other errors keep their message', () => {
    const rejected = deserializeFetchError(serializeFetchError(new PageRejected('alert A1: field level')));
    expect(rejected).toBeInstanceOf(PageRejected);
    expect(rejected.message).toBe('alert A1: field level');
    const central = deserializeFetchError(
      serializeFetchError(
        new CentralError({ kind: 'timeout', message: 'the central platform did not answer in time' }),
      ),
    );
    expect(central).toBeInstanceOf(CentralError);
    expect(central).toMatchObject({
      failure: { kind: 'timeout', message: 'the central platform did not answer in time' },
    });
    expect(deserializeFetchError(serializeFetchError(new TypeError('boom'))).message).toBe('boom');
  });

  it('a fetch thread that cannot run fails the page asked for with a message, and the next stream starts a new one', async () => {
    const broken = threaded([], path.join(test.dir, 'missing-page-fetch-worker.cjs'));
    await expect(broken.open({ cursor: null, token, limit: 100, lookahead: 0 }).next()).rejects.toThrow(
      /the page fetch thread stopped/,
    );
    const healthy = threaded();
    const page = await healthy.open({ cursor: null, token, limit: 100, lookahead: 0 }).next();
    expect(page.changes.kinds.length).toBeGreaterThan(0);
  });

  it('closing the source ends a stream that waits for a page', async () => {
    await test.admin.setFaults({ latencyMs: 500, operations: ['changes'] });
    try {
      const source = threaded();
      const waiting = source.open({ cursor: null, token, limit: 100, lookahead: 0 }).next();
      const ended = expect(waiting).rejects.toThrow('the page source was closed');
      await sleep(50);
      await source.dispose();
      await ended;
    } finally {
      await test.admin.clearFaults();
    }
  });
});

describe('nextCursorHint', () => {
  const body = (text: string): Uint8Array => Buffer.from(text, 'utf8');

  it('reads the next cursor from the end of a page that has more', () => {
    const page = `{"changes":[{"data":{"title":"燃气"}}],"cursor":"YzEuMDU3.bw","hasMore":true,"phase":"open"}`;
    expect(nextCursorHint(body(page))).toBe('YzEuMDU3.bw');
  });

  it('says nothing of the last page, of two cursors, or of a cursor written with escapes', () => {
    expect(nextCursorHint(body('{"changes":[],"cursor":"abc","hasMore":false}'))).toBeNull();
    expect(
      nextCursorHint(body('{"changes":[{"data":{"cursor":"x"}}],"cursor":"abc","hasMore":true}')),
    ).toBeNull();
    expect(nextCursorHint(body('{"changes":[],"cursor":"a\\u0062c","hasMore":true}'))).toBeNull();
    // A server that writes its fields first: no hint, the page is parsed before the next is asked for.
    expect(
      nextCursorHint(body(`{"cursor":"abc","hasMore":true,"changes":[${'{"data":{}},'.repeat(600)}{}]}`)),
    ).toBeNull();
  });
});

describe('readPage', () => {
  const upsert = (entity: string, document: Record<string, unknown>) => ({
    entity,
    op: 'upsert',
    id: document.id,
    version: document.version,
    data: document,
  });
  const changes = [
    upsert('scene', sceneDocument()),
    upsert('device', deviceDocument()),
    upsert('alert', alertDocument({ location: { street: '\u9646家嘴 "东"', address: 'a\\b' } })),
    { entity: 'alert', op: 'delete', id: 'alert-0', version: 2 },
    upsert('alert', alertDocument({ id: 'alert-2', version: 1, level: 'blue', handler: { name: '王' } })),
  ];
  const pageText = (pageChanges: unknown[], indent?: number) =>
    JSON.stringify(
      {
        changes: pageChanges,
        cursor: 'c-1',
        hasMore: true,
        phase: 'history',
        serverTime: '2026-11-23T01:00:00Z',
      },
      null,
      indent,
    );
  /** What reading the page whole gives: JSON.parse, validatePage, each document serialised. */
  const readWhole = (text: string) => {
    const { changes: valid, ...meta } = validatePage(JSON.parse(text));
    return { meta, changes: prepareChanges(valid) };
  };
  /** The message of what `run` throws, or '' when it throws nothing. */
  const thrownMessage = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  };
  const documentsOf = (read: ReturnType<typeof readPage>) =>
    read.changes.kinds.map((_kind, index) =>
      read.changes.spans[2 * index]! < 0
        ? undefined
        : (JSON.parse(preparedDocument(read.changes, index)) as unknown),
    );
  /** The text with every non-ASCII character written as a \u escape (a surrogate pair as two). */
  const escapeNonAscii = (text: string) =>
    text.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  /** The page, its rows and its documents are what reading the page whole gives. */
  const expectSameRead = (read: ReturnType<typeof readPage>, whole: ReturnType<typeof readPage>) => {
    expect(read.meta).toEqual(whole.meta);
    expect(read.changes.kinds).toEqual(whole.changes.kinds);
    expect(read.changes.rows).toEqual(whole.changes.rows);
    expect(documentsOf(read)).toEqual(documentsOf(whole));
  };

  it('reads a page change by change into what reading it whole gives, each document stored as written', () => {
    for (const indent of [undefined, 2]) {
      const text = pageText(changes, indent);
      const body = Buffer.from(text);
      const read = readPage(body);
      expectSameRead(read, readWhole(text));
      // As written: the page's own bytes, not the documents serialised again.
      expect(read.changes.documents).toBe(body);
    }
  });

  it('reads Chinese columns and ids as the text holds them, however the strings are written', () => {
    const chinese = [
      upsert('scene', sceneDocument({ id: '场景-浦东-1', name: '陆家嘴燃气管网监测', category: '燃气管线' })),
      upsert('device', deviceDocument({ id: '设备-1', sceneId: '场景-浦东-1' })),
      upsert('alert', alertDocument({ id: '预警-1', sceneId: '场景-浦东-1', category: '燃气' })),
      { entity: 'alert', op: 'delete', id: '预警-0', version: 2 },
    ];
    const text = pageText(chinese);
    const body = Buffer.from(text);
    const read = readPage(body);
    expectSameRead(read, readWhole(text));
    // Read change by change: the documents are the body's bytes.
    expect(read.changes.documents).toBe(body);
    expect(read.changes.rows[0]?.slice(0, 3)).toEqual(['场景-浦东-1', 1, '陆家嘴燃气管网监测']);
    expect(read.changes.rows[3]).toEqual(['预警-0', 2]);
    // The same page with every non-ASCII character written as a \u escape.
    const escaped = escapeNonAscii(text);
    expect(escaped).not.toBe(text);
    const escapedBody = Buffer.from(escaped);
    const readEscaped = readPage(escapedBody);
    expectSameRead(readEscaped, readWhole(escaped));
    expect(readEscaped.changes.documents).toBe(escapedBody);
    // An id of 150 characters is 450 bytes: too long read as bytes, so read whole, where it is an id.
    const longId = pageText([upsert('alert', alertDocument({ id: '警'.repeat(150) }))]);
    const readLong = readPage(Buffer.from(longId));
    expectSameRead(readLong, readWhole(longId));
    expect(readLong.changes.rows[0]?.[0]).toBe('警'.repeat(150));
  });

  it('tells a string written as \\u escapes from the bytes those escapes spell in Latin-1', () => {
    // "é" written raw in the change and as \u00c3\u00a9 ("Ã©") in its document: the two disagree.
    const text = pageText([upsert('alert', alertDocument({ id: 'alert-é' }))]).replace(
      '"data":{"id":"alert-é"',
      '"data":{"id":"alert-\\u00c3\\u00a9"',
    );
    const message = thrownMessage(() => validatePage(JSON.parse(text)));
    expect(message).toContain('the document disagrees with its change');
    expect(() => readPage(Buffer.from(text))).toThrow(new PageRejected(message));
  });

  it('reads any page of awkward strings as reading it whole does (property)', () => {
    const awkward = fc.string({
      unit: fc.constantFrom('a', '-', '中', 'é', 'Ã', '©', '\u00e9', '"', '\\', '\u2028', '😀', '\u0080'),
      minLength: 1,
      maxLength: 12,
    });
    const change = fc.record({
      id: awkward,
      name: awkward,
      category: awkward,
      sceneId: awkward,
      escape: fc.boolean(),
      remove: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 6 }), (drawn) => {
        const page = drawn.map(({ id, name, category, sceneId, remove }, index) =>
          remove
            ? { entity: 'alert', op: 'delete', id, version: index }
            : index % 2 === 0
              ? upsert('scene', sceneDocument({ id, version: index, name, category }))
              : upsert('alert', alertDocument({ id, version: index, sceneId, category })),
        );
        let text = pageText(page);
        // Some pages spell their non-ASCII characters as \u escapes (a surrogate pair as two).
        if (drawn[0]?.escape) text = escapeNonAscii(text);
        const whole = thrownMessage(() => readWhole(text));
        if (whole !== '') {
          expect(thrownMessage(() => readPage(Buffer.from(text)))).toBe(whole);
          return;
        }
        expectSameRead(readPage(Buffer.from(text)), readWhole(text));
      }),
      { numRuns: 400 },
    );
  });

  it('refuses a faulty change with the message reading it whole gives', () => {
    const faulty = [
      ...changes.slice(0, 2),
      upsert('alert', alertDocument({ level: 'purple' })),
      ...changes.slice(3),
    ];
    const text = pageText(faulty);
    expect(() => validatePage(JSON.parse(text))).toThrow(PageRejected);
    const message = thrownMessage(() => validatePage(JSON.parse(text)));
    expect(message).toContain('alert alert-1: field level');
    expect(() => readPage(Buffer.from(text))).toThrow(new PageRejected(message));
  });

  it('calls a page malformed, as JSON.parse does, even when a faulty change comes before the malformed one', () => {
    const faulty = pageText([
      upsert('alert', alertDocument({ level: 'purple' })),
      upsert('scene', sceneDocument()),
    ]);
    const malformed = faulty.replace('"kind":"scene"', '"kind":scene');
    const parserMessage = thrownMessage(() => JSON.parse(malformed));
    expect(parserMessage).not.toBe('');
    expect(() => readPage(Buffer.from(malformed))).toThrow(new SyntaxError(parserMessage));
  });

  it('reads whole a page whose documents it cannot place, and still gives the same rows', () => {
    // "d\u0061ta" is `data` to the parser; the scan cannot tell which document is the change's.
    const text = pageText(changes).replace('"data":{"id":"device-1"', '"d\\u0061ta":{"id":"device-1"');
    expect(text).toContain('d\\u0061ta');
    const body = Buffer.from(text);
    const read = readPage(body);
    expect(read.changes.documents).not.toBe(body);
    expect(read.changes.rows).toEqual(readWhole(text).changes.rows);
    expect(documentsOf(read)).toEqual(documentsOf(readWhole(text)));
  });
});
