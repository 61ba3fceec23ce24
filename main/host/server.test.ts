import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createCore, type Core } from '../core/app-core';
import { silentLogger } from '../core/logger';
import { startHost, type RunningHost } from './server';

let core: Core;
let host: RunningHost;
let dataDir: string;
let rendererDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-host-'));
  rendererDir = path.join(dataDir, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>DutyDesk</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dataDir, 'secret.txt'), 'outside the renderer');
  core = createCore({
    dataDir,
    mode: 'browser',
    demo: false,
    version: 'test',
    config: { centralUrl: null, pollIntervalMs: 60_000 },
    logger: silentLogger,
  });
  host = await startHost({
    dispatch: core.dispatch,
    events: core.events,
    rendererDir,
    port: 0,
    logger: silentLogger,
  });
});

afterAll(async () => {
  await host.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A raw request, so that Host and Origin can be set to anything (fetch forbids both). */
function rawRequest(
  pathAndQuery: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        path: pathAndQuery,
        method: options.method ?? 'GET',
        headers: { host: `127.0.0.1:${host.port}`, ...options.headers },
      },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

const call = (body: unknown, headers: Record<string, string> = {}) =>
  rawRequest('/api/call', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${host.token}`, ...headers },
    body: JSON.stringify(body),
  });

describe('browser-mode host', () => {
  it('listens on loopback only and prints a URL with the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
  });

  it('serves a call through the dispatcher', async () => {
    const response = await call({ name: 'getQueueCounts', args: [] });
    expect(response.status).toBe(200);
    const body = JSON.parse(response.body) as { ok: boolean; value: { counts: Record<string, number> } };
    expect(body.ok).toBe(true);
    expect(Object.keys(body.value.counts)).toContain('redAlerts');
  });

  it('refuses a call without the token, with a wrong one, or from a foreign origin or host', async () => {
    const withoutToken = await rawRequest('/api/call', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'getStatus', args: [] }),
    });
    expect(withoutToken.status).toBe(401);
    expect(JSON.parse(withoutToken.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect((await call({ name: 'getStatus', args: [] }, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await call({ name: 'getStatus', args: [] }, { origin: 'https://evil.example' })).status).toBe(
      403,
    );
    expect((await call({ name: 'getStatus', args: [] }, { host: `evil.example:${host.port}` })).status).toBe(
      421,
    );
    // The page's cookie is not enough for the API: a cross-site form could send a cookie, never a header.
    const cookieOnly = await rawRequest('/api/call', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `dutydesk_token_${host.port}=${host.token}` },
      body: JSON.stringify({ name: 'getStatus', args: [] }),
    });
    expect(cookieOnly.status).toBe(401);
  });

  it('answers malformed bodies with INVALID_ARGUMENT, never a crash', async () => {
    const notJson = await rawRequest('/api/call', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${host.token}` },
      body: '{oops',
    });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect((await call({ name: 'getStatus' })).status).toBe(400);
    const formPost = await rawRequest('/api/call', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${host.token}` },
      body: '{}',
    });
    expect(formPost.status).toBe(415);
    const tooLarge = await call({ name: 'getStatus', args: ['x'.repeat(1_100_000)] });
    expect(tooLarge.status).toBe(413);
  });

  it('serves the page with the token, sets a port-scoped HttpOnly cookie and a CSP without eval', async () => {
    const page = await rawRequest(`/?token=${host.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']?.[0]).toMatch(
      new RegExp(`^dutydesk_token_${host.port}=${host.token}; HttpOnly; SameSite=Strict`),
    );
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-eval');
    const asset = await rawRequest('/assets/app.js', {
      headers: { cookie: `dutydesk_token_${host.port}=${host.token}` },
    });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect((await rawRequest('/')).status).toBe(401);
    expect((await rawRequest('/assets/app.js')).status).toBe(401);
  });

  it('never serves a file outside the renderer folder', async () => {
    const auth = { cookie: `dutydesk_token_${host.port}=${host.token}` };
    for (const attempt of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const response = await rawRequest(attempt, { headers: auth });
      expect(response.status, attempt).toBe(404);
      expect(response.body).not.toContain('outside the renderer');
    }
  });

  it('pushes events over the socket to a client with the token, and refuses others', async () => {
    const socketUrl = `ws://127.0.0.1:${host.port}/api/events`;
    const refused = (url: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(url, { headers });
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('open', () => resolve(101));
      });
    expect(await refused(socketUrl)).toBe(401);
    expect(await refused(`${socketUrl}?token=${host.token}`, { origin: 'https://evil.example' })).toBe(403);

    const socket = new WebSocket(`${socketUrl}?token=${host.token}`, {
      origin: `http://127.0.0.1:${host.port}`,
    });
    await new Promise((resolve) => socket.once('open', resolve));
    const received = new Promise<unknown>((resolve) =>
      socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))),
    );
    await call({ name: 'setPreferences', args: [{ theme: 'light' }] });
    expect(await received).toEqual({ event: 'preferences', payload: { locale: 'zh-CN', theme: 'light' } });
    socket.close();
  });
});
