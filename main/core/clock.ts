/**
 * One clock for the whole core: the central platform's time.
 *
 * The offset from the machine's wall clock is measured on every response from the central API (see
 * `measureOffset`) and the clock keeps advancing on the monotonic clock while offline, so a machine
 * whose own clock is wrong, or is changed while the app runs, still tells the platform's time.
 */
export interface Clock {
  /** Milliseconds since the epoch on the central platform's clock (best estimate). */
  now(): number;
  /** Whether the offset has been measured against the server at least once. */
  isSynchronised(): boolean;
}

export interface ServerClock extends Clock {
  /** Records one measurement: `serverMs` read from a response, bracketed by local send/receive instants. */
  observe(sample: OffsetSample): void;
  /** Takes an offset measured elsewhere (the sync worker's clock, which runs on its own monotonic origin). */
  adoptOffset(offsetMs: number): void;
  /** Current estimate of serverTime - machineWallTime, in ms (0 before the first measurement). */
  offsetMs(): number;
}

export interface OffsetSample {
  /** Monotonic instant (ms) when the request was sent. */
  sentMono: number;
  /** Monotonic instant (ms) when the response arrived. */
  receivedMono: number;
  /** Server time carried in the response (ms since epoch). */
  serverMs: number;
}

export interface ClockSources {
  /** Wall clock of this machine (ms since epoch): only read once, at construction, to anchor the monotonic clock. */
  wallNow: () => number;
  /** Monotonic clock (ms, arbitrary origin), never goes back. */
  monoNow: () => number;
}

export const systemClockSources: ClockSources = {
  wallNow: () => Date.now(),
  monoNow: () => performance.now(),
};

/**
 * The server clock. Time is anchored once (wall at construction) and then advances on the monotonic
 * clock, so changing the machine's clock while the app runs does not move the platform's time.
 * A measurement replaces the anchor: serverNow = serverMs + roundTrip / 2 at `receivedMono`.
 */
export function createServerClock(
  sources: ClockSources = systemClockSources,
  initialOffsetMs = 0,
): ServerClock {
  const anchorMono = sources.monoNow();
  const anchorWall = sources.wallNow();
  let baseServerMs = anchorWall + initialOffsetMs;
  let baseMono = anchorMono;
  let synchronised = false;
  let bestRoundTrip = Number.POSITIVE_INFINITY;
  let lastSampleMono = Number.NEGATIVE_INFINITY;

  return {
    now: () => baseServerMs + (sources.monoNow() - baseMono),
    isSynchronised: () => synchronised,
    offsetMs: () => baseServerMs - baseMono - (anchorWall - anchorMono),
    adoptOffset(offsetMs) {
      const mono = sources.monoNow();
      baseServerMs = anchorWall + (mono - anchorMono) + offsetMs;
      baseMono = mono;
      synchronised = true;
    },
    observe(sample) {
      const roundTrip = Math.max(0, sample.receivedMono - sample.sentMono);
      // Prefer samples with a short round trip (less uncertainty), but never keep a sample older than a
      // minute over a newer one, so drift is followed.
      const stale = sample.receivedMono - lastSampleMono > 60_000;
      if (!synchronised || stale || roundTrip <= bestRoundTrip * 1.5) {
        baseServerMs = sample.serverMs + roundTrip / 2;
        baseMono = sample.receivedMono;
        bestRoundTrip = stale ? roundTrip : Math.min(bestRoundTrip, roundTrip);
        lastSampleMono = sample.receivedMono;
        synchronised = true;
      }
    },
  };
}

/** A clock that tests move by hand. */
export function createManualClock(
  startMs: number,
): Clock & { set(ms: number): void; advance(ms: number): void } {
  let current = startMs;
  return {
    now: () => current,
    isSynchronised: () => true,
    set(ms) {
      current = ms;
    },
    advance(ms) {
      current += ms;
    },
  };
}
