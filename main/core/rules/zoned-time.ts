/**
 * Wall-clock arithmetic in a named time zone, independent of the machine's zone. The platform runs on Shanghai
 * time; a workstation set to another zone (or to UTC, as servers often are) must still see "Friday" and
 * "1 November" when Shanghai does. Only Intl with an explicit timeZone and the UTC methods of Date are used:
 * nothing here reads the process's local zone.
 */

/** A calendar date (proleptic Gregorian), without a zone. */
export interface CivilDate {
  year: number;
  /** 1-12 */
  month: number;
  /** 1-31 */
  day: number;
}

export interface WallTime extends CivilDate {
  hour: number;
  minute: number;
  second: number;
  /** 0 Sunday ... 6 Saturday */
  weekday: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock reading in `timeZone` at instant `ms`. */
export function wallTimeAt(ms: number, timeZone: string): WallTime {
  const values: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') values[part.type] = Number(part.value);
  }
  const date = { year: values.year ?? 1970, month: values.month ?? 1, day: values.day ?? 1 };
  return {
    ...date,
    hour: values.hour ?? 0,
    minute: values.minute ?? 0,
    second: values.second ?? 0,
    weekday: weekdayOf(date),
  };
}

/** Offset of `timeZone` from UTC at instant `ms` (ms; Shanghai is +8 h). */
function offsetAt(ms: number, timeZone: string): number {
  const wall = wallTimeAt(ms, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant at which `timeZone`'s clocks read the given date and time. A reading skipped by a daylight-saving
 * jump resolves to the instant just after the jump; a repeated one to its first occurrence.
 */
export function instantOfWallTime(date: CivilDate, hour: number, minute: number, timeZone: string): number {
  const asUtc = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const firstGuess = asUtc - offsetAt(asUtc, timeZone);
  const secondOffset = offsetAt(firstGuess, timeZone);
  return asUtc - secondOffset;
}

/** Midnight starting `date` in `timeZone`. */
export function startOfDay(date: CivilDate, timeZone: string): number {
  return instantOfWallTime(date, 0, 0, timeZone);
}

export function addDays(date: CivilDate, days: number): CivilDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

export function addMonths(date: CivilDate, months: number): CivilDate {
  const index = date.year * 12 + (date.month - 1) + months;
  return { year: Math.floor(index / 12), month: (index % 12) + 1, day: date.day };
}

export function weekdayOf(date: CivilDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

export function compareDates(a: CivilDate, b: CivilDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

export function civilDateAt(ms: number, timeZone: string): CivilDate {
  const { year, month, day } = wallTimeAt(ms, timeZone);
  return { year, month, day };
}

/** `2026-11-27` */
export function isoDate(date: CivilDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** `11月27日` */
export function chineseMonthDay(date: CivilDate): string {
  return `${date.month}月${date.day}日`;
}

/** Parses `HH:MM` (already validated by the configuration schema). */
export function parseWallClock(text: string): { hour: number; minute: number } {
  const [hour, minute] = text.split(':').map(Number);
  return { hour: hour ?? 0, minute: minute ?? 0 };
}
