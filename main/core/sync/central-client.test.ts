/**
 * The client's reading of bodies, against a stand-in for the central platform that sends exactly the bytes
 * a test needs (the reference server never sends broken UTF-8).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CentralClient, CentralError, followAbort, type RequestOutcome } from './central-client';

let server: http.Server;
let baseUrl: string;
const bodies = new Map<string, Buffer>();

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const body = bodies.get(request.url ?? '') ?? Buffer.from('{}');
    if (request.url?.startsWith('/gzip/')) {
      // Declares the compressed length; fetch hands over the longer decoded body.
      const compressed = zlib.gzipSync(body);
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': compressed.byteLength,
      });
      response.end(compressed);
    } else if (request.url?.startsWith('/chunked/')) {
      // No declared length: sent in pieces with chunked transfer encoding.
      response.writeHead(200, { 'content-type': 'application/json' });
      const half = Math.floor(body.byteLength / 2);
      response.write(body.subarray(0, half));
      setTimeout(() => response.end(body.subarray(half)), 5);
    } else {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.byteLength });
      response.end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function client(outcomes: RequestOutcome[] = []): CentralClient {
  return new CentralClient({
    baseUrl,
    fetch: globalThis.fetch,
    monoNow: () => performance.now(),
    timeoutMs: 5_000,
    maxBodyBytes: 1024 * 1024,
    onOutcome: (outcome) => outcomes.push(outcome),
  });
}

describe('CentralClient bodies', () => {
  it('decodes UTF-8 (Chinese across chunk boundaries included) and counts the bytes', async () => {
    const text = JSON.stringify({ name: '张江镇燃气阀门井'.repeat(20_000) });
    bodies.set('/chinese', Buffer.from(text, 'utf8'));
    const response = await client().request('GET', '/chinese');
    expect(response.body).toEqual(JSON.parse(text));
    expect(response.bytes).toBe(Buffer.byteLength(text));
  });

  it('reads a body whatever its framing: a declared length, chunked, or compressed with the compressed length declared', async () => {
    const text = JSON.stringify({
      items: Array.from({ length: 5_000 }, (_, i) => ({ id: i, name: '燃气' })),
    });
    for (const url of ['/plain/items', '/chunked/items', '/gzip/items']) {
      bodies.set(url, Buffer.from(text, 'utf8'));
      const response = await client().request('GET', url);
      expect(response.body, url).toEqual(JSON.parse(text));
    }
  });

  it('refuses a body that is not valid UTF-8 as malformed, and the network state hears the server answered badly', async () => {
    bodies.set(
      '/broken',
      Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xe5, 0xbc]), Buffer.from('"}')]),
    );
    const outcomes: RequestOutcome[] = [];
    const error = await client(outcomes)
      .request('GET', '/broken')
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(CentralError);
    expect((error as CentralError).failure).toEqual({
      kind: 'invalidBody',
      message: 'the central platform answered with malformed JSON (the body is not valid UTF-8)',
    });
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([false]);
  });

  it('a request its caller cancels is not reported as a network failure', async () => {
    const outcomes: RequestOutcome[] = [];
    const cancel = new AbortController();
    cancel.abort();
    await expect(client(outcomes).request('GET', '/chinese', { signal: cancel.signal })).rejects.toThrow(
      'the request was cancelled',
    );
    expect(outcomes).toEqual([]);
  });
});

describe('followAbort', () => {
  it('aborts the follower with the outer reason, at once when the outer is already aborted, and not after it is detached', () => {
    const outer = new AbortController();
    const follower = new AbortController();
    followAbort(outer.signal, follower);
    outer.abort('stream closed');
    expect(follower.signal.aborted).toBe(true);
    expect(follower.signal.reason).toBe('stream closed');

    const late = new AbortController();
    followAbort(outer.signal, late);
    expect(late.signal.reason).toBe('stream closed');

    const other = new AbortController();
    const detached = new AbortController();
    followAbort(other.signal, detached)();
    other.abort();
    expect(detached.signal.aborted).toBe(false);
  });

  it('a request times out as a timeout, and the signal of its caller still cancels it', async () => {
    const slow = http.createServer(() => undefined);
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const slowClient = new CentralClient({
      baseUrl: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`,
      fetch: globalThis.fetch,
      monoNow: () => performance.now(),
      timeoutMs: 100,
      maxBodyBytes: 1024,
      onOutcome: () => undefined,
    });
    const timedOut = await slowClient.request('GET', '/').catch((error: unknown) => error);
    expect((timedOut as CentralError).failure.kind).toBe('timeout');
    const cancel = new AbortController();
    const cancelled = slowClient
      .request('GET', '/', { signal: cancel.signal, timeoutMs: 10_000 })
      .catch((error: unknown) => error);
    setTimeout(() => cancel.abort(), 20);
    expect(((await cancelled) as CentralError).failure.message).toBe('the request was cancelled');
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  });
});
