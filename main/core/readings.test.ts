import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ItemDetail, ReadingSeries } from '../../preload/contract';
import { createServerClock } from './clock';
import { parseReadingsResponse, ReadingsService, ReadingsUnknown } from './readings';
import { alertDocument, openTestCache, type TestCache } from './rules/test-cache';
import { startCoreWithCentral, until, type CoreHarness } from './rules/test-core';
import { CacheWriter } from './sync/cache-writer';
import { CentralClient } from './sync/central-client';

const REPORTED = Date.parse('2026-11-23T02:00:00.000Z');

function centralBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    alertId: 'A1',
    elementId: 'gasPipeline.ch4',
    elementName: '甲烷浓度',
    unit: '%LEL',
    direction: 'above',
    level: 'red',
    threshold: 40,
    thresholds: { blue: 10, yellow: 20, orange: 30, red: 40 },
    exceededAt: '2026-11-23T01:57:00.000Z',
    reportedAt: '2026-11-23T02:00:00.000Z',
    intervalSeconds: 60,
    // Out of order on purpose: the client sorts them.
    samples: [
      { at: '2026-11-23T01:57:00.000Z', value: 45 },
      { at: '2026-11-23T01:56:00.000Z', value: 35 },
      { at: '2026-11-23T01:58:00.000Z', value: 52.5 },
      { at: '2026-11-23T01:59:00.000Z', value: 44 },
    ],
    serverTime: '2026-11-23T03:00:00.000Z',
    aPropertyAddedInAMinorVersion: true,
    ...overrides,
  };
}

describe('parseReadingsResponse', () => {
  it('accepts the contract, sorts the samples and derives the figures from them', () => {
    const parsed = parseReadingsResponse('A1', centralBody());
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.series.samples.map((sample) => sample.value)).toEqual([35, 45, 52.5, 44]);
    expect(parsed.series).toMatchObject({ peak: 52.5, latest: 44, samplesBeyondThreshold: 3, level: 'red' });
  });

  it.each([
    [{ samples: [{ at: '2026-11-23T01:57:00.000Z', value: '45' }] }, 'samples[0].value'],
    [{ samples: [] }, 'samples'],
    [{ thresholds: { blue: 1, yellow: 2, orange: 3 } }, 'thresholds.red'],
    [{ direction: 'sideways' }, 'direction'],
    [{ exceededAt: 'yesterday' }, 'exceededAt'],
    [{ alertId: 'A2' }, 'alertId'],
  ])('refuses %j naming the field %s', (override, field) => {
    const parsed = parseReadingsResponse('A1', centralBody(override));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toContain(`${field}:`);
  });

  it('refuses a body that is not an object at all', () => {
    expect(parseReadingsResponse('A1', 'nonsense')).toMatchObject({
      ok: false,
      message: expect.stringContaining('(root)') as string,
    });
  });
});

describe('ReadingsService', () => {
  let cache: TestCache;
  let db: Database.Database;
  let respond: () => Response | Promise<Response>;
  let requests: string[];
  let warnings: string[];
  let nowMs: number;

  const service = (): ReadingsService => {
    const client = new CentralClient({
      baseUrl: 'http://central.invalid',
      fetch: (input) => {
        requests.push(input instanceof Request ? input.url : input.toString());
        return Promise.resolve(respond());
      },
      monoNow: () => performance.now(),
      timeoutMs: 1000,
      maxBodyBytes: 1024 * 1024,
      onOutcome: () => undefined,
    });
    const clock = createServerClock({ wallNow: () => nowMs, monoNow: () => 0 });
    return new ReadingsService({ db, client, clock, warn: (message) => warnings.push(message) });
  };
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const offline = () => {
    throw new TypeError('fetch failed', {
      cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
    });
  };
  const signIn = (token: string | null) =>
    db
      .prepare('INSERT INTO session (id, operator_id, operator, token, expires_at) VALUES (1, ?, ?, ?, NULL)')
      .run('op-1', JSON.stringify({ id: 'op-1', name: '张敏', role: 'operator' }), token);

  beforeEach(() => {
    cache = openTestCache('dutydesk-readings-');
    db = cache.db;
    requests = [];
    warnings = [];
    nowMs = Date.parse('2026-11-23T03:00:00.000Z');
    respond = () => json(centralBody());
    new CacheWriter(db).writeDocument('alert', 'A1', {
      ...alertDocument({ id: 'A1', level: 'red', reportedAt: REPORTED }),
      readings: {
        elementId: 'gasPipeline.ch4',
        elementName: '甲烷浓度',
        unit: '%LEL',
        direction: 'above',
        threshold: 40,
        peak: 52.5,
        latest: 44,
        samplesBeyondThreshold: 3,
        exceededAt: '2026-11-23T01:57:00.000Z',
      },
    });
  });

  afterEach(() => {
    cache.remove();
  });

  it('fetches with the session token, caches, and shows the cache when the platform is unreachable', async () => {
    signIn('token-1');
    const fresh = await service().get('A1');
    expect(requests).toEqual(['http://central.invalid/api/v1/alerts/A1/readings']);
    expect(fresh).toMatchObject({
      source: 'central',
      unavailable: null,
      fetchedAt: '2026-11-23T03:00:00.000Z',
    });
    expect(fresh.samples).toHaveLength(4);

    nowMs += 3_600_000;
    respond = offline;
    const later = await service().get('A1');
    expect(later).toMatchObject({
      source: 'cache',
      fetchedAt: '2026-11-23T03:00:00.000Z',
      unavailable: { reason: 'offline' },
    });
    expect(later.samples).toEqual(fresh.samples);
    expect(later.thresholds).toEqual(fresh.thresholds);
  });

  it('falls back to the alert summary, with no samples, when never fetched and offline', async () => {
    signIn('token-1');
    respond = offline;
    const summary: ReadingSeries = await service().get('A1');
    expect(summary).toEqual({
      alertId: 'A1',
      elementName: '甲烷浓度',
      unit: '%LEL',
      direction: 'above',
      level: 'red',
      threshold: 40,
      exceededAt: '2026-11-23T01:57:00.000Z',
      reportedAt: '2026-11-23T02:00:00.000Z',
      peak: 52.5,
      latest: 44,
      samplesBeyondThreshold: 3,
      thresholds: null,
      samples: [],
      source: 'summary',
      fetchedAt: null,
      unavailable: { reason: 'offline', message: expect.stringContaining('ECONNREFUSED') as string },
    });
  });

  it('refuses a malformed answer, naming the field, logs it and keeps what it had', async () => {
    signIn('token-1');
    await service().get('A1');
    respond = () => json(centralBody({ samples: [{ at: '2026-11-23T01:57:00.000Z', value: null }] }));
    const kept = await service().get('A1');
    expect(kept.source).toBe('cache');
    expect(kept.unavailable).toMatchObject({
      reason: 'invalid',
      message: expect.stringContaining('samples[0].value') as string,
    });
    expect(warnings).toEqual([expect.stringContaining('samples[0].value') as string]);
    expect(kept.samples).toHaveLength(4);
  });

  it('does not ask the platform without a session token, and tells why', async () => {
    signIn(null);
    const series = await service().get('A1');
    expect(requests).toEqual([]);
    expect(series).toMatchObject({ source: 'summary', unavailable: { reason: 'signedOut' } });
  });

  it('tells an alert the platform does not know (404) and an expired session (401) apart', async () => {
    signIn('token-1');
    respond = () => json({ code: 'NOT_FOUND', message: 'no alert A1' }, 404);
    expect((await service().get('A1')).unavailable?.reason).toBe('notFound');
    respond = () => json({ code: 'TOKEN_EXPIRED', message: 'expired' }, 401);
    expect((await service().get('A1')).unavailable?.reason).toBe('signedOut');
  });

  it('fails for an alert neither cached nor reachable', async () => {
    signIn('token-1');
    respond = offline;
    await expect(service().get('not-here')).rejects.toBeInstanceOf(ReadingsUnknown);
  });
});

describe('getReadings against the reference server', { timeout: 60_000 }, () => {
  let harness: CoreHarness | null = null;

  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('comes from the central platform, then from the cache once the platform stops', async () => {
    const h = (harness = await startCoreWithCentral({ seed: 9 }));
    await h.call('signIn', { username: 'zhangmin', password: 'zhangmin-demo' });
    const { alert } = await h.admin<{ alert: { id: string } }>('POST', 'alerts', { level: 'red' });
    await until(
      () => h.call<ItemDetail>('getItemDetail', { entity: 'alert', id: alert.id }),
      (detail) => detail.alert !== null,
      'the injected alert reaches the cache',
    );

    const online = await h.call<ReadingSeries>('getReadings', { alertId: alert.id });
    expect(online.source).toBe('central');
    expect(online.thresholds?.red).toBe(online.threshold);
    expect(online.samples.length).toBeGreaterThan(10);

    await h.stopCentral();
    const offline = await h.call<ReadingSeries>('getReadings', { alertId: alert.id });
    expect(offline).toMatchObject({ source: 'cache', unavailable: { reason: 'offline' } });
    expect(offline.samples).toEqual(online.samples);
  });
});
