/**
 * Times for the mute: the mute in force now, and the time of day an operator types ("until 23:30"). The platform
 * zone's wall clock (the next 23:30, `HH:mm` for the status bar) is in format/time.ts.
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

/** Parses `HH:mm` (or `H:mm`); null when it is not a time of day. */
export function parseHourMinute(text: string): { hour: number; minute: number } | null {
  const match = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  return hour <= 23 && minute <= 59 ? { hour, minute } : null;
}
