import { test as base, expect } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnServe, stopChild } from './served-app';

export interface ServedApp {
  /** The URL printed at start, with ?token=. */
  url: string;
  origin: string;
  port: number;
  token: string;
  dataDir: string;
  process: ChildProcess;
}

/** The repository's root and the build's output folder the e2e tests run ($DUTYDESK_DIST_DIR, else dist). */
export const repoRoot = path.resolve(import.meta.dirname, '..');
export const distDir = process.env.DUTYDESK_DIST_DIR ?? 'dist';

/** Starts browser mode (`<dist>/node/serve.cjs`, built by `npm run build`) and waits for its ready line. */
export async function startServedApp(
  extraArgs: string[] = ['--demo'],
  prepareDataDir: (dataDir: string) => void = () => undefined,
): Promise<ServedApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-e2e-'));
  prepareDataDir(dataDir);
  const { url, child } = await spawnServe({
    serveScript: path.join(repoRoot, distDir, 'node/serve.cjs'),
    cwd: repoRoot,
    dataDir,
    args: extraArgs,
    timeoutMs: 30_000,
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    process: child,
  };
}

export async function stopServedApp(app: ServedApp): Promise<void> {
  await stopChild(app.process);
  fs.rmSync(app.dataDir, { recursive: true, force: true });
}

/** `app`: one browser-mode instance on the demo district per test file worker. */
export const test = base.extend<object, { app: ServedApp }>({
  app: [
    // Playwright requires an object pattern for a fixture's first argument, even an empty one.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const app = await startServedApp();
      await use(app);
      await stopServedApp(app);
    },
    { scope: 'worker' },
  ],
});

export { expect };
