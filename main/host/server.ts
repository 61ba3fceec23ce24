import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BridgeErrorCode, BridgeResult, EventEnvelope } from '../../preload/contract';
import type { Dispatch } from '../core/bridge/dispatcher';
import { contentTypeOf } from '../core/content-types';
import { contentSecurityPolicy } from '../core/csp';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import { AccessPolicy, bearerToken, cookieValue, createAccessToken } from './access';

export interface HostOptions {
  dispatch: Dispatch;
  events: EventHub;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  logger: Logger;
  /** For tests only: a fixed token. Production always uses a fresh random one. */
  token?: string;
}

export interface RunningHost {
  readonly port: number;
  readonly token: string;
  /** The URL an operator opens: http://127.0.0.1:<port>/?token=<token> */
  readonly url: string;
  close(): Promise<void>;
}

const MAX_CALL_BODY_BYTES = 1024 * 1024;
const SOCKET_PING_MS = 20_000;

/**
 * Browser mode: serves the built renderer and the bridge contract on 127.0.0.1 only.
 * `POST /api/call` carries one call (the same dispatcher as Electron IPC); `GET /api/events` upgrades
 * to a WebSocket that carries the contract's events. Every request needs the per-start token, a Host
 * naming loopback on our port, and (when present) our own Origin.
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const { logger } = options;
  const rendererRoot = path.resolve(options.rendererDir);
  const token = options.token ?? createAccessToken();
  const server = http.createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const policy = new AccessPolicy(token, port);
  const csp = contentSecurityPolicy({ connectSources: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] });

  const baseHeaders = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };

  const sendJson = (response: http.ServerResponse, status: number, body: BridgeResult<unknown>): void => {
    response.writeHead(status, {
      ...baseHeaders,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.end(JSON.stringify(body));
  };
  const refuseJson = (
    response: http.ServerResponse,
    status: number,
    code: BridgeErrorCode,
    message: string,
  ): void => sendJson(response, status, { ok: false, error: { code, message } });

  const refusePage = (response: http.ServerResponse, status: number): void => {
    response.writeHead(status, { ...baseHeaders, 'content-type': 'text/html; charset=utf-8' });
    response.end(
      '<!doctype html><meta charset="utf-8"><title>DutyDesk</title>' +
        '<p>需要访问令牌：请打开 DutyDesk 启动时打印的完整链接（含 ?token=）。</p>' +
        '<p>Access token required: open the full link DutyDesk printed when it started (with ?token=).</p>',
    );
  };

  async function handleCall(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    if (!policy.tokenValid(bearerToken(request.headers.authorization))) {
      refuseJson(response, 401, 'UNAUTHORIZED', 'missing or wrong access token');
      return;
    }
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
      refuseJson(response, 415, 'INVALID_ARGUMENT', 'the body must be application/json');
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(request, MAX_CALL_BODY_BYTES));
    } catch (error) {
      refuseJson(
        response,
        error instanceof BodyTooLargeError ? 413 : 400,
        'INVALID_ARGUMENT',
        (error as Error).message,
      );
      return;
    }
    if (typeof body !== 'object' || body === null || !Array.isArray((body as { args?: unknown }).args)) {
      refuseJson(response, 400, 'INVALID_ARGUMENT', 'body: expected { name: string, args: unknown[] }');
      return;
    }
    const envelope = body as { name?: unknown; args: unknown[] };
    sendJson(response, 200, await options.dispatch(envelope.name, envelope.args));
  }

  function handleStatic(request: http.IncomingMessage, response: http.ServerResponse, url: URL): void {
    const queryToken = url.searchParams.get('token');
    const cookieToken = cookieValue(request.headers.cookie, policy.cookieName);
    if (!policy.tokenValid(queryToken) && !policy.tokenValid(cookieToken)) {
      refusePage(response, 401);
      return;
    }
    const relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = path.resolve(rendererRoot, relative);
    if (!file.startsWith(rendererRoot + path.sep)) {
      response.writeHead(404, baseHeaders).end();
      return;
    }
    fs.readFile(file, (error, content) => {
      if (error) {
        response.writeHead(404, { ...baseHeaders, 'content-type': 'text/plain; charset=utf-8' });
        response.end('not found');
        return;
      }
      const isPage = file.endsWith('.html');
      response.writeHead(200, {
        ...baseHeaders,
        'content-type': contentTypeOf(file),
        // Hashed assets may be cached; the page itself must always be fresh.
        'cache-control': isPage ? 'no-store' : 'private, max-age=31536000, immutable',
        ...(isPage
          ? {
              'content-security-policy': csp,
              // Later asset requests carry the token as a cookie: HttpOnly, this site only.
              'set-cookie': `${policy.cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
            }
          : {}),
      });
      response.end(content);
    });
  }

  server.on('request', (request, response) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (!policy.hostAllowed(request.headers.host)) {
      refuseJson(response, 421, 'UNAUTHORIZED', 'this host name is not served here');
      return;
    }
    if (!policy.originAllowed(request.headers.origin)) {
      refuseJson(response, 403, 'UNAUTHORIZED', 'requests from other origins are refused');
      return;
    }
    if (url.pathname === '/api/call') {
      if (request.method !== 'POST') {
        refuseJson(response, 405, 'INVALID_ARGUMENT', 'use POST');
        return;
      }
      handleCall(request, response).catch((error: unknown) => {
        logger.error('browser-mode call failed', error);
        if (!response.headersSent) refuseJson(response, 500, 'INTERNAL', 'the call failed inside DutyDesk');
      });
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      refuseJson(response, 404, 'UNKNOWN_CALL', `no such endpoint ${url.pathname}`);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, baseHeaders).end();
      return;
    }
    handleStatic(request, response, url);
  });

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/api/events') return refuse('404 Not Found');
    if (!policy.hostAllowed(request.headers.host)) return refuse('421 Misdirected Request');
    if (!policy.originAllowed(request.headers.origin)) return refuse('403 Forbidden');
    if (!policy.tokenValid(url.searchParams.get('token'))) return refuse('401 Unauthorized');
    sockets.handleUpgrade(request, socket, head, (client) => attachSocket(client));
  });

  function attachSocket(client: WebSocket): void {
    let alive = true;
    const unsubscribe = options.events.subscribe((event, payload) => {
      if (client.readyState === client.OPEN) {
        const envelope: EventEnvelope = { event, payload };
        client.send(JSON.stringify(envelope));
      }
    });
    const ping = setInterval(() => {
      if (!alive) {
        client.terminate();
        return;
      }
      alive = false;
      client.ping();
    }, SOCKET_PING_MS);
    client.on('pong', () => {
      alive = true;
    });
    // The socket only carries events out; anything sent in is ignored.
    client.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
    client.on('error', (error) => logger.warn('event socket error', error.message));
  }

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`the body exceeds ${limit} bytes`);
  }
}

function readBody(request: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Keep draining (only token holders get here) so the client reads our answer instead of a reset.
        request.removeAllListeners('data');
        request.resume();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
