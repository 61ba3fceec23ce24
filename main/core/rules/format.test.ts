import { describe, expect, it } from 'vitest';
import { formatDurationZh, formatPercent } from './format';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('formatDurationZh', () => {
  it.each([
    [72 * MINUTE, '1 小时 12 分'],
    [61 * MINUTE, '1 小时 1 分'],
    [HOUR, '1 小时'],
    [45 * MINUTE + 59_999, '45 分'],
    [30_000, '不足 1 分'],
    [3 * DAY + 2 * HOUR + 59 * MINUTE, '3 天 2 小时'],
    [DAY + MINUTE, '1 天'],
    [-5_000, '不足 1 分'],
  ])('%i ms reads %s', (ms, text) => {
    expect(formatDurationZh(ms)).toBe(text);
  });
});

describe('formatPercent', () => {
  it.each([
    [0.875, '87.5%'],
    [0.9, '90%'],
    [0.899, '89.9%'],
    // Never rounded up across a threshold: 89.96 % is still below 90 %.
    [0.8996, '89.9%'],
    [1, '100%'],
    [0.07, '7%'],
  ])('%f reads %s', (rate, text) => {
    expect(formatPercent(rate)).toBe(text);
  });
});
