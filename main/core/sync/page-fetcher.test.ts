/**
 * The page sources against the reference server: the fetch thread (as the app runs it) hands the engine
 * exactly the pages the inline source does, in the engine's clock, fetches no further ahead than granted,
 * and brings the request's and validation's errors across with their kind.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServerClock } from '../clock';
import { silentLogger } from '../logger';
import { CentralError, type RequestOutcome } from './central-client';
import { createThreadedPageSource, deserializeFetchError, serializeFetchError } from './page-fetch-thread';
import { createInlinePageSource, type FetchedPage, type PageSource } from './page-fetcher';
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
import { PageRejected } from './wire';

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

function threaded(outcomes: RequestOutcome[] = [], script = workerScript): PageSource {
  const source = createThreadedPageSource({
    workerScript: script,
    baseUrl: test.url,
    timeoutMs: 10_000,
    maxBodyBytes: 8 * 1024 * 1024,
    onOutcome: (outcome) => outcomes.push(outcome),
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

const withoutTimes = (pages: FetchedPage[]) =>
  pages.map(({ meta: { serverTimeMs: _serverTime, ...meta }, changes, bytes }) => ({ meta, changes, bytes }));

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
