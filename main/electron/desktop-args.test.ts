import { describe, expect, it } from 'vitest';
import { parseDesktopArgs } from './desktop-args';

describe('parseDesktopArgs', () => {
  it('defaults to the userData folder, no demo, no central URL', () => {
    expect(parseDesktopArgs([])).toEqual({
      dataDir: undefined,
      demo: false,
      demoSeed: 1,
      centralUrl: undefined,
    });
  });

  it("reads DutyDesk's flags among the app path and Chromium's or Playwright's switches", () => {
    const argv = [
      '.',
      '--inspect=0',
      '--remote-debugging-port=0',
      '--no-sandbox',
      '--demo',
      '--data-dir=/tmp/d',
    ];
    expect(parseDesktopArgs(argv)).toEqual({
      dataDir: '/tmp/d',
      demo: true,
      demoSeed: 1,
      centralUrl: undefined,
    });
    expect(
      parseDesktopArgs(['--central-url', 'https://platform.example/api', '--data-dir', 'D:\\duty']),
    ).toEqual({
      dataDir: 'D:\\duty',
      demo: false,
      demoSeed: 1,
      centralUrl: 'https://platform.example/api',
    });
    expect(parseDesktopArgs(['--demo', '--demo-seed=42']).demoSeed).toBe(42);
  });

  it('refuses what cannot be meant', () => {
    expect(() => parseDesktopArgs(['--demo', '--central-url=http://x'])).toThrow(/cannot be used together/);
    expect(() => parseDesktopArgs(['--data-dir'])).toThrow('--data-dir needs a value');
    expect(() => parseDesktopArgs(['--data-dir='])).toThrow('--data-dir needs a value');
    expect(() => parseDesktopArgs(['--demo-seed=-1'])).toThrow('--demo-seed must be a whole number');
    expect(() => parseDesktopArgs(['--demo-seed=1.5'])).toThrow('--demo-seed must be a whole number');
    expect(() => parseDesktopArgs(['--demo-seed=99999999999'])).toThrow('--demo-seed must be a whole number');
  });
});
