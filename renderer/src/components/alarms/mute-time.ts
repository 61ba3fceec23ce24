/**
 * Times for the mute: the end of a mute of a given length on the platform's clock, the next occurrence of a
 * wall-clock time ("until 23:30") in the platform's zone, and `HH:mm` in that zone for the status bar.
 */

/** The mute in force now: its end in ms, or null (an end that has passed mutes nothing, whatever was stored). */
export function activeMuteEnd(
  mutedUntil: string | null | undefined,
  serverNow: number | null,
): number | null {
  if (!mutedUntil) return null;
  const end = Date.parse(mutedUntil);
  if (Number.isNaN(end)) return null;
  return serverNow === null || end > serverNow ? end : null;
}

const hourMinuteFormatters = new Map<string, Intl.DateTimeFormat>();
const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at `ms` (ms; +8 h for Asia/Shanghai). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(ms)) parts[part.type] = Number(part.value);
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - (ms - (ms % 1000));
}

/** `HH:mm` of `ms` on the zone's wall clock. */
export function formatHourMinute(ms: number, timeZone: string): string {
  let formatter = hourMinuteFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    hourMinuteFormatters.set(timeZone, formatter);
  }
  return formatter.format(ms);
}

/** Parses `HH:mm` (or `H:mm`); null when it is not a time of day. */
export function parseHourMinute(text: string): { hour: number; minute: number } | null {
  const match = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  return hour <= 23 && minute <= 59 ? { hour, minute } : null;
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
