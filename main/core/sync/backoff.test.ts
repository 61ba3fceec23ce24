import { describe, expect, it } from 'vitest';
import { fullJitterDelay } from './backoff';
import { CircuitBreaker } from './circuit-breaker';

describe('fullJitterDelay', () => {
  const policy = { baseMs: 100, capMs: 5_000 };

  it('spreads over [0, base * 2^attempt) and never exceeds the cap', () => {
    expect(fullJitterDelay(0, policy, () => 0)).toBe(0);
    expect(fullJitterDelay(0, policy, () => 0.999)).toBe(99);
    expect(fullJitterDelay(3, policy, () => 0.5)).toBe(400);
    expect(fullJitterDelay(20, policy, () => 0.999)).toBe(4_995);
    expect(fullJitterDelay(10_000, policy, () => 0.999)).toBe(4_995);
  });
});

describe('CircuitBreaker', () => {
  it('opens after the threshold, lets one trial through after the pause, and closes on success', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1_000 });
    breaker.recordFailure(0);
    breaker.recordFailure(10);
    expect(breaker.allows(20)).toBe(true);
    breaker.recordFailure(20);
    expect(breaker.state(21)).toBe('open');
    expect(breaker.allows(500)).toBe(false);
    expect(breaker.reopensAtMs(500)).toBe(1_020);
    expect(breaker.state(1_020)).toBe('halfOpen');
    breaker.recordFailure(1_030); // the trial failed: open again at once
    expect(breaker.state(1_031)).toBe('open');
    expect(breaker.state(2_030)).toBe('halfOpen');
    breaker.recordSuccess();
    expect(breaker.state(2_031)).toBe('closed');
    breaker.recordFailure(2_040);
    expect(breaker.state(2_041)).toBe('closed');
  });
});
