/** Used until getAppInfo() names the platform's zone, and when the zone it names is not usable. */
export const DEFAULT_PLATFORM_TIME_ZONE = 'Asia/Shanghai';

interface WallClock {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The platform zone to format in: `requested` when the runtime knows it, else the default (never throws). */
export function usableTimeZone(requested: string | null | undefined): string {
  if (!requested) return DEFAULT_PLATFORM_TIME_ZONE;
  try {
    formatterFor(requested);
    return requested;
  } catch {
    return DEFAULT_PLATFORM_TIME_ZONE;
  }
}

function wallClock(ms: number, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) parts[part.type] = part.value;
  return {
    year: parts.year ?? '',
    month: parts.month ?? '',
    day: parts.day ?? '',
    hour: parts.hour ?? '',
    minute: parts.minute ?? '',
    second: parts.second ?? '',
  };
}

// The same numeric form in every locale: operators read times across languages and shifts, and
// "2025-03-01 08:00:00" cannot be misread the way 3/1 or 1/3 can.

/** `YYYY-MM-DD HH:mm:ss` on the platform's wall clock. */
export function formatDateTime(ms: number, timeZone: string): string {
  const clock = wallClock(ms, timeZone);
  return `${clock.year}-${clock.month}-${clock.day} ${clock.hour}:${clock.minute}:${clock.second}`;
}

/**
 * A past instant as briefly as it stays unambiguous: `HH:mm:ss` when it falls on the same platform
 * day as `referenceMs` (the server's now), else `YYYY-MM-DD HH:mm:ss`.
 */
export function formatInstant(ms: number, referenceMs: number | null, timeZone: string): string {
  const clock = wallClock(ms, timeZone);
  const time = `${clock.hour}:${clock.minute}:${clock.second}`;
  if (referenceMs !== null) {
    const reference = wallClock(referenceMs, timeZone);
    if (reference.year === clock.year && reference.month === clock.month && reference.day === clock.day)
      return time;
  }
  return `${clock.year}-${clock.month}-${clock.day} ${time}`;
}

/** An ISO 8601 instant from the bridge as epoch ms, or null when absent or unreadable. */
export function parseInstant(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}
