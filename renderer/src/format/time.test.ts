import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PLATFORM_TIME_ZONE,
  formatDateTime,
  formatHourMinute,
  formatInstant,
  formatWallClock,
  nextWallTime,
  parseInstant,
  parseWallClock,
  usableTimeZone,
  zoneOffsetMs,
} from './time';

const zone = 'Asia/Shanghai';

describe('formatDateTime', () => {
  it('shows the platform wall clock, not the machine zone', () => {
    // 16:30 UTC is 00:30 the next day in Shanghai (UTC+8, no daylight saving).
    expect(formatDateTime(Date.parse('2025-03-01T16:30:05Z'), zone)).toBe('2025-03-02 00:30:05');
  });

  it('uses 24-hour time with midnight as 00', () => {
    expect(formatDateTime(Date.parse('2025-06-30T16:00:00Z'), zone)).toBe('2025-07-01 00:00:00');
  });

  it('honours another platform zone', () => {
    expect(formatDateTime(Date.parse('2025-03-01T16:30:05Z'), 'UTC')).toBe('2025-03-01 16:30:05');
  });
});

describe('formatInstant', () => {
  const reference = Date.parse('2025-03-02T02:00:00Z'); // 10:00 in Shanghai, 2 March

  it('shows only the time on the same platform day', () => {
    expect(formatInstant(Date.parse('2025-03-01T16:30:05Z'), reference, zone)).toBe('00:30:05');
  });

  it('adds the date on another platform day', () => {
    expect(formatInstant(Date.parse('2025-03-01T15:59:59Z'), reference, zone)).toBe('2025-03-01 23:59:59');
  });

  it('adds the date when there is no reference', () => {
    expect(formatInstant(Date.parse('2025-03-01T16:30:05Z'), null, zone)).toBe('2025-03-02 00:30:05');
  });
});

describe('usableTimeZone', () => {
  it('keeps a zone the runtime knows', () => {
    expect(usableTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
  });

  it('falls back to the default for a missing or unknown zone', () => {
    expect(usableTimeZone(null)).toBe(DEFAULT_PLATFORM_TIME_ZONE);
    expect(usableTimeZone('')).toBe(DEFAULT_PLATFORM_TIME_ZONE);
    expect(usableTimeZone('Mars/Olympus_Mons')).toBe(DEFAULT_PLATFORM_TIME_ZONE);
  });
});

describe('parseInstant', () => {
  it('reads ISO 8601', () => {
    expect(parseInstant('2025-03-01T16:30:05.250Z')).toBe(Date.UTC(2025, 2, 1, 16, 30, 5, 250));
  });

  it('gives null for absent or unreadable input', () => {
    expect(parseInstant(null)).toBeNull();
    expect(parseInstant(undefined)).toBeNull();
    expect(parseInstant('not a time')).toBeNull();
  });
});

describe('the platform wall clock', () => {
  it('reads and writes times in the platform zone whatever the machine’s zone', () => {
    expect(parseWallClock('2025-07-10 18:30', zone)).toBe(Date.parse('2025-07-10T10:30:00.000Z'));
    expect(parseWallClock('2025-07-10T18:30', 'UTC')).toBe(Date.parse('2025-07-10T18:30:00.000Z'));
    expect(formatWallClock(Date.parse('2025-12-31T16:05:00.000Z'), zone)).toBe('2026-01-01 00:05');
    expect(parseWallClock('2025-07-10 24:00', zone)).toBeNull();
    expect(parseWallClock('tomorrow', zone)).toBeNull();
    // Across a daylight-saving change (New York, 2025-03-09 02:00 -> 03:00).
    expect(parseWallClock('2025-03-09 12:00', 'America/New_York')).toBe(
      Date.parse('2025-03-09T16:00:00.000Z'),
    );
  });

  it('knows the platform zone offset and shows HH:mm on its wall clock', () => {
    const ms = Date.UTC(2025, 6, 12, 15, 45, 30);
    expect(zoneOffsetMs(ms, zone)).toBe(8 * 3_600_000);
    expect(formatHourMinute(ms, zone)).toBe('23:45');
    expect(formatHourMinute(Date.UTC(2025, 6, 12, 16, 5), zone)).toBe('00:05');
  });

  it('finds the next occurrence of a wall time, today or tomorrow', () => {
    // 14:00 in Shanghai.
    const now = Date.UTC(2025, 6, 12, 6, 0);
    expect(new Date(nextWallTime(23, 30, now, zone)).toISOString()).toBe('2025-07-12T15:30:00.000Z');
    expect(new Date(nextWallTime(7, 0, now, zone)).toISOString()).toBe('2025-07-12T23:00:00.000Z');
    // Exactly now is not "until": it means tomorrow.
    expect(new Date(nextWallTime(14, 0, now, zone)).toISOString()).toBe('2025-07-13T06:00:00.000Z');
  });
});
