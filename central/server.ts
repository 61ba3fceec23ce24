/**
 * The reference central server: the contract DutyDesk syncs from (see openapi.yaml, issue "central API").
 * This first cut serves only health and time; the simulated district, the change feed and mutations
 * grow here behind the same `startCentral` entry point.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CentralOptions {
  /** 0 picks a free port. */
  port: number;
  /** Seed of the simulated district (deterministic). */
  seed: number;
  /** Where the server keeps its SQLite file; a temporary directory when omitted. */
  dataDir?: string | undefined;
}

export interface RunningCentral {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}

export async function startCentral(options: CentralOptions): Promise<RunningCentral> {
  const startedAt = Date.now();
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'GET' && url.pathname === '/api/v1/health') {
      sendJson(response, 200, { status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) });
      return;
    }
    if (request.method === 'GET' && url.pathname === '/api/v1/time') {
      sendJson(response, 200, { serverTime: new Date().toISOString() });
      return;
    }
    sendJson(response, 404, {
      code: 'NOT_FOUND',
      message: `no route ${request.method ?? ''} ${url.pathname}`,
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
