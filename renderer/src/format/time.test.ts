import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PLATFORM_TIME_ZONE,
  formatDateTime,
  formatInstant,
  parseInstant,
  usableTimeZone,
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
