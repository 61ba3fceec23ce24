export type CircuitState = 'closed' | 'open' | 'halfOpen';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses attempts before letting one trial through. */
  openMs: number;
}

export const DEFAULT_CIRCUIT: CircuitBreakerOptions = { failureThreshold: 5, openMs: 30_000 };

/**
 * Stops the sender from retrying a server that keeps failing: after `failureThreshold` failures in a
 * row it opens for `openMs`, then lets a single trial through (half-open); success closes it, failure
 * opens it again. Time comes from the caller so tests need no timers.
 */
export class CircuitBreaker {
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAtMs = 0;

  constructor(private readonly options: CircuitBreakerOptions = DEFAULT_CIRCUIT) {}

  state(nowMs: number): CircuitState {
    if (this.#state === 'open' && nowMs - this.#openedAtMs >= this.options.openMs) this.#state = 'halfOpen';
    return this.#state;
  }

  /** Whether an attempt may go out now. */
  allows(nowMs: number): boolean {
    return this.state(nowMs) !== 'open';
  }

  /** When an open circuit will let the next trial through (ms), or null when not open. */
  reopensAtMs(nowMs: number): number | null {
    return this.state(nowMs) === 'open' ? this.#openedAtMs + this.options.openMs : null;
  }

  recordSuccess(): void {
    this.#state = 'closed';
    this.#failures = 0;
  }

  recordFailure(nowMs: number): void {
    this.#failures += 1;
    if (this.state(nowMs) === 'halfOpen' || this.#failures >= this.options.failureThreshold) {
      this.#state = 'open';
      this.#openedAtMs = nowMs;
    }
  }
}
