/**
 * The simulated district's clock. It runs with the wall clock from wherever it was set, can be frozen (tests that
 * want exact instants), set forward or advanced; it never goes backwards, because the district's history up to
 * "now" has already happened.
 */
export class SimClock {
  #simAtAnchor: number;
  #realAtAnchor: number;
  #frozen: boolean;
  readonly #realNow: () => number;

  constructor(start: number, frozen: boolean, realNow: () => number = Date.now) {
    this.#realNow = realNow;
    this.#simAtAnchor = start;
    this.#realAtAnchor = realNow();
    this.#frozen = frozen;
  }

  now(): number {
    return this.#frozen ? this.#simAtAnchor : this.#simAtAnchor + (this.#realNow() - this.#realAtAnchor);
  }

  get frozen(): boolean {
    return this.#frozen;
  }

  /** Moves to `target`; refuses to go back in time. */
  set(target: number): void {
    const now = this.now();
    if (target < now) throw new ClockBackwardsError(now, target);
    this.#anchor(target);
  }

  advance(ms: number): void {
    if (ms < 0) throw new ClockBackwardsError(this.now(), this.now() + ms);
    this.#anchor(this.now() + ms);
  }

  setFrozen(frozen: boolean): void {
    const now = this.now();
    this.#frozen = frozen;
    this.#anchor(now);
  }

  #anchor(simNow: number): void {
    this.#simAtAnchor = simNow;
    this.#realAtAnchor = this.#realNow();
  }
}

export class ClockBackwardsError extends Error {
  constructor(
    readonly now: number,
    readonly target: number,
  ) {
    super(
      `the simulated clock cannot go back from ${new Date(now).toISOString()} to ${new Date(target).toISOString()}`,
    );
    this.name = 'ClockBackwardsError';
  }
}
