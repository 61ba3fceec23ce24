import type { ConnectionState } from '../../preload/contract';

export interface NetworkStateSnapshot {
  state: Exclude<ConnectionState, 'unconfigured'>;
  /** Server-clock ms when the current state began. */
  sinceMs: number;
  lastSuccessMs: number | null;
  lastError: string | null;
}

export interface NetworkStateOptions {
  /** A success slower than this counts as degraded. */
  slowMs: number;
  /** Consecutive failures after which the link is offline (before that: degraded). */
  failuresForOffline: number;
}

export const DEFAULT_NETWORK_STATE_OPTIONS: NetworkStateOptions = { slowMs: 2_000, failuresForOffline: 3 };

/**
 * Online / degraded / offline derived from the outcomes of real requests, never from the OS's
 * network flag (which says "online" on a LAN whose uplink to the platform is down).
 */
export class NetworkStateTracker {
  #snapshot: NetworkStateSnapshot;
  #consecutiveFailures = 0;

  constructor(
    startMs: number,
    private readonly options: NetworkStateOptions = DEFAULT_NETWORK_STATE_OPTIONS,
  ) {
    // Until a request has succeeded the platform has not been reached: offline, honestly.
    this.#snapshot = { state: 'offline', sinceMs: startMs, lastSuccessMs: null, lastError: null };
  }

  snapshot(): NetworkStateSnapshot {
    return { ...this.#snapshot };
  }

  /** Returns true when the state changed. */
  recordSuccess(atMs: number, roundTripMs: number): boolean {
    this.#consecutiveFailures = 0;
    this.#snapshot.lastSuccessMs = atMs;
    this.#snapshot.lastError = null;
    return this.#moveTo(roundTripMs > this.options.slowMs ? 'degraded' : 'online', atMs);
  }

  /** Returns true when the state changed. */
  recordFailure(atMs: number, reason: string): boolean {
    this.#consecutiveFailures += 1;
    this.#snapshot.lastError = reason;
    const offline =
      this.#snapshot.lastSuccessMs === null || this.#consecutiveFailures >= this.options.failuresForOffline;
    return this.#moveTo(offline ? 'offline' : 'degraded', atMs);
  }

  #moveTo(state: NetworkStateSnapshot['state'], atMs: number): boolean {
    if (this.#snapshot.state === state) return false;
    this.#snapshot.state = state;
    this.#snapshot.sinceMs = atMs;
    return true;
  }
}
