import { z } from 'zod';
import type { ServerClock } from './clock';
import { NetworkStateTracker, type NetworkStateSnapshot } from './network-state';

const timeResponseSchema = z.object({ serverTime: z.iso.datetime({ offset: true }) });

export interface ConnectionMonitorOptions {
  centralUrl: string;
  clock: ServerClock;
  monoNow: () => number;
  fetch: typeof globalThis.fetch;
  intervalMs: number;
  timeoutMs?: number;
  onChange: (snapshot: NetworkStateSnapshot) => void;
}

/**
 * Checks the central platform's `GET /api/v1/time` at an interval: each answer measures the server
 * clock's offset and each outcome feeds the network state. (The sync engine will feed the same
 * tracker from its own requests; this keeps the state true while nothing else talks to the server.)
 */
export class ConnectionMonitor {
  readonly tracker: NetworkStateTracker;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly options: ConnectionMonitorOptions) {
    this.tracker = new NetworkStateTracker(options.clock.now());
  }

  start(): void {
    this.#stopped = false;
    void this.#loop();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** One check, exposed for tests and for an immediate re-check after the operator asks. */
  async checkOnce(): Promise<void> {
    const { centralUrl, clock, monoNow } = this.options;
    const sentMono = monoNow();
    try {
      const response = await this.options.fetch(`${centralUrl}/api/v1/time`, {
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
        headers: { accept: 'application/json' },
      });
      if (!response.ok) throw new Error(`GET /time answered HTTP ${response.status}`);
      const body = timeResponseSchema.safeParse(await response.json());
      if (!body.success) throw new Error('GET /time answered without a valid serverTime');
      const receivedMono = monoNow();
      clock.observe({ sentMono, receivedMono, serverMs: Date.parse(body.data.serverTime) });
      this.tracker.recordSuccess(clock.now(), receivedMono - sentMono);
    } catch (error) {
      this.tracker.recordFailure(clock.now(), describeFetchError(error));
    }
    // Every check moves the server time and the last-success instant, so listeners hear of every
    // check, not only of state changes.
    this.options.onChange(this.tracker.snapshot());
  }

  async #loop(): Promise<void> {
    await this.checkOnce();
    this.#scheduleNext();
  }

  #scheduleNext(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#loop(), this.options.intervalMs);
    this.#timer.unref();
  }
}

export function describeFetchError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'the central platform did not answer in time';
    const cause = (error as Error & { cause?: unknown }).cause;
    if (cause instanceof Error && 'code' in cause) {
      return `cannot reach the central platform (${String((cause as NodeJS.ErrnoException).code)})`;
    }
    return error.message;
  }
  return String(error);
}
