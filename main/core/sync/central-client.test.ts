/**
 * The client's reading of bodies, against a stand-in for the central platform that sends exactly the bytes
 * a test needs (the reference server never sends broken UTF-8).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CentralClient, CentralError, type RequestOutcome } from './central-client';

let server: http.Server;
let baseUrl: string;
const bodies = new Map<string, Buffer>();

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const body = bodies.get(request.url ?? '') ?? Buffer.from('{}');
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body);
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
