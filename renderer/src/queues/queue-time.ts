/** A span of time as a queue shows it: `HH:mm:ss` under a day, else whole days and `HH:mm`. */
export function formatSpan(ms: number, dayUnit: string): string {
  const totalSeconds = Math.floor(Math.max(0, ms) / 1_000);
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  const seconds = totalSeconds % 60;
  const pad = (value: number) => String(value).padStart(2, '0');
  if (days > 0) return `${days}${dayUnit} ${pad(hours)}:${pad(minutes)}`;
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
}

/** How long ago `sinceMs` was at `nowMs` (never negative: a clock skew shows 00:00:00), or null when either is unknown. */
export function elapsedSince(sinceMs: number | null, nowMs: number | null): number | null {
  if (sinceMs === null || nowMs === null) return null;
  return Math.max(0, nowMs - sinceMs);
}

export interface DueIn {
  /** True once the due time has passed. */
  overdue: boolean;
  /** The time left, or (when overdue) the time past the due time. */
  spanMs: number;
}

/** The time left until `dueMs` at `nowMs`, or null when either is unknown. */
export function dueIn(dueMs: number | null, nowMs: number | null): DueIn | null {
  if (dueMs === null || nowMs === null) return null;
  const left = dueMs - nowMs;
  return left >= 0 ? { overdue: false, spanMs: left } : { overdue: true, spanMs: -left };
}
