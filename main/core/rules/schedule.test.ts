import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordingLogger } from '../testing/recording-logger';
import { shippedRulesConfig } from './config';
import type { TickReport } from './engine';
import { startRulesSchedule, type RulesSchedule } from './schedule';

const shanghai = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number =>
  Date.UTC(year, month - 1, day, hour - 8, minute, second);

const report = (): TickReport => ({
  at: 0,
  dataAsOf: null,
  raised: 0,
  escalated: 0,
  resolved: 0,
  snoozesEnded: 0,
  followed: 0,
  documentsChecked: 0,
  backlog: false,
  durationMs: 0,
});

let schedule: RulesSchedule | undefined;
afterEach(() => {
  schedule?.stop();
  schedule = undefined;
  vi.useRealTimers();
});

describe('startRulesSchedule', () => {
  it('ticks at once (catching up what fell due while closed), then on every interval, until stopped', () => {
    vi.useFakeTimers({ now: shanghai(2026, 9, 15, 10) });
    const tick = vi.fn(report);
    const onTick = vi.fn();
    schedule = startRulesSchedule({ tick }, shippedRulesConfig(), {
      tickIntervalMs: 5_000,
      logger: recordingLogger(),
      onTick,
    });
    expect(tick).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(15_000);
    expect(tick).toHaveBeenCalledTimes(4);
    expect(onTick).toHaveBeenCalledTimes(4);
    schedule.stop();
    vi.advanceTimersByTime(15_000);
    expect(tick).toHaveBeenCalledTimes(4);
  });

  it('ticks on demand (new data), logging a failed tick rather than throwing it at the caller, not after stop', () => {
    vi.useFakeTimers({ now: shanghai(2026, 9, 15, 10) });
    let busy = false;
    const tick = vi.fn(() => {
      if (busy) throw new Error('database is locked');
      return report();
    });
    const onTick = vi.fn();
    const log = recordingLogger();
    schedule = startRulesSchedule({ tick }, shippedRulesConfig(), {
      tickIntervalMs: 5_000,
      logger: log,
      onTick,
    });
    schedule.tickNow('sync');
    expect(tick).toHaveBeenCalledTimes(2);
    expect(onTick).toHaveBeenCalledTimes(2);
    busy = true;
    expect(() => schedule?.tickNow('sync')).not.toThrow();
    expect(log.lines).toContain('error rules: tick (sync) failed');
    expect(onTick).toHaveBeenCalledTimes(2);
    busy = false;
    schedule.stop();
    schedule.tickNow('sync');
    expect(tick).toHaveBeenCalledTimes(3);
  });

  it('schedules one cron task per enabled calendar rule in the platform time zone', () => {
    vi.useFakeTimers({ now: shanghai(2026, 9, 15, 10) });
    const config = shippedRulesConfig();
    const withoutMeeting = {
      ...config,
      rules: { ...config.rules, 'weekly-meeting': { ...config.rules['weekly-meeting'], enabled: false } },
    };
    schedule = startRulesSchedule({ tick: report }, withoutMeeting, {
      tickIntervalMs: 5_000,
      logger: recordingLogger(),
    });
    expect([...schedule.cronTasks.keys()].sort()).toEqual(
      [
        'annual-elements',
        'annual-manual',
        'annual-roster',
        'monthly-report',
        'period-outlook',
        'weekly-report',
      ].sort(),
    );
    // Friday 18 September, 09:00 in Shanghai, whatever this machine's zone.
    expect(schedule.cronTasks.get('weekly-report')?.getNextRun()?.getTime()).toBe(shanghai(2026, 9, 18, 9));
  });

  it('wakes the engine when a calendar duty falls due, between interval ticks', async () => {
    vi.useFakeTimers({ now: shanghai(2026, 9, 18, 8, 59, 50) });
    const tick = vi.fn(report);
    schedule = startRulesSchedule({ tick }, shippedRulesConfig(), {
      tickIntervalMs: 3_600_000,
      logger: recordingLogger(),
    });
    expect(tick).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(tick).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10_000);
    // 09:00 on a Friday: the weekly report's task and the outlook's daily wake-up both fire.
    expect(tick).toHaveBeenCalledTimes(3);
  });

  it('works off a backlog tick after tick without waiting for the interval', () => {
    vi.useFakeTimers({ now: shanghai(2026, 9, 15, 10) });
    let left = 3;
    const tick = vi.fn((): TickReport => ({ ...report(), backlog: (left -= 1) > 0 }));
    schedule = startRulesSchedule({ tick }, shippedRulesConfig(), {
      tickIntervalMs: 60_000,
      logger: recordingLogger(),
    });
    vi.advanceTimersByTime(10);
    expect(tick).toHaveBeenCalledTimes(3);
    vi.advanceTimersByTime(10);
    expect(tick).toHaveBeenCalledTimes(3);
  });

  it('logs a failing tick and keeps going', () => {
    vi.useFakeTimers({ now: shanghai(2026, 9, 15, 10) });
    const log = recordingLogger();
    const tick = vi.fn((): TickReport => {
      throw new Error('disk full');
    });
    schedule = startRulesSchedule({ tick }, shippedRulesConfig(), { tickIntervalMs: 5_000, logger: log });
    vi.advanceTimersByTime(5_000);
    expect(tick).toHaveBeenCalledTimes(2);
    expect(log.lines).toEqual(['error rules: tick (start) failed', 'error rules: tick (interval) failed']);
  });

  it('says when it resumes after the machine slept', () => {
    vi.useFakeTimers({ now: shanghai(2026, 9, 15, 10) });
    const log = recordingLogger();
    let mono = 0;
    schedule = startRulesSchedule({ tick: report }, shippedRulesConfig(), {
      tickIntervalMs: 5_000,
      logger: log,
      monoNow: () => mono,
    });
    mono = 2 * 3_600_000;
    vi.advanceTimersByTime(5_000);
    expect(log.lines).toContain('info rules: resumed after 7200 s without ticking; catching up');
  });
});
