/**
 * Test helper: reads GET /events, validating each event's data against the spec (PokeEvent, HeartbeatEvent).
 */
import type { SpecValidator } from './spec-client';

export interface ReceivedEvent {
  event: string;
  data: unknown;
  at: number;
}

export interface EventStream {
  readonly events: ReceivedEvent[];
  readonly status: number;
  readonly contentType: string;
  /** True once the server ended or broke the stream. */
  readonly ended: boolean;
  /** Resolves when an event of this kind arrives (or rejects after `timeoutMs`). */
  next(event: string, timeoutMs?: number): Promise<ReceivedEvent>;
  close(): void;
}

const SCHEMA_OF: Record<string, string> = { poke: 'PokeEvent', heartbeat: 'HeartbeatEvent' };

export async function openEventStream(
  baseUrl: string,
  token: string,
  validator: SpecValidator,
): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(new URL('/api/v1/events', baseUrl), {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const events: ReceivedEvent[] = [];
  const waiters: { event: string; resolve: (received: ReceivedEvent) => void }[] = [];
  let ended = false;
  let failure: Error | null = null;

  const deliver = (block: string): void => {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length === 0) return;
    const parsed = JSON.parse(data.join('\n')) as unknown;
    const schema = SCHEMA_OF[event];
    if (!schema) {
      failure = new Error(`the spec documents no event "${event}"`);
      return;
    }
    try {
      validator.assertSchema(schema, parsed);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      return;
    }
    const received = { event, data: parsed, at: Date.now() };
    events.push(received);
    for (const waiter of waiters.filter((candidate) => candidate.event === event)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(received);
    }
  };

  if (response.ok && response.body) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let boundary = buffer.indexOf('\n\n');
          while (boundary >= 0) {
            deliver(buffer.slice(0, boundary));
            buffer = buffer.slice(boundary + 2);
            boundary = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // Aborted by close() or broken by the server: either way the stream has ended.
      }
      ended = true;
    })();
  } else {
    ended = true;
  }

  return {
    events,
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    get ended() {
      return ended;
    },
    next(event, timeoutMs = 3000) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${event} event within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          event,
          resolve: (received) => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      });
    },
    close() {
      controller.abort();
    },
  };
}
