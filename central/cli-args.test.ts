import { describe, expect, it } from 'vitest';
import { parseCentralArgs } from './cli-args';

describe('the central command line', () => {
  it('reads every flag', () => {
    expect(
      parseCentralArgs([
        '--port',
        '8787',
        '--seed',
        '42',
        '--alerts',
        '1000000',
        '--history-days',
        '30',
        '--data-dir',
        '/tmp/central',
        '--test-admin',
        '--start-time',
        '2025-07-10T02:00:00Z',
        '--freeze-clock',
        '--faults',
        'latencyMs=250,serverErrorRate=0.2,operations=changes+mutations',
      ]),
    ).toEqual({
      port: 8787,
      seed: 42,
      alerts: 1_000_000,
      historyDays: 30,
      dataDir: '/tmp/central',
      testAdmin: true,
      startTime: '2025-07-10T02:00:00Z',
      freezeClock: true,
      faults: { latencyMs: 250, serverErrorRate: 0.2, operations: ['changes', 'mutations'] },
    });
  });

  it('defaults to a free port, seed 1 and no admin API', () => {
    expect(parseCentralArgs([])).toMatchObject({ port: 0, seed: 1, testAdmin: false, alerts: undefined });
  });

  it('says which flag is wrong', () => {
    expect(() => parseCentralArgs(['--port', 'eighty'])).toThrow(/--port must be a whole number/);
    expect(() => parseCentralArgs(['--start-time', 'yesterday'])).toThrow(/--start-time/);
    expect(() => parseCentralArgs(['--faults', 'stallEvents=maybe'])).toThrow(/stallEvents/);
    expect(() => parseCentralArgs(['--colour'])).toThrow();
    expect(parseCentralArgs(['--help'])).toBe('help');
  });
});
