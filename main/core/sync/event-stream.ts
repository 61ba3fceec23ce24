/**
 * The central platform's server-sent events (GET /events): `poke` says the feed has news, `heartbeat`
 * says the stream is alive. A stream that stays silent for three heartbeat intervals is treated as
 * dead (a stream can stall without closing) and reopened; the feed never depends on it.
 */
export interface ServerEvent {
  event: string;
  data: string;
}

/** Splits an event-stream into events (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export class EventStreamParser {
  #buffer = '';
  #event = '';
  #data: string[] = [];

  push(chunk: string): ServerEvent[] {
    this.#buffer += chunk;
    const events: ServerEvent[] = [];
    let newline: number;
    while ((newline = this.#buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.#buffer.slice(0, newline);
      const breakLength = this.#buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.#buffer = this.#buffer.slice(newline + breakLength);
      if (line === '') {
        if (this.#data.length > 0)
          events.push({ event: this.#event || 'message', data: this.#data.join('\n') });
        this.#event = '';
        this.#data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') this.#event = value;
      else if (field === 'data') this.#data.push(value);
    }
    return events;
  }
}

export interface EventStreamOptions {
  url: string;
  token: string;
  fetch: typeof globalThis.fetch;
  /** Silence after which the stream is considered dead. */
  silenceLimitMs: number;
  onEvent: (event: ServerEvent) => void;
}

export type StreamEnd = 'closed' | 'silent' | 'unauthorized' | 'failed';

/** Reads one connection of the stream until it ends, fails or falls silent; resolves with why it ended. */
export async function readEventStream(options: EventStreamOptions, stop: AbortSignal): Promise<StreamEnd> {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  stop.addEventListener('abort', abort, { once: true });
  // An object, not a boolean: the watchdog's timer callback sets it, which flow analysis cannot see.
  const ending = { silent: false };
  let watchdog: NodeJS.Timeout | undefined;
  const feedWatchdog = (): void => {
    if (watchdog) clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      ending.silent = true;
      controller.abort();
    }, options.silenceLimitMs);
    watchdog.unref();
  };
  try {
    feedWatchdog();
    const response = await options.fetch(options.url, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${options.token}` },
      signal: controller.signal,
    });
    if (response.status === 401) return 'unauthorized';
    if (!response.ok || !response.body) return 'failed';
    const parser = new EventStreamParser();
    const decoder = new TextDecoder();
    const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return 'closed';
      feedWatchdog();
      for (const event of parser.push(decoder.decode(value, { stream: true }))) options.onEvent(event);
    }
  } catch {
    return ending.silent ? 'silent' : 'failed';
  } finally {
    if (watchdog) clearTimeout(watchdog);
    stop.removeEventListener('abort', abort);
  }
}
