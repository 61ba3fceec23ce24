import { describe, expect, it } from 'vitest';
import { NetworkStateTracker } from './network-state';

describe('NetworkStateTracker', () => {
  it('is offline until a request succeeds', () => {
    const tracker = new NetworkStateTracker(0);
    expect(tracker.snapshot()).toMatchObject({ state: 'offline', sinceMs: 0, lastSuccessMs: null });
    expect(tracker.recordSuccess(1_000, 40)).toBe(true);
    expect(tracker.snapshot()).toMatchObject({ state: 'online', sinceMs: 1_000, lastSuccessMs: 1_000 });
  });

  it('is degraded when answers are slow or a few fail, offline after three failures in a row', () => {
    const tracker = new NetworkStateTracker(0);
    tracker.recordSuccess(1_000, 40);
    tracker.recordSuccess(2_000, 2_500);
    expect(tracker.snapshot().state).toBe('degraded');
    tracker.recordSuccess(3_000, 40);
    tracker.recordFailure(4_000, 'ECONNREFUSED');
    expect(tracker.snapshot()).toMatchObject({
      state: 'degraded',
      sinceMs: 4_000,
      lastError: 'ECONNREFUSED',
    });
    tracker.recordFailure(5_000, 'ECONNREFUSED');
    expect(tracker.snapshot().state).toBe('degraded');
    expect(tracker.recordFailure(6_000, 'timeout')).toBe(true);
    expect(tracker.snapshot()).toMatchObject({ state: 'offline', sinceMs: 6_000, lastSuccessMs: 3_000 });
    // Staying offline does not move "since".
    expect(tracker.recordFailure(7_000, 'timeout')).toBe(false);
    expect(tracker.snapshot().sinceMs).toBe(6_000);
  });
});
