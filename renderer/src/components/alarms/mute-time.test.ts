import { describe, expect, it } from 'vitest';
import { formatHourMinute, nextWallTime, parseHourMinute, zoneOffsetMs } from './mute-time';

const SHANGHAI = 'Asia/Shanghai';

describe('mute times', () => {
  it('knows the platform zone offset and shows HH:mm on its wall clock', () => {
    const ms = Date.UTC(2025, 6, 12, 15, 45, 30);
    expect(zoneOffsetMs(ms, SHANGHAI)).toBe(8 * 3_600_000);
    expect(formatHourMinute(ms, SHANGHAI)).toBe('23:45');
    expect(formatHourMinute(Date.UTC(2025, 6, 12, 16, 5), SHANGHAI)).toBe('00:05');
  });

  it('finds the next occurrence of a wall time, today or tomorrow', () => {
    // 14:00 in Shanghai.
    const now = Date.UTC(2025, 6, 12, 6, 0);
    expect(new Date(nextWallTime(23, 30, now, SHANGHAI)).toISOString()).toBe('2025-07-12T15:30:00.000Z');
    expect(new Date(nextWallTime(7, 0, now, SHANGHAI)).toISOString()).toBe('2025-07-12T23:00:00.000Z');
    // Exactly now is not "until": it means tomorrow.
    expect(new Date(nextWallTime(14, 0, now, SHANGHAI)).toISOString()).toBe('2025-07-13T06:00:00.000Z');
  });

  it('accepts H:mm and HH:mm times of day only', () => {
    expect(parseHourMinute('23:30')).toEqual({ hour: 23, minute: 30 });
    expect(parseHourMinute(' 7:05 ')).toEqual({ hour: 7, minute: 5 });
    for (const bad of ['24:00', '12:60', '1230', '', 'ab:cd']) expect(parseHourMinute(bad), bad).toBeNull();
  });
});
