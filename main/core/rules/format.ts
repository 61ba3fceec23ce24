/** The figures in a prompt's reason, written as a duty operator reads them aloud. */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * `1 小时 12 分`, `3 天 2 小时`, `45 分`: the two largest units, floored (a threshold crossed at 24 h 01 reads
 * `1 天`, never `1 天 1 分`), zero parts left out.
 */
export function formatDurationZh(ms: number): string {
  const total = Math.max(0, Math.floor(ms / MINUTE_MS));
  const days = Math.floor(total / (24 * 60));
  const hours = Math.floor((total % (24 * 60)) / 60);
  const minutes = total % 60;
  if (days > 0) return hours > 0 ? `${days} 天 ${hours} 小时` : `${days} 天`;
  if (hours > 0) return minutes > 0 ? `${hours} 小时 ${minutes} 分` : `${hours} 小时`;
  return total > 0 ? `${minutes} 分` : '不足 1 分';
}

/** `87.5%`, `90%`: one decimal at most, and never rounded up across a threshold (0.8996 reads 89.9%). */
export function formatPercent(rate: number): string {
  const tenths = Math.floor(rate * 1000 + 1e-9) / 10;
  return `${Number.isInteger(tenths) ? tenths.toFixed(0) : tenths.toFixed(1)}%`;
}

export const durations = { MINUTE_MS, HOUR_MS, DAY_MS };
