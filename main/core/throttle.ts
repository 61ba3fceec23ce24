/**
 * Runs `run` at most once per `intervalMs`: at once when the interval has passed since the last run,
 * otherwise once at the end of the interval (a call is never dropped, only merged with the calls
 * that follow it inside the same interval).
 */
export interface Throttled {
  (): void;
  /** Forgets a run still waiting (on shutdown). */
  cancel(): void;
}

export function throttle(run: () => void, intervalMs: number, monoNow: () => number): Throttled {
  let lastRunMs = Number.NEGATIVE_INFINITY;
  let trailing: ReturnType<typeof setTimeout> | null = null;
  const runNow = () => {
    lastRunMs = monoNow();
    run();
  };
  const throttled = () => {
    const sinceLastMs = monoNow() - lastRunMs;
    if (sinceLastMs >= intervalMs) {
      runNow();
      return;
    }
    trailing ??= setTimeout(() => {
      trailing = null;
      runNow();
    }, intervalMs - sinceLastMs);
  };
  throttled.cancel = () => {
    if (trailing !== null) clearTimeout(trailing);
    trailing = null;
  };
  return throttled;
}
