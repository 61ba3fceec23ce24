/**
 * GET /events: a server-sent event stream per workstation. `poke` says new changes exist (with the newest cursor,
 * so a client that is already there need not pull); `heartbeat` comes every few seconds so a client can tell a
 * quiet stream from a dead one. A stalled stream (fault injection) keeps its connection open and sends nothing.
 */
import type http from 'node:http';

interface Stream {
  response: http.ServerResponse;
  stalled: boolean;
}

export interface EventHubOptions {
  heartbeatMs: number;
  /** Whether streams should stall now (the stallEvents fault). */
  shouldStall: () => boolean;
  onStall: () => void;
  serverTime: () => string;
  headCursor: () => string;
}

/** Pokes within this window are merged into one: a burst of writes yields one pull. */
const POKE_COALESCE_MS = 50;

export class EventHub {
  readonly #streams = new Set<Stream>();
  readonly #options: EventHubOptions;
  readonly #heartbeat: NodeJS.Timeout;
  #pokeTimer: NodeJS.Timeout | undefined;

  constructor(options: EventHubOptions) {
    this.#options = options;
    this.#heartbeat = setInterval(
      () => this.#broadcast('heartbeat', { serverTime: options.serverTime() }),
      options.heartbeatMs,
    );
    this.#heartbeat.unref();
  }

  get size(): number {
    return this.#streams.size;
  }

  open(response: http.ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Send the status line now: a stream that stalls from the start should still look open to the client.
    response.flushHeaders();
    const stream: Stream = { response, stalled: false };
    this.#streams.add(stream);
    response.on('close', () => this.#streams.delete(stream));
    if (this.#stallIfAsked(stream)) return;
    response.write(`retry: 3000\n\n`);
    this.#send(stream, 'poke', {
      cursor: this.#options.headCursor(),
      serverTime: this.#options.serverTime(),
    });
  }

  /** Tells every stream that the feed moved (coalesced). */
  poke(): void {
    if (this.#pokeTimer) return;
    this.#pokeTimer = setTimeout(() => {
      this.#pokeTimer = undefined;
      this.#broadcast('poke', { cursor: this.#options.headCursor(), serverTime: this.#options.serverTime() });
    }, POKE_COALESCE_MS);
    this.#pokeTimer.unref();
  }

  close(): void {
    clearInterval(this.#heartbeat);
    if (this.#pokeTimer) clearTimeout(this.#pokeTimer);
    for (const stream of this.#streams) stream.response.end();
    this.#streams.clear();
  }

  #broadcast(event: 'poke' | 'heartbeat', data: object): void {
    for (const stream of this.#streams) {
      if (this.#stallIfAsked(stream)) continue;
      this.#send(stream, event, data);
    }
  }

  #stallIfAsked(stream: Stream): boolean {
    if (stream.stalled) return true;
    if (!this.#options.shouldStall()) return false;
    stream.stalled = true;
    this.#options.onStall();
    return true;
  }

  #send(stream: Stream, event: string, data: object): void {
    stream.response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
