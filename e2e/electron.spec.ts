import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { electronArgs, electronEnv, electronExecutable, hasDisplay } from '../scripts/start-plan';

// The desktop shell's security baseline, proved in the real Electron: the built app (`npm run build`) on the
// demo district. Needs Electron's runtime, which machines without GitHub access do not have (see
// scripts/start.mjs); there the spec is skipped and says so in one line.

const repoRoot = path.resolve(import.meta.dirname, '..');
const electronPath = electronExecutable({
  electronDir: path.join(repoRoot, 'node_modules', 'electron'),
  env: process.env,
  exists: fs.existsSync,
  readText: (file) => fs.readFileSync(file, 'utf8'),
});

function whyNotRun(): string | null {
  if (electronPath === null) {
    return 'Electron e2e not run: the Electron runtime is not installed on this machine (node_modules/electron/dist missing)';
  }
  if (!hasDisplay(process.platform, process.env)) {
    return 'Electron e2e not run: there is no display for its window (run it under xvfb-run)';
  }
  return null;
}

const notRunReason = whyNotRun();
if (notRunReason !== null) console.log(notRunReason);
test.describe('the desktop window', () => {
  test.skip(notRunReason !== null, notRunReason ?? '');

  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;

  test.beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-electron-e2e-'));
    app = await _electron.launch({
      executablePath: electronPath ?? undefined,
      args: electronArgs(['--demo', `--data-dir=${dataDir}`], {
        platform: process.platform,
        isRoot: process.getuid?.() === 0,
      }),
      cwd: repoRoot,
      env: electronEnv(process.env),
      locale: 'zh-CN',
    });
    page = await app.firstWindow();
  });

  test.afterAll(async () => {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('shows the command view from the app protocol', async () => {
    await expect(page).toHaveTitle(/值班台/);
    await expect(page.getByText('红色预警').first()).toBeVisible();
    expect(page.url()).toBe('app://dutydesk/index.html');
  });

  test('gives the page the bridge and nothing of Node', async () => {
    const globals = await page.evaluate(() => {
      const scope = globalThis as Record<string, unknown>;
      return { bridge: typeof scope.dutydesk, require: typeof scope.require, process: typeof scope.process };
    });
    expect(globals).toEqual({ bridge: 'object', require: 'undefined', process: 'undefined' });
    const info = await page.evaluate(() =>
      (globalThis as unknown as { dutydesk: { getAppInfo(): Promise<unknown> } }).dutydesk.getAppInfo(),
    );
    expect(info).toMatchObject({ ok: true, value: { mode: 'desktop', demo: true } });
  });

  test('denies window.open, handing web links to the browser and dropping the rest', async () => {
    // Record instead of opening the machine's browser.
    await app.evaluate(({ shell }) => {
      const opened: string[] = [];
      (globalThis as unknown as { openedExternally: string[] }).openedExternally = opened;
      shell.openExternal = (url) => {
        opened.push(url);
        return Promise.resolve();
      };
    });
    const results = await page.evaluate(() =>
      ['https://example.com/', 'file:///etc/passwd', 'javascript:alert(1)'].map(
        (url) => window.open(url) === null,
      ),
    );
    expect(results).toEqual([true, true, true]);
    expect(app.windows()).toHaveLength(1);
    const opened = await app.evaluate(
      () => (globalThis as unknown as { openedExternally: string[] }).openedExternally,
    );
    expect(opened).toEqual(['https://example.com/']);
  });

  test('stays on the app when the page tries to navigate away', async () => {
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await expect(page.getByText('红色预警').first()).toBeVisible();
    expect(page.url()).toBe('app://dutydesk/index.html');
  });

  test('serves nothing outside the built renderer', async () => {
    const status = await page.evaluate(
      async () => (await fetch('app://dutydesk/..%2f..%2fpackage.json')).status,
    );
    expect(status).toBe(404);
  });
});
