/**
 * Each injected fault can be switched on and off, and is observed to happen. Faulty replies are read with raw
 * fetch (the spec client would rightly refuse them); everything else goes through the validating client.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseFaultFlag } from './faults';
import { openEventStream } from './testing/event-stream';
import { startTestCentral, uniqueId, type TestCentral } from './testing/fixture';

let test: TestCentral;
let token: string;

beforeAll(async () => {
  test = await startTestCentral({ historyDays: 2 });
  token = (await test.client.login()).token;
});

afterEach(async () => {
  await test.client.admin('DELETE', 'faults');
  test.client.token = token;
});

afterAll(async () => {
  await test.close();
});

async function setFaults(settings: Record<string, unknown>): Promise<void> {
  await test.client.admin('PUT', 'faults', settings);
}

function raw(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(path, test.central.url), {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) },
  });
}

async function firedCount(name: string): Promise<number> {
  const faults = await test.client.admin<{ fired: Record<string, number> }>('GET', 'faults');
  return faults.fired[name] ?? 0;
}

describe('fault injection', () => {
  it('added latency', async () => {
    await setFaults({ latencyMs: 400 });
    let started = performance.now();
    expect((await test.client.request('GET', '/api/v1/time')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);

    await setFaults({ latencyMs: 0 });
    started = performance.now();
    await test.client.request('GET', '/api/v1/time');
    expect(performance.now() - started).toBeLessThan(300);
  });

  it('a share of 500s', async () => {
    await setFaults({ serverErrorRate: 1 });
    const failed = await test.client.request<{ code: string }>('GET', '/api/v1/changes', {
      query: { limit: 1 },
    });
    expect([failed.status, failed.body.code]).toEqual([500, 'INJECTED_FAULT']);

    // A share: about half of 200 requests fail.
    await setFaults({ serverErrorRate: 0.5 });
    let failures = 0;
    for (let i = 0; i < 200; i++)
      if ((await test.client.request('GET', '/api/v1/time')).status === 500) failures++;
    expect(failures).toBeGreaterThan(60);
    expect(failures).toBeLessThan(140);

    await setFaults({ serverErrorRate: 0 });
    expect((await test.client.request('GET', '/api/v1/time')).status).toBe(200);
    expect(await firedCount('serverError')).toBeGreaterThan(60);
  });

  it('faults apply only to the chosen operations', async () => {
    await setFaults({ serverErrorRate: 1, operations: ['changes'] });
    expect((await test.client.request('GET', '/api/v1/time')).status).toBe(200);
    expect((await test.client.changes({ limit: 1 })).status).toBe(500);
  });

  it('a connection dropped mid-body', async () => {
    await setFaults({ dropMidBodyRate: 1, operations: ['changes'] });
    const response = await raw('/api/v1/changes?limit=200');
    expect(response.status).toBe(200);
    const declared = Number(response.headers.get('content-length'));
    expect(declared).toBeGreaterThan(1000);
    await expect(response.text()).rejects.toThrow();

    await setFaults({ dropMidBodyRate: 0 });
    const whole = await raw('/api/v1/changes?limit=200');
    expect(JSON.parse(await whole.text())).toHaveProperty('changes');
  });

  it('malformed JSON', async () => {
    await setFaults({ malformedJsonRate: 1, operations: ['time'] });
    const response = await raw('/api/v1/time');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);

    await setFaults({ malformedJsonRate: 0 });
    expect((await test.client.request('GET', '/api/v1/time')).status).toBe(200);
  });

  it('truncated JSON in a complete HTTP response', async () => {
    await setFaults({ truncatedJsonRate: 1, operations: ['changes'] });
    const response = await raw('/api/v1/changes?limit=50');
    const text = await response.text(); // the HTTP message completes...
    expect(Buffer.byteLength(text)).toBe(Number(response.headers.get('content-length')));
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError); // ...but the JSON ends too early

    await setFaults({ truncatedJsonRate: 0 });
    expect((await test.client.changes({ limit: 50 })).status).toBe(200);
  });

  it('a body larger than any sane page', async () => {
    const size = 8 * 1024 * 1024;
    await setFaults({ oversizedBodyRate: 1, oversizedBodyBytes: size });
    const response = await raw('/api/v1/changes?limit=5');
    expect(Number(response.headers.get('content-length'))).toBe(size);
    const text = await response.text();
    expect(Buffer.byteLength(text)).toBe(size);
    expect((JSON.parse(text) as { changes: unknown[] }).changes).toHaveLength(5); // valid JSON, absurd size

    await setFaults({ oversizedBodyRate: 0 });
    const normal = await raw('/api/v1/changes?limit=5');
    expect(Number(normal.headers.get('content-length'))).toBeLessThan(100_000);
  });

  it('a mutation response lost after commit: the retry comes back duplicate and nothing is applied twice', async () => {
    const alerts = (await test.client.pullAll()).changes.filter((change) => change.entity === 'alert');
    const subject = { entity: 'alert', id: alerts[0]?.id ?? '' };
    const noteId = uniqueId('note');
    const body = {
      clientId: uniqueId('ws'),
      mutations: [
        {
          id: uniqueId('m'),
          seq: 1,
          name: 'addNote',
          args: { noteId, subject, text: '丢失应答测试' },
          createdAt: new Date().toISOString(),
        },
      ],
    };
    const { cursor } = await test.client.pullAll();

    await setFaults({ lostMutationResponseRate: 1 });
    await expect(
      raw('/api/v1/mutations', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((response) => response.text()),
    ).rejects.toThrow();
    expect(await firedCount('lostMutationResponse')).toBe(1);

    await setFaults({ lostMutationResponseRate: 0 });
    const retry = await test.client.mutate(body.clientId, body.mutations);
    expect(retry.results[0]).toMatchObject({ status: 'duplicate', original: { status: 'applied' } });
    const notes = (await test.client.pullAll({ cursor })).changes.filter((change) => change.id === noteId);
    expect(notes).toHaveLength(1);
  });

  it('token expiry', async () => {
    await setFaults({ tokenLifetimeSeconds: 0 });
    const expired = await test.client.request<{ code: string }>('GET', '/api/v1/changes', {
      query: { limit: 1 },
    });
    expect([expired.status, expired.body.code]).toEqual([401, 'TOKEN_EXPIRED']);

    await setFaults({ tokenLifetimeSeconds: 1 });
    const session = await test.client.login();
    expect(session.expiresInSeconds).toBe(1);
    expect((await test.client.changes({ limit: 1 })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await test.client.changes({ limit: 1 })).status).toBe(401);

    await setFaults({ tokenLifetimeSeconds: null });
    await test.client.login();
    expect((await test.client.changes({ limit: 1 })).status).toBe(200);
  });

  it('an event stream that stalls without closing', async () => {
    const stream = await openEventStream(test.central.url, token, test.client.validator);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toContain('text/event-stream');
    await stream.next('poke');
    await stream.next('heartbeat');

    await setFaults({ stallEvents: true });
    await new Promise((resolve) => setTimeout(resolve, 250)); // let the next heartbeat find the fault on
    const countWhenStalled = stream.events.length;
    await test.client.admin('POST', 'clock', { advanceBySeconds: 3600 }); // changes that would poke
    await new Promise((resolve) => setTimeout(resolve, 1000)); // five heartbeat intervals
    expect(stream.events.length).toBe(countWhenStalled);
    expect(stream.ended).toBe(false);
    expect(await firedCount('stallEvents')).toBeGreaterThan(0);

    // Switched off: a new stream works again (the stalled one stays stalled, as a real one would).
    await setFaults({ stallEvents: false });
    const fresh = await openEventStream(test.central.url, token, test.client.validator);
    await fresh.next('poke');
    await fresh.next('heartbeat');
    expect(stream.events.length).toBe(countWhenStalled);
    stream.close();
    fresh.close();
  });

  it('rejects an invalid fault setting, naming the field', async () => {
    const response = await test.client.request<{ code: string; message: string }>(
      'PUT',
      '/api/v1/admin/faults',
      {
        body: { serverErrorRate: 2 },
        unchecked: true,
      },
    );
    expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(response.body.message).toContain('serverErrorRate');
  });
});

describe('faults as start flags', () => {
  it('parses --faults and applies them from the start', async () => {
    const faults = parseFaultFlag('serverErrorRate=1,operations=time+health,latencyMs=0');
    expect(faults).toEqual({ serverErrorRate: 1, operations: ['time', 'health'], latencyMs: 0 });
    expect(() => parseFaultFlag('serverErrorRate=lots')).toThrow(/serverErrorRate/);

    const faulty = await startTestCentral({ historyDays: 1, faults });
    try {
      expect((await faulty.client.request('GET', '/api/v1/time')).status).toBe(500);
      expect((await faulty.client.request('GET', '/api/v1/health')).status).toBe(500);
      await faulty.client.admin('DELETE', 'faults');
      expect((await faulty.client.request('GET', '/api/v1/time')).status).toBe(200);
    } finally {
      await faulty.close();
    }
  });
});
