import { parseArgs } from 'node:util';

export interface ServeArgs {
  port: number;
  dataDir: string | undefined;
  demo: boolean;
  demoSeed: number;
  centralUrl: string | undefined;
  help: boolean;
}

export const SERVE_USAGE = `Usage: npm run serve -- [options]

  --port <n>          port on 127.0.0.1 (default: a free port)
  --data-dir <dir>    data directory (default: the platform's application-data folder)
  --demo              start the reference central server with a generated district and connect to it
  --demo-seed <n>     seed of the demo district (default 1)
  --central-url <url> base URL of the central platform's API (overrides config.json)
  --help              this text`;

function integerFlag(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number, got "${value}"`);
  const number = Number(value);
  if (number < min || number > max)
    throw new Error(`${name} must be between ${min} and ${max}, got ${number}`);
  return number;
}

/** Parses the browser-mode command line; throws one sentence naming the flag at fault. */
export function parseServeArgs(argv: readonly string[]): ServeArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        demo: { type: 'boolean', default: false },
        'demo-seed': { type: 'string' },
        'central-url': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n\n${SERVE_USAGE}`, { cause: error });
  }
  const { values } = parsed;
  if (values.demo && values['central-url'] !== undefined) {
    throw new Error(
      '--demo and --central-url cannot be used together: the demo brings its own central server',
    );
  }
  return {
    port: integerFlag(values.port, '--port', 0, 65535, 0),
    dataDir: values['data-dir'],
    demo: values.demo,
    demoSeed: integerFlag(values['demo-seed'], '--demo-seed', 0, 2 ** 31 - 1, 1),
    centralUrl: values['central-url'],
    help: values.help,
  };
}
