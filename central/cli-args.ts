/** The central server's command line (see cli.ts). */
import { parseArgs } from 'node:util';
import { parseFaultFlag } from './faults';
import type { CentralOptions } from './server';

export const CENTRAL_USAGE = `usage: central --port <p> --seed <n> [options]
  --port <p>            port to listen on (0 picks a free one; default 0)
  --seed <n>            seed of the simulated district (default 1)
  --alerts <n>          total alerts in the generated history (a large district; default about 360 a day)
  --history-days <d>    days of generated history (default 90)
  --data-dir <dir>      keep the SQLite file here and resume it next time (default: a temporary directory)
  --test-admin          serve /api/v1/admin/* (clock, generation, faults, injected alerts)
  --start-time <iso>    the simulated "now" at start (regenerates the district)
  --freeze-clock        the simulated clock moves only through the admin API
  --faults <list>       faults on from the start, e.g. latencyMs=300,serverErrorRate=0.1,operations=changes+time`;

export function parseCentralArgs(argv: string[]): CentralOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string', default: '0' },
      seed: { type: 'string', default: '1' },
      alerts: { type: 'string' },
      'history-days': { type: 'string' },
      'data-dir': { type: 'string' },
      'test-admin': { type: 'boolean', default: false },
      'start-time': { type: 'string' },
      'freeze-clock': { type: 'boolean', default: false },
      faults: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const whole = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    if (!/^-?\d+$/.test(text)) throw new Error(`--${flag} must be a whole number, got "${text}"`);
    return Number(text);
  };
  const startTime = values['start-time'];
  if (startTime !== undefined && Number.isNaN(Date.parse(startTime))) {
    throw new Error(`--start-time must be an ISO date-time, got "${startTime}"`);
  }
  return {
    port: whole('port', values.port) ?? 0,
    seed: whole('seed', values.seed) ?? 1,
    alerts: whole('alerts', values.alerts),
    historyDays: whole('history-days', values['history-days']),
    dataDir: values['data-dir'],
    testAdmin: values['test-admin'],
    startTime,
    freezeClock: values['freeze-clock'],
    faults: values.faults === undefined ? undefined : parseFaultFlag(values.faults),
  };
}
