import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appArgs,
  browserCandidates,
  browserPlan,
  downloadProbeUrl,
  ELECTRON_DEFAULT_MIRROR,
  electronArgs,
  appProcessEnv,
  electronEnv,
  electronExecutable,
  electronMirror,
  exitCodeOf,
  hasDisplay,
  readyUrl,
  runtimeMissingMessage,
  startDecision,
} from './start-plan';

const electronDir = path.join('/repo', 'node_modules', 'electron');
const linuxDesktop = { platform: 'linux', env: { DISPLAY: ':0' }, isRoot: false } as const;

function files(entries: Record<string, string>) {
  return {
    exists: (file: string) => Object.hasOwn(entries, file),
    readText: (file: string) => entries[file] ?? '',
  };
}

describe('electronExecutable', () => {
  it('finds the runtime where electron/index.js would, and never assumes it', () => {
    const installed = files({
      [path.join(electronDir, 'path.txt')]: 'electron',
      [path.join(electronDir, 'dist', 'electron')]: '',
    });
    expect(electronExecutable({ electronDir, env: {}, ...installed })).toBe(
      path.join(electronDir, 'dist', 'electron'),
    );
    expect(electronExecutable({ electronDir, env: {}, ...files({}) })).toBeNull();
    // path.txt left behind by an interrupted install, without the binary.
    const halfInstalled = files({ [path.join(electronDir, 'path.txt')]: 'electron' });
    expect(electronExecutable({ electronDir, env: {}, ...halfInstalled })).toBeNull();
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH', () => {
    const env = { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' };
    const present = files({ [path.join('/opt/electron', 'electron')]: '' });
    expect(electronExecutable({ electronDir, env, ...present })).toBe(path.join('/opt/electron', 'electron'));
    expect(electronExecutable({ electronDir, env, ...files({}) })).toBeNull();
  });
});

describe('the download mirror', () => {
  it('is read like @electron/get reads it, .npmrc first', () => {
    expect(electronMirror({})).toBe(ELECTRON_DEFAULT_MIRROR);
    expect(electronMirror({ ELECTRON_MIRROR: 'https://npmmirror.com/mirrors/electron/' })).toBe(
      'https://npmmirror.com/mirrors/electron/',
    );
    expect(electronMirror({ ELECTRON_MIRROR: 'https://a/', npm_config_electron_mirror: 'https://b/' })).toBe(
      'https://b/',
    );
  });

  it('is probed before downloading, except behind the proxy @electron/get uses', () => {
    expect(downloadProbeUrl({})).toBe(ELECTRON_DEFAULT_MIRROR);
    expect(downloadProbeUrl({ ELECTRON_GET_USE_PROXY: 'true', HTTPS_PROXY: 'http://proxy:3128' })).toBeNull();
  });

  it('is named in the one fall-back sentence', () => {
    expect(runtimeMissingMessage({})).toBe(
      "Electron's desktop runtime is not installed and could not be downloaded (set ELECTRON_MIRROR to a reachable mirror to use the desktop window); starting browser mode instead.",
    );
    const withMirror = runtimeMissingMessage({ ELECTRON_MIRROR: 'https://mirror.example/electron/' });
    expect(withMirror).toContain('from https://mirror.example/electron/');
    expect(withMirror).toContain('ELECTRON_CUSTOM_DIR');
    for (const message of [runtimeMissingMessage({}), withMirror]) {
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toMatch(/; starting browser mode instead\.$/);
    }
  });
});

describe('arguments', () => {
  it('starts the demo unless a central platform is named', () => {
    expect(appArgs([])).toEqual(['--demo']);
    expect(appArgs(['--port', '8400'])).toEqual(['--demo', '--port', '8400']);
    expect(appArgs(['--central-url', 'https://central.example.gov.cn'])).toEqual([
      '--central-url',
      'https://central.example.gov.cn',
    ]);
    expect(appArgs(['--central-url=https://c'])).toEqual(['--central-url=https://c']);
    expect(appArgs(['--demo', '--demo-seed', '7'])).toEqual(['--demo', '--demo-seed', '7']);
  });

  it('launches `electron .` with the same flags, without the Chromium sandbox only as root on Linux', () => {
    expect(electronArgs([], { platform: 'linux', isRoot: false })).toEqual(['.', '--demo']);
    expect(electronArgs(['--data-dir=/d'], { platform: 'linux', isRoot: true })).toEqual([
      '.',
      '--no-sandbox',
      '--demo',
      '--data-dir=/d',
    ]);
    expect(electronArgs([], { platform: 'darwin', isRoot: true })).toEqual(['.', '--demo']);
  });

  it('keeps ELECTRON_RUN_AS_NODE away from the Electron child', () => {
    expect(electronEnv({ ELECTRON_RUN_AS_NODE: '1', PATH: '/bin', UNSET: undefined }, 'darwin')).toEqual({
      PATH: '/bin',
    });
  });

  it('caps glibc malloc arenas on Linux unless the operator set them', () => {
    expect(appProcessEnv({ PATH: '/bin' }, 'linux')).toEqual({ PATH: '/bin', MALLOC_ARENA_MAX: '2' });
    expect(appProcessEnv({ MALLOC_ARENA_MAX: '8' }, 'linux')).toEqual({ MALLOC_ARENA_MAX: '8' });
    expect(appProcessEnv({ PATH: 'C:\\bin' }, 'win32')).toEqual({ PATH: 'C:\\bin' });
    expect(electronEnv({ ELECTRON_RUN_AS_NODE: '1' }, 'linux')).toEqual({ MALLOC_ARENA_MAX: '2' });
  });
});

describe('startDecision', () => {
  it('opens the desktop window where the runtime and a display exist', () => {
    expect(startDecision({ electronPath: '/e/electron', userArgs: [], ...linuxDesktop })).toEqual({
      mode: 'electron',
      command: '/e/electron',
      args: ['.', '--demo'],
      env: { DISPLAY: ':0', MALLOC_ARENA_MAX: '2' },
    });
    expect(
      startDecision({
        electronPath: 'C:\\e\\electron.exe',
        userArgs: [],
        platform: 'win32',
        env: {},
        isRoot: false,
      }),
    ).toMatchObject({ mode: 'electron' });
  });

  it('falls back to browser mode with one sentence saying why', () => {
    expect(startDecision({ electronPath: null, userArgs: [], ...linuxDesktop })).toEqual({
      mode: 'browser',
      message: runtimeMissingMessage(linuxDesktop.env),
    });
    const headless = startDecision({
      electronPath: '/e/electron',
      userArgs: [],
      platform: 'linux',
      env: {},
      isRoot: false,
    });
    expect(headless).toMatchObject({
      mode: 'browser',
      message: expect.stringMatching(/no display/) as string,
    });
  });
});

describe('browser mode', () => {
  it("finds the URL in browser mode's ready line", () => {
    const line = 'DutyDesk ready at http://127.0.0.1:41234/?token=abc_DEF-123\n';
    expect(readyUrl(`[warn] something\n${line}`)).toBe('http://127.0.0.1:41234/?token=abc_DEF-123');
    expect(readyUrl('DutyDesk ready at http://127.0.0.1:41')).toBeNull();
    expect(readyUrl('DutyDesk ready at http://evil.example/?token=x')).toBeNull();
  });

  it('knows when there is a display', () => {
    expect(hasDisplay('linux', {})).toBe(false);
    expect(hasDisplay('linux', { DISPLAY: ':99' })).toBe(true);
    expect(hasDisplay('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
    expect(hasDisplay('darwin', {})).toBe(true);
    expect(hasDisplay('win32', {})).toBe(true);
  });

  const url = 'http://127.0.0.1:4000/?token=t';

  it('opens nothing without a display', () => {
    expect(browserPlan({ url, platform: 'linux', env: {}, isRoot: false, exists: () => true })).toEqual({
      kind: 'none',
    });
  });

  it('opens the first installed Chromium in an app window, $DUTYDESK_CHROMIUM first', () => {
    const exists = (file: string) => file === '/usr/bin/chromium';
    expect(browserPlan({ url, ...linuxDesktop, exists })).toEqual({
      kind: 'open',
      command: '/usr/bin/chromium',
      args: [`--app=${url}`, '--no-first-run'],
    });
    expect(browserPlan({ url, ...linuxDesktop, isRoot: true, exists })).toMatchObject({
      args: [`--app=${url}`, '--no-first-run', '--no-sandbox'],
    });
    const env = { DISPLAY: ':0', DUTYDESK_CHROMIUM: '/opt/chrome/chrome' };
    expect(browserCandidates('linux', env)[0]).toBe('/opt/chrome/chrome');
  });

  it('says the URL is printed above when no browser is found, instead of failing', () => {
    const result = browserPlan({ url, ...linuxDesktop, exists: () => false });
    expect(result).toEqual({
      kind: 'message',
      message: expect.stringContaining('open the URL printed above') as string,
    });
  });

  it('looks for Chrome, Chromium and Edge where Windows and macOS install them', () => {
    const windows = browserCandidates('win32', {
      LOCALAPPDATA: 'C:\\Users\\op\\AppData\\Local',
      PROGRAMFILES: 'C:\\Program Files',
    });
    expect(windows).toContain('C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe');
    expect(windows).toContain('C:\\Users\\op\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe');
    expect(windows).toContain('C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe');
    expect(browserCandidates('darwin', {})).toContain(
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    );
  });
});

describe('exitCodeOf', () => {
  it("reports the child's code, or 128 + the signal that ended it", () => {
    expect(exitCodeOf(0, null, os.constants.signals)).toBe(0);
    expect(exitCodeOf(3, null, os.constants.signals)).toBe(3);
    expect(exitCodeOf(null, 'SIGTERM', os.constants.signals)).toBe(128 + os.constants.signals.SIGTERM);
    expect(exitCodeOf(null, null, os.constants.signals)).toBe(1);
  });
});
