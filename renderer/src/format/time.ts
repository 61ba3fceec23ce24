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

/** The zone's offset from UTC at `ms`, in ms (positive east of Greenwich: +8 h for Asia/Shanghai). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const clock = wallClock(ms, timeZone);
  const asUtc = Date.UTC(
    Number(clock.year),
    Number(clock.month) - 1,
    Number(clock.day),
    Number(clock.hour),
    Number(clock.minute),
    Number(clock.second),
  );
  return asUtc - (ms - (ms % 1000));
}

// The same numeric form in every locale: operators read times across languages and shifts, and
// "2025-03-01 08:00:00" cannot be misread the way 3/1 or 1/3 can.

/** `YYYY-MM-DD HH:mm:ss` on the platform's wall clock. */
export function formatDateTime(ms: number, timeZone: string): string {
  const clock = wallClock(ms, timeZone);
  return `${clock.year}-${clock.month}-${clock.day} ${clock.hour}:${clock.minute}:${clock.second}`;
}

/** `YYYY-MM-DD HH:mm` on the platform's wall clock: how the times an operator types are shown. */
export function formatWallClock(ms: number, timeZone: string): string {
  const clock = wallClock(ms, timeZone);
  return `${clock.year}-${clock.month}-${clock.day} ${clock.hour}:${clock.minute}`;
}

/** `HH:mm` of `ms` on the platform's wall clock. */
export function formatHourMinute(ms: number, timeZone: string): string {
  const clock = wallClock(ms, timeZone);
  return `${clock.hour}:${clock.minute}`;
}

const WALL_CLOCK_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/;

/**
 * The instant a `YYYY-MM-DD HH:mm` wall-clock time in `timeZone` names, or null when the text is not such a
 * time or names no real date (2025-02-30). Times the operator types are read on the platform's wall clock,
 * whatever the machine's own zone: a due time of "18:00" means 18:00 in Shanghai on a laptop set to UTC too.
 */
export function parseWallClock(text: string, timeZone: string): number | null {
  const match = WALL_CLOCK_PATTERN.exec(text.trim());
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (hour > 23 || minute > 59) return null;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(asUtc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return null;
  // Two passes settle the offset across a daylight-saving change (none in Shanghai, but zones are configurable).
  let instant = asUtc - zoneOffsetMs(asUtc, timeZone);
  instant = asUtc - zoneOffsetMs(instant, timeZone);
  return instant;
}

/** The next instant after `nowMs` at which the zone's wall clock shows `hour:minute` (today or tomorrow). */
export function nextWallTime(hour: number, minute: number, nowMs: number, timeZone: string): number {
  const offset = zoneOffsetMs(nowMs, timeZone);
  const wallNow = new Date(nowMs + offset);
  let candidate =
    Date.UTC(wallNow.getUTCFullYear(), wallNow.getUTCMonth(), wallNow.getUTCDate(), hour, minute) - offset;
  if (candidate <= nowMs) candidate += 24 * 3_600_000;
  // Across a change of the zone's offset (summer time elsewhere; none in China) the wall time moves with it.
  const correction = zoneOffsetMs(candidate, timeZone) - offset;
  return candidate - correction;
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
