import { useEffect, useState } from 'react';
import { useAppStore } from '../store/store-context';
import { currentServerTime } from '../store/status-slice';

/**
 * The server's time now, re-rendering just after each of its second boundaries so the seconds turn
 * over evenly. It advances the last snapshot with performance.now() (monotonic), not the machine's
 * wall clock, which the operator's PC may have wrong or may jump.
 */
export function useServerNow(): number | null {
  const anchor = useAppStore((state) => state.serverClock);
  const [monoNow, setMonoNow] = useState(() => performance.now());

  useEffect(() => {
    if (!anchor) return;
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      const now = performance.now();
      setMonoNow(now);
      const serverMs = anchor.serverMs + (now - anchor.receivedAtMono);
      // A few ms past the boundary, so that timer jitter never shows the same second twice.
      timer = setTimeout(tick, 1_000 - (serverMs % 1_000) + 5);
    };
    // At once for a new snapshot, but asynchronously: state is not set inside the effect itself.
    timer = setTimeout(tick, 0);
    return () => clearTimeout(timer);
  }, [anchor]);

  return currentServerTime(anchor, monoNow);
}
