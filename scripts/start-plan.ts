// The decisions behind `npm start` (scripts/start.mjs), as pure functions of plain data so that
// scripts/start-plan.test.ts proves them: which runtime, which arguments, which browser, which message.
// start.mjs loads this file through esbuild's transform (see there), so it may import Node built-ins only.
import path from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

export interface HostFacts {
  platform: NodeJS.Platform;
  isRoot: boolean;
}

/** Where @electron/get downloads from when no mirror is set (node_modules/@electron/get/dist/artifact-utils.js). */
export const ELECTRON_DEFAULT_MIRROR = 'https://github.com/electron/electron/releases/download/';

/** A mirror that does not answer within this time is taken as unreachable, so an offline start does not wait. */
export const DOWNLOAD_PROBE_TIMEOUT_MS = 5_000;

/** Electron's zip is about 100 MB: enough for a slow link, bounded for a stalled one. */
export const INSTALL_TIMEOUT_MS = 10 * 60_000;

/**
 * The download mirror, read the way @electron/get reads it (.npmrc's electron_mirror, then ELECTRON_MIRROR).
 * ELECTRON_CUSTOM_DIR (for example `{{ version }}` on npmmirror.com) is read by @electron/get itself.
 */
export function electronMirror(env: Env): string {
  return (
    env.npm_config_electron_mirror ||
    env.NPM_CONFIG_ELECTRON_MIRROR ||
    env.npm_package_config_electron_mirror ||
    env.ELECTRON_MIRROR ||
    ELECTRON_DEFAULT_MIRROR
  );
}

/**
 * The URL to probe before downloading, or null to skip the probe: behind the proxy @electron/get uses
 * (ELECTRON_GET_USE_PROXY), a direct probe would fail where the download succeeds.
 */
export function downloadProbeUrl(env: Env): string | null {
  return env.ELECTRON_GET_USE_PROXY ? null : electronMirror(env);
}

/** The one sentence `npm start` prints when it falls back to browser mode. */
export function runtimeMissingMessage(env: Env): string {
  const mirror = electronMirror(env);
  const where =
    mirror === ELECTRON_DEFAULT_MIRROR
      ? '(set ELECTRON_MIRROR to a reachable mirror to use the desktop window)'
      : `from ${mirror} (check ELECTRON_MIRROR and ELECTRON_CUSTOM_DIR to use the desktop window)`;
  return `Electron's desktop runtime is not installed and could not be downloaded ${where}; starting browser mode instead.`;
}

/**
 * The Electron executable, found the way node_modules/electron/index.js finds it (path.txt, then dist/,
 * or ELECTRON_OVERRIDE_DIST_PATH), or null when it is not there. Unlike index.js it never downloads.
 */
export function electronExecutable(options: {
  electronDir: string;
  env: Env;
  exists: (file: string) => boolean;
  readText: (file: string) => string;
}): string | null {
  const { electronDir, env, exists, readText } = options;
  const pathFile = path.join(electronDir, 'path.txt');
  const relative = exists(pathFile) ? readText(pathFile).trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const overridden = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
    return exists(overridden) ? overridden : null;
  }
  if (relative === '') return null;
  const executable = path.join(electronDir, 'dist', relative);
  return exists(executable) ? executable : null;
}

function hasFlag(args: readonly string[], name: string): boolean {
  return args.some((arg) => arg === name || arg.startsWith(`${name}=`));
}

/** `npm start` runs the demo unless the operator names a platform (--central-url) or asks for --demo already. */
export function appArgs(userArgs: readonly string[]): string[] {
  return hasFlag(userArgs, '--central-url') || hasFlag(userArgs, '--demo')
    ? [...userArgs]
    : ['--demo', ...userArgs];
}

/**
 * Chromium refuses to start as root on Linux unless its own sandbox is off (https://crbug.com/638180,
 * https://github.com/electron/electron/issues/26828); root is how containers and CI machines run.
 */
function rootSandboxArgs({ platform, isRoot }: HostFacts): string[] {
  return platform === 'linux' && isRoot ? ['--no-sandbox'] : [];
}

/** `electron . <flags>`, the same flags browser mode gets. */
export function electronArgs(userArgs: readonly string[], host: HostFacts): string[] {
  return ['.', ...rootSandboxArgs(host), ...appArgs(userArgs)];
}

/** The environment of the Electron child: ELECTRON_RUN_AS_NODE would turn it into a plain Node and ignore the app. */
export function electronEnv(env: Env, platform: NodeJS.Platform = process.platform): Record<string, string> {
  const result = appProcessEnv(env, platform);
  delete result.ELECTRON_RUN_AS_NODE;
  return result;
}

/**
 * The environment the app's process starts with. On Linux, glibc gives every thread its own malloc arena
 * and keeps freed memory in each: with the sync worker writing a large initial sync that held about 90 MB
 * more resident memory (bench/sync.ts: 286 MB against 201 MB at 30,000 alerts). Two arenas are plenty.
 */
export function appProcessEnv(env: Env, platform: NodeJS.Platform): Record<string, string> {
  const entries = Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined);
  const result = Object.fromEntries(entries);
  if (platform === 'linux' && result.MALLOC_ARENA_MAX === undefined) result.MALLOC_ARENA_MAX = '2';
  return result;
}

const READY_LINE = /DutyDesk ready at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/;

/** The URL in browser mode's `DutyDesk ready at <url>` line, or null when the text has none. */
export function readyUrl(text: string): string | null {
  return READY_LINE.exec(text)?.[1] ?? null;
}

export function hasDisplay(platform: NodeJS.Platform, env: Env): boolean {
  return platform === 'darwin' || platform === 'win32' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** Chromium-family browsers that open an `--app` window, most likely first; $DUTYDESK_CHROMIUM wins. */
export function browserCandidates(platform: NodeJS.Platform, env: Env): string[] {
  const preferred = env.DUTYDESK_CHROMIUM ? [env.DUTYDESK_CHROMIUM] : [];
  if (platform === 'darwin') {
    return [
      ...preferred,
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    ];
  }
  if (platform === 'win32') {
    const roots = [env.LOCALAPPDATA, env.PROGRAMFILES, env['PROGRAMFILES(X86)']].filter(
      (root): root is string => root !== undefined && root !== '',
    );
    return [
      ...preferred,
      ...roots.map((root) => path.win32.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe')),
      ...roots.map((root) => path.win32.join(root, 'Chromium', 'Application', 'chrome.exe')),
      // Edge is on every Windows 10/11 machine and is Chromium, --app included.
      ...roots.map((root) => path.win32.join(root, 'Microsoft', 'Edge', 'Application', 'msedge.exe')),
    ];
  }
  return [
    ...preferred,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
    '/usr/bin/microsoft-edge',
  ];
}

export type BrowserPlan =
  { kind: 'none' } | { kind: 'message'; message: string } | { kind: 'open'; command: string; args: string[] };

/**
 * What to do with browser mode's URL: nothing without a display (the printed URL is the instruction),
 * open it in an `--app` window of the first browser found, or say that none was found.
 */
export function browserPlan(options: {
  url: string;
  platform: NodeJS.Platform;
  env: Env;
  isRoot: boolean;
  exists: (file: string) => boolean;
}): BrowserPlan {
  const { url, platform, env, isRoot, exists } = options;
  if (!hasDisplay(platform, env)) return { kind: 'none' };
  const browser = browserCandidates(platform, env).find((candidate) => exists(candidate));
  if (browser === undefined) {
    return {
      kind: 'message',
      message: 'No Chromium or Chrome was found to open DutyDesk in: open the URL printed above.',
    };
  }
  return {
    kind: 'open',
    command: browser,
    args: [`--app=${url}`, '--no-first-run', ...rootSandboxArgs({ platform, isRoot })],
  };
}

export type StartDecision =
  { mode: 'browser'; message: string } | { mode: 'electron'; command: string; args: string[]; env: Env };

/**
 * Desktop window or browser mode, and the one sentence explaining a fall-back. `electronPath` is null when
 * the runtime is absent even after the download attempt.
 */
export function startDecision(options: {
  electronPath: string | null;
  userArgs: readonly string[];
  platform: NodeJS.Platform;
  env: Env;
  isRoot: boolean;
}): StartDecision {
  const { electronPath, userArgs, platform, env, isRoot } = options;
  if (electronPath === null) return { mode: 'browser', message: runtimeMissingMessage(env) };
  if (!hasDisplay(platform, env)) {
    return {
      mode: 'browser',
      message:
        'There is no display for the desktop window (DISPLAY and WAYLAND_DISPLAY are unset); starting browser mode instead.',
    };
  }
  return {
    mode: 'electron',
    command: electronPath,
    args: electronArgs(userArgs, { platform, isRoot }),
    env: electronEnv(env, platform),
  };
}

/** The exit code that reports how a child ended: its own code, or 128 + the signal's number. */
export function exitCodeOf(
  code: number | null,
  signal: NodeJS.Signals | null,
  signalNumbers: Readonly<Partial<Record<string, number>>>,
): number {
  if (code !== null) return code;
  const number = signal === null ? undefined : signalNumbers[signal];
  return number === undefined ? 1 : 128 + number;
}
