import fs from 'node:fs';
import os from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordingLogger } from '../testing/recording-logger';
import { shippedRulesConfig } from './config';
import { emptyTickReport, type TickInSteps, type TickInStepsOptions, type TickReport } from './engine';
import { DEFAULT_STEP_SLICE_MS, startRulesSchedule, type RulesSchedule } from './schedule';

const shanghai = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number =>
  Date.UTC(year, month - 1, day, hour - 8, minute, second);

const report = (): TickReport => emptyTickReport(0);

/**
 * An engine whose ticks take two steps (as the real one's), recording each step; `tick` makes each tick's report
 * (it may throw, as a step that finds the cache busy does).
 */
function steppedEngine(
  tick: () => TickReport = report,
  onStep: (step: string) => void = () => undefined,
): {
  startTick: (options?: TickInStepsOptions) => TickInSteps;
  slices: (number | undefined)[];
  ticks: ReturnType<typeof vi.fn>;
  steps: string[];
} {
  const ticks = vi.fn(tick);
  const steps: string[] = [];
  const slices: (number | undefined)[] = [];
  let serial = 0;
  return {
    ticks,
    steps,
    slices,
    startTick(options) {
      slices.push(options?.sliceMs);
      serial += 1;
      const id = serial;
      let next = 0;
      return {
        step() {
          next += 1;
          steps.push(`${id}.${next}`);
          onStep(`${id}.${next}`);
          return next === 2 ? ticks() : null;
        },
      };
    },
  };
}

let schedule: RulesSchedule | undefined;
afterEach(() => {
  schedule?.stop();
  schedule = undefined;
  vi.useRealTimers();
});

/**
 * Advances the fake clock, then runs what fell due at its end. A step waits for the event loop (two fake
 * immediates, the one set from the other), and fake-timers runs an immediate set at the current instant only once
 * the clock moves on: hence a few more milliseconds, one at a time.
 */
async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  for (let moves = 0; moves < 20; moves += 1) await vi.advanceTimersByTimeAsync(1);
}

describe('startRulesSchedule', () => {
  it('ticks at once (catching up what fell due while closed), then on every interval, until stopped', async () => {
    vi.useFakeTimers({ now: shanghai(2026, 9, 15, 10) });
    const engine = steppedEngine();
    const onTick = vi.fn();
    schedule = startRulesSchedule(engine, shippedRulesConfig(), {
      tickIntervalMs: 5_000,
      logger: recordingLogger(),
      onTick,
    });
    await advance(0);
    expect(engine.ticks).toHaveBeenCalledTimes(1);
    await advance(15_000);
    expect(engine.ticks).toHaveBeenCalledTimes(4);
    expect(onTick).toHaveBeenCalledTimes(4);
    schedule.stop();
    await advance(15_000);
    expect(engine.ticks).toHaveBeenCalledTimes(4);
  });

  it('runs one tick at a time: one asked for while a tick runs follows it', async () => {
    vi.useFakeTimers({ now: shanghai(2026, 9, 15, 10) });
    const engine = steppedEngine();
    schedule = startRulesSchedule(engine, shippedRulesConfig(), {
      tickIntervalMs: 60_000,
      logger: recordingLogger(),
    });
    // Even the first step waits for the event loop.
    expect(engine.steps).toEqual([]);
    // Asked for twice while the first tick runs: one more tick follows it, not two, and never overlapping.
    schedule.tickNow('sync');
    schedule.tickNow('sync');
    await advance(0);
    expect(engine.steps).toEqual(['1.1', '1.2', '2.1', '2.2']);
    // Each tick's steps are bounded in time.
    expect(engine.slices).toEqual([DEFAULT_STEP_SLICE_MS, DEFAULT_STEP_SLICE_MS]);
  });

  it('lets what fell due while a step ran go before the next step, also when the step ran from an I/O callback', async () => {
    // Real timers: the order of the event loop's phases is what is tested. The write gate answers from an I/O
    // callback (as Atomics.waitAsync's answer comes), so the first step runs in the loop's poll phase; a timer that
    // fell due while it ran (as a request that arrived then) is served in the next turn, before the second step.
    const served: string[][] = [];
    const engine = steppedEngine(report, (step) => {
      if (step !== '1.1') return;
      setTimeout(() => served.push([...engine.steps]), 0);
      const until = performance.now() + 5;
      while (performance.now() < until);
    });
    // The first step waited at the gate (for the worker's page); the second finds it open and runs at once.
    let asked = 0;
    const whenWritable = <T>(step: () => T): Promise<T> =>
      (asked += 1) > 1
        ? Promise.resolve(step())
        : new Promise<T>((resolve, reject) =>
            fs.stat(os.tmpdir(), () => {
              try {
                resolve(step());
              } catch (error) {
                reject(error instanceof Error ? error : new Error(String(error)));
              }
            }),
          );
    schedule = startRulesSchedule(engine, shippedRulesConfig(), {
      tickIntervalMs: 60_000,
      logger: recordingLogger(),
      whenWritable,
    });
    await vi.waitFor(() => expect(engine.ticks).toHaveBeenCalledTimes(1));
    expect(served).toEqual([['1.1']]);
  });

  it('takes each step through whenWritable (the write gate), and none once stopped', async () => {
    vi.useFakeTimers({ now: shanghai(2026, 9, 15, 10) });
    const engine = steppedEngine();
    const waiting: (() => void)[] = [];
    // A gate that lets a step write only when the test says the sync worker is between pages.
    const whenWritable = <T>(step: () => T): Promise<T> =>
      new Promise<T>((resolve) => waiting.push(() => resolve(step())));
    schedule = startRulesSchedule(engine, shippedRulesConfig(), {
      tickIntervalMs: 60_000,
      logger: recordingLogger(),
      whenWritable,
    });
    await advance(0);
    // The first step waits at the gate.
    expect(engine.steps).toEqual([]);
    expect(waiting).toHaveLength(1);
    waiting.shift()?.();
    await advance(0);
    expect(engine.steps).toEqual(['1.1']);
    expect(waiting).toHaveLength(1);
    waiting.shift()?.();
    await advance(0);
    expect(engine.ticks).toHaveBeenCalledTimes(1);
    schedule.tickNow('sync');
    await advance(0);
    waiting.shift()?.();
    await advance(0);
    expect(engine.steps).toEqual(['1.1', '1.2', '2.1']);
    // Stopped while its next step waits at the gate (the app closing the cache): the step is not taken.
    expect(waiting).toHaveLength(1);
    schedule.stop();
    waiting.shift()?.();
    await advance(0);
    expect(engine.steps).toEqual(['1.1', '1.2', '2.1']);
  });

  it('ticks on demand (new data), logging a failed tick rather than throwing it at the caller, not after stop', async () => {
    vi.useFakeTimers({ now: shanghai(2026, 9, 15, 10) });
    let busy = false;
    const engine = steppedEngine(() => {
      if (busy) throw new Error('database is locked');
      return report();
    });
    const onTick = vi.fn();
    const log = recordingLogger();
    schedule = startRulesSchedule(engine, shippedRulesConfig(), {
      tickIntervalMs: 5_000,
      logger: log,
      onTick,
    });
    await advance(0);
    schedule.tickNow('sync');
    await advance(0);
    expect(engine.ticks).toHaveBeenCalledTimes(2);
    expect(onTick).toHaveBeenCalledTimes(2);
    busy = true;
    expect(() => schedule?.tickNow('sync')).not.toThrow();
    await advance(0);
    expect(log.lines).toContain('error rules: tick (sync) failed');
    expect(onTick).toHaveBeenCalledTimes(2);
    busy = false;
    schedule.stop();
    schedule.tickNow('sync');
    await advance(0);
    expect(engine.ticks).toHaveBeenCalledTimes(3);
  });

  it('schedules one cron task per enabled calendar rule in the platform time zone', () => {
    vi.useFakeTimers({ now: shanghai(2026, 9, 15, 10) });
    const config = shippedRulesConfig();
    const withoutMeeting = {
      ...config,
      rules: { ...config.rules, 'weekly-meeting': { ...config.rules['weekly-meeting'], enabled: false } },
    };
    schedule = startRulesSchedule(steppedEngine(), withoutMeeting, {
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
    const engine = steppedEngine();
    schedule = startRulesSchedule(engine, shippedRulesConfig(), {
      tickIntervalMs: 3_600_000,
      logger: recordingLogger(),
    });
    await advance(0);
    expect(engine.ticks).toHaveBeenCalledTimes(1);
    await advance(5_000);
    expect(engine.ticks).toHaveBeenCalledTimes(1);
    await advance(10_000);
    // 09:00 on a Friday: the weekly report's task and the outlook's daily wake-up both fire.
    expect(engine.ticks).toHaveBeenCalledTimes(3);
  });

  it('works off a backlog tick after tick without waiting for the interval', async () => {
    vi.useFakeTimers({ now: shanghai(2026, 9, 15, 10) });
    let left = 3;
    const engine = steppedEngine((): TickReport => ({ ...report(), backlog: (left -= 1) > 0 }));
    schedule = startRulesSchedule(engine, shippedRulesConfig(), {
      tickIntervalMs: 60_000,
      logger: recordingLogger(),
    });
    await advance(10);
    expect(engine.ticks).toHaveBeenCalledTimes(3);
    await advance(10);
    expect(engine.ticks).toHaveBeenCalledTimes(3);
  });

  it('logs a failing tick and keeps going', async () => {
    vi.useFakeTimers({ now: shanghai(2026, 9, 15, 10) });
    const log = recordingLogger();
    const engine = steppedEngine((): TickReport => {
      throw new Error('disk full');
    });
    schedule = startRulesSchedule(engine, shippedRulesConfig(), { tickIntervalMs: 5_000, logger: log });
    await advance(5_000);
    expect(engine.ticks).toHaveBeenCalledTimes(2);
    expect(log.lines).toEqual(['error rules: tick (start) failed', 'error rules: tick (interval) failed']);
  });

  it('says when it resumes after the machine slept', async () => {
    vi.useFakeTimers({ now: shanghai(2026, 9, 15, 10) });
    const log = recordingLogger();
    let mono = 0;
    schedule = startRulesSchedule(steppedEngine(), shippedRulesConfig(), {
      tickIntervalMs: 5_000,
      logger: log,
      monoNow: () => mono,
    });
    mono = 2 * 3_600_000;
    await advance(5_000);
    expect(log.lines).toContain('info rules: resumed after 7200 s without ticking; catching up');
  });
});
