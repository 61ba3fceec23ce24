import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { distDir, repoRoot, startServedApp, stopServedApp, type ServedApp } from './fixtures';
import { spawnUntilReady, stopChild } from './served-app';

/**
 * A reference central server in its own process, for the specs that stop it (an outage), share it
 * between two workstations, or check what the platform recorded. They observe it only through its
 * public API (sign-in, the change feed) and its test admin API, as any other client would.
 */
export interface CentralProcess {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
}

/** Starts `central.cjs` with the admin API; `port` and `dataDir` let a restart resume the same server. */
export async function startCentralProcess(
  options: { seed?: number; port?: number; dataDir?: string } = {},
): Promise<CentralProcess> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-e2e-central-'));
  const { url, child } = await spawnUntilReady({
    script: path.join(repoRoot, distDir, 'node/central.cjs'),
    args: [
      '--port',
      String(options.port ?? 0),
      '--seed',
      String(options.seed ?? 11),
      '--history-days',
      '30',
      '--data-dir',
      dataDir,
      '--test-admin',
    ],
    cwd: repoRoot,
    readyLine: /central ready at (http:\/\/127\.0\.0\.1:\d+)/,
    what: 'central',
    timeoutMs: 60_000,
  });
  return { url, port: Number(new URL(url).port), dataDir, process: child };
}

/** Stops the server (an outage); its data directory stays, so it can be restarted where it was. */
export async function stopCentralProcess(central: CentralProcess): Promise<void> {
  await stopChild(central.process);
}

export async function disposeCentralProcess(central: CentralProcess): Promise<void> {
  await stopCentralProcess(central);
  fs.rmSync(central.dataDir, { recursive: true, force: true });
}

async function json<T>(response: Response, what: string): Promise<T> {
  if (!response.ok) throw new Error(`${what}: HTTP ${String(response.status)} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A workstation in browser mode on a reference central server of its own (see `startAppOnOwnCentral`). */
export interface AppOnOwnCentral {
  central: CentralProcess;
  app: ServedApp;
}

/** Starts a central server with `seed`, then browser mode connected to it. */
export async function startAppOnOwnCentral(seed: number): Promise<AppOnOwnCentral> {
  const central = await startCentralProcess({ seed });
  const app = await startServedApp(['--central-url', central.url]);
  return { central, app };
}

/** Stops the app, then the central server, and removes both data directories. */
export async function stopAppOnOwnCentral({ central, app }: AppOnOwnCentral): Promise<void> {
  await stopServedApp(app);
  await disposeCentralProcess(central);
}

/** One call to the test admin API (central/README.md); returns the answer's JSON body, if any. */
export async function callAdmin(
  central: CentralProcess,
  method: 'POST' | 'PUT' | 'DELETE',
  action: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${central.url}/api/v1/admin/${action}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`admin ${method} ${action}: HTTP ${String(response.status)} ${text}`);
  return text === '' ? null : (JSON.parse(text) as unknown);
}

/** Asks the test admin API to raise a new alert now (central/README.md). */
export async function raiseAlert(
  central: CentralProcess,
  alert: { level: 'red' | 'orange' | 'yellow' | 'blue'; dispatch?: 'never' | 'normal' },
): Promise<{ id: string }> {
  const body = (await callAdmin(central, 'POST', 'alerts', alert)) as { alert: { id: string } };
  return { id: body.alert.id };
}

export interface FeedChange {
  entity: string;
  op: 'upsert' | 'delete';
  id: string;
  version: number;
  data: Record<string, unknown> | null;
}

/**
 * Reads the central platform's change feed as an observer signed in with its own session: `catchUp`
 * reads to the end, `since` returns what changed after that point. A test checks what the platform
 * recorded this way, never through the workstation under test.
 */
export class FeedObserver {
  #token: string | null = null;
  #cursor: string | null = null;

  constructor(
    private readonly central: CentralProcess,
    private readonly username = 'liuyang',
  ) {}

  async #signIn(): Promise<string> {
    if (this.#token) return this.#token;
    const response = await fetch(`${this.central.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: this.username, password: `${this.username}-demo` }),
    });
    this.#token = (await json<{ token: string }>(response, 'signing the observer in')).token;
    return this.#token;
  }

  async #page(): Promise<{ changes: FeedChange[]; cursor: string; hasMore: boolean }> {
    const token = await this.#signIn();
    const query = new URLSearchParams({ limit: '5000' });
    if (this.#cursor) query.set('cursor', this.#cursor);
    const response = await fetch(`${this.central.url}/api/v1/changes?${query.toString()}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return json(response, 'reading the change feed');
  }

  /** Reads the feed to its end; returns every change read. */
  async catchUp(): Promise<FeedChange[]> {
    const changes: FeedChange[] = [];
    for (;;) {
      const page = await this.#page();
      changes.push(...page.changes);
      this.#cursor = page.cursor;
      if (!page.hasMore) return changes;
    }
  }

  /** The changes since the last catch-up (and moves past them). */
  async since(): Promise<FeedChange[]> {
    if (this.#cursor === null)
      throw new Error('catch up first: `since` reads from where the last read ended');
    return this.catchUp();
  }
}
