import { describe, expect, it } from 'vitest';
import {
  ALARM_PATTERNS,
  AlarmSoundScheduler,
  REPEAT_INTERVAL_MS,
  type SchedulerTimers,
  type SoundPattern,
} from './sound-scheduler';

/** A clock the test moves by hand, with the timers the scheduler sets on it. */
function fakeTimers() {
  let now = 0;
  let nextId = 1;
  const pending = new Map<number, { at: number; callback: () => void }>();
  const timers: SchedulerTimers = {
    setTimeout: (callback, ms) => {
      const id = nextId++;
      pending.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout: (handle) => pending.delete(handle as number),
  };
  const advance = (ms: number): void => {
    const end = now + ms;
    for (;;) {
      const due = [...pending.entries()]
        .filter(([, timer]) => timer.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      pending.delete(due[0]);
      now = due[1].at;
      due[1].callback();
    }
    now = end;
  };
  return { timers, advance, now: () => now, pendingCount: () => pending.size };
}

function setup() {
  const clock = fakeTimers();
  const played: { at: number; level: string }[] = [];
  const sink = { play: (pattern: SoundPattern) => played.push({ at: clock.now(), level: pattern.level }) };
  const scheduler = new AlarmSoundScheduler(sink, clock.timers);
  return { clock, played, scheduler };
}

const red = (alertId: string) => ({ alertId, level: 'red' as const });
const orange = (alertId: string) => ({ alertId, level: 'orange' as const });

describe('AlarmSoundScheduler', () => {
  it('plays a red alarm at once, then every red interval until it is acknowledged', () => {
    const { clock, played, scheduler } = setup();
    scheduler.update([red('A1')], false);
    clock.advance(35_000);
    expect(played).toEqual([
      { at: 0, level: 'red' },
      { at: 10_000, level: 'red' },
      { at: 20_000, level: 'red' },
      { at: 30_000, level: 'red' },
    ]);
    scheduler.update([], false);
    clock.advance(60_000);
    expect(played).toHaveLength(4);
    expect(clock.pendingCount()).toBe(0);
  });

  it('repeats orange at its slower interval, and plays the most urgent level present', () => {
    const { clock, played, scheduler } = setup();
    scheduler.update([orange('B1')], false);
    clock.advance(REPEAT_INTERVAL_MS.orange * 2);
    expect(played.map((entry) => [entry.at, entry.level])).toEqual([
      [0, 'orange'],
      [30_000, 'orange'],
      [60_000, 'orange'],
    ]);
    // A red one joins: red at once, then at red's pace.
    scheduler.update([orange('B1'), red('A1')], false);
    clock.advance(10_000);
    expect(played.slice(3).map((entry) => [entry.at, entry.level])).toEqual([
      [60_000, 'red'],
      [70_000, 'red'],
    ]);
    // The red one acknowledged: orange continues at its own pace, with no burst now.
    scheduler.update([orange('B1')], false);
    clock.advance(29_999);
    expect(played).toHaveLength(5);
    clock.advance(1);
    expect(played.at(-1)).toEqual({ at: 100_000, level: 'orange' });
  });

  it('plays again at once when a new alarm of the same level joins', () => {
    const { clock, played, scheduler } = setup();
    scheduler.update([red('A1')], false);
    clock.advance(4_000);
    scheduler.update([red('A1'), red('A2')], false);
    scheduler.update([red('A1'), red('A2')], false);
    clock.advance(10_000);
    expect(played.map((entry) => entry.at)).toEqual([0, 4_000, 14_000]);
  });

  it('stays silent while muted and resumes when the mute ends with alarms still unacknowledged', () => {
    const { clock, played, scheduler } = setup();
    scheduler.update([red('A1')], true);
    clock.advance(60_000);
    expect(played).toEqual([]);
    expect(clock.pendingCount()).toBe(0);
    scheduler.update([red('A1'), red('A2')], true);
    clock.advance(60_000);
    expect(played).toEqual([]);
    scheduler.update([red('A1'), red('A2')], false);
    expect(played).toEqual([{ at: 120_000, level: 'red' }]);
    scheduler.dispose();
    clock.advance(60_000);
    expect(played).toHaveLength(1);
  });

  it('gives each level a distinct pattern: red is higher, faster and two-toned, orange one slower tone', () => {
    const frequencies = (level: 'red' | 'orange') =>
      new Set(ALARM_PATTERNS[level].tones.map((t) => t.frequencyHz));
    expect(frequencies('red').size).toBe(2);
    expect(frequencies('orange').size).toBe(1);
    expect(Math.min(...frequencies('red'))).toBeGreaterThan(Math.max(...frequencies('orange')));
    const longest = (level: 'red' | 'orange') =>
      Math.max(...ALARM_PATTERNS[level].tones.map((t) => t.durationMs));
    expect(longest('red')).toBeLessThan(longest('orange'));
    expect(REPEAT_INTERVAL_MS.red).toBeLessThan(REPEAT_INTERVAL_MS.orange);
  });
});
