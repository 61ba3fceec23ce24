import { parseArgs } from 'node:util';

export interface DesktopArgs {
  /** --data-dir; undefined means Electron's userData folder (the same folder browser mode uses). */
  dataDir: string | undefined;
  /** --demo: start the reference central server with a generated district and connect to it. */
  demo: boolean;
  demoSeed: number;
  centralUrl: string | undefined;
}

/**
 * Reads DutyDesk's flags from the desktop app's command line (`electron . --demo`, `DutyDesk --data-dir=D:\duty`).
 * Tolerant on purpose, unlike browser mode's parser: the same argv carries the app path and Chromium's or
 * Playwright's own switches (--no-sandbox, --inspect=0, --remote-debugging-port=0), which are not ours to refuse.
 * Throws one sentence naming our flag at fault.
 */
export function parseDesktopArgs(argv: readonly string[]): DesktopArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: false,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      demo: { type: 'boolean' },
      'demo-seed': { type: 'string' },
      'central-url': { type: 'string' },
    },
  });
  const text = (name: string): string | undefined => {
    const value = values[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '')
      throw new Error(`--${name} needs a value, as in --${name}=<value>`);
    return value;
  };
  const dataDir = text('data-dir');
  const centralUrl = text('central-url');
  const seedText = text('demo-seed');
  const demo = values.demo === true;
  if (demo && centralUrl !== undefined) {
    throw new Error(
      '--demo and --central-url cannot be used together: the demo brings its own central server',
    );
  }
  let demoSeed = 1;
  if (seedText !== undefined) {
    demoSeed = Number(seedText);
    if (!/^\d+$/.test(seedText) || demoSeed > 2 ** 31 - 1) {
      throw new Error(`--demo-seed must be a whole number between 0 and ${2 ** 31 - 1}, got "${seedText}"`);
    }
  }
  return { dataDir, demo, demoSeed, centralUrl };
}
