import { describe, expect, it } from 'vitest';
import { dueIn, elapsedSince, formatSpan } from './queue-time';

describe('formatSpan', () => {
  it('shows hours, minutes and seconds under a day', () => {
    expect(formatSpan(0, '天')).toBe('00:00:00');
    expect(formatSpan(59_999, '天')).toBe('00:00:59');
    expect(formatSpan((3 * 3_600 + 4 * 60 + 5) * 1_000, '天')).toBe('03:04:05');
    expect(formatSpan(86_399_999, '天')).toBe('23:59:59');
  });

  it('shows whole days and hours:minutes from a day on', () => {
    expect(formatSpan(86_400_000, '天')).toBe('1天 00:00');
    expect(formatSpan((2 * 86_400 + 5 * 3_600 + 7 * 60 + 30) * 1_000, 'd')).toBe('2d 05:07');
  });

  it('never shows a negative span', () => {
    expect(formatSpan(-5_000, '天')).toBe('00:00:00');
  });
});

describe('elapsedSince', () => {
  it('counts from the instant to now', () => {
    expect(elapsedSince(1_000, 61_000)).toBe(60_000);
  });

  it('clamps a future instant to zero', () => {
    expect(elapsedSince(5_000, 1_000)).toBe(0);
  });

  it('is unknown without both instants', () => {
    expect(elapsedSince(null, 1_000)).toBeNull();
    expect(elapsedSince(1_000, null)).toBeNull();
  });
});

describe('dueIn', () => {
  it('gives the time left before the due time', () => {
    expect(dueIn(10_000, 4_000)).toEqual({ overdue: false, spanMs: 6_000 });
    expect(dueIn(4_000, 4_000)).toEqual({ overdue: false, spanMs: 0 });
  });

  it('gives the time past the due time once overdue', () => {
    expect(dueIn(4_000, 10_000)).toEqual({ overdue: true, spanMs: 6_000 });
  });

  it('is unknown without both instants', () => {
    expect(dueIn(null, 1)).toBeNull();
    expect(dueIn(1, null)).toBeNull();
  });
});
