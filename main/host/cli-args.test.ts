import { describe, expect, it } from 'vitest';
import { parseServeArgs } from './cli-args';

describe('parseServeArgs', () => {
  it('defaults to a free port, no demo', () => {
    expect(parseServeArgs([])).toEqual({
      port: 0,
      dataDir: undefined,
      demo: false,
      demoSeed: 1,
      centralUrl: undefined,
      help: false,
    });
  });

  it('reads every flag', () => {
    expect(
      parseServeArgs(['--port', '8123', '--data-dir', '/d', '--demo', '--demo-seed', '7']),
    ).toMatchObject({
      port: 8123,
      dataDir: '/d',
      demo: true,
      demoSeed: 7,
    });
  });

  it('names the flag at fault', () => {
    expect(() => parseServeArgs(['--port', 'eighty'])).toThrow(/--port must be a whole number/);
    expect(() => parseServeArgs(['--port', '70000'])).toThrow(/--port must be between 0 and 65535/);
    expect(() => parseServeArgs(['--prot', '1'])).toThrow(/--prot/);
    expect(() => parseServeArgs(['--demo', '--central-url', 'http://x'])).toThrow(/cannot be used together/);
  });
});
