import { test as base, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ServedApp {
  /** The URL printed at start, with ?token=. */
  url: string;
  origin: string;
  port: number;
  token: string;
  dataDir: string;
  process: ChildProcess;
}

const repoRoot = path.resolve(import.meta.dirname, '..');

/** Starts browser mode (`dist/node/serve.cjs`, built by `npm run build`) and waits for its ready line. */
export async function startServedApp(
  extraArgs: string[] = ['--demo'],
  prepareDataDir: (dataDir: string) => void = () => undefined,
): Promise<ServedApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-e2e-'));
  prepareDataDir(dataDir);
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, process.env.DUTYDESK_DIST_DIR ?? 'dist', 'node/serve.cjs'),
      '--data-dir',
      dataDir,
      ...extraArgs,
    ],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => reject(new Error(`browser mode did not start in 30 s: ${stderr}`)),
      30_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /DutyDesk ready at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser mode exited with ${String(code)}: ${stderr}`));
    });
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
  if (app.process.exitCode === null) {
    const exited = new Promise((resolve) => app.process.once('exit', resolve));
    app.process.kill('SIGTERM');
    await exited;
  }
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
