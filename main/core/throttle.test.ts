import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from './throttle';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('throttle', () => {
  it('runs at once, merges the calls inside the interval into one run at its end', () => {
    const run = vi.fn();
    const throttled = throttle(run, 1_000, () => Date.now());
    throttled();
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(100);
    throttled();
    throttled();
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(899);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(2);
    // A call a full interval after the trailing run runs at once again.
    vi.advanceTimersByTime(1_000);
    throttled();
    expect(run).toHaveBeenCalledTimes(3);
  });

  it('never drops the last call, and forgets a waiting run when cancelled', () => {
    const run = vi.fn();
    const throttled = throttle(run, 500, () => Date.now());
    throttled();
    throttled();
    throttled.cancel();
    vi.advanceTimersByTime(1_000);
    expect(run).toHaveBeenCalledTimes(1);
  });
});
