import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueueCountsSnapshot, ShellStatus } from '../../../preload/contract';
import {
  createHttpBridge,
  type EventLinkState,
  type EventSocketHandlers,
  type HttpBridgeOptions,
} from './http-bridge';

const status: ShellStatus = {
  connection: {
    state: 'online',
    since: '2025-03-01T00:00:00.000Z',
    centralUrl: 'http://central',
    lastError: null,
  },
  sync: null,
  sessionExpired: false,
  notices: [],
  lastSyncAt: '2025-03-01T00:00:05.000Z',
  serverTime: '2025-03-01T00:00:06.000Z',
  pendingActions: 2,
  rejectedActions: 1,
  heldActions: null,
  operator: null,
};
const counts: QueueCountsSnapshot = {
  counts: {
    redAlerts: 3,
    undispatched: 1,
    overdueClosure: 0,
    nonStandard: 4,
    workPrompts: 5,
    silentScenes: 0,
    deviceIssues: 7,
    syncRate: 0,
    dutyItems: 0,
  },
  dataAsOf: '2025-03-01T00:00:00.000Z',
};

class FakeSockets {
  readonly opened: { url: string; handlers: EventSocketHandlers; closed: boolean }[] = [];
  readonly open = (url: string, handlers: EventSocketHandlers) => {
    const entry = { url, handlers, closed: false };
    this.opened.push(entry);
    return { close: () => (entry.closed = true) };
  };
  get last() {
    const entry = this.opened.at(-1);
    if (!entry) throw new Error('no socket was opened');
    return entry;
  }
}

interface RecordedRequest {
  url: string;
  init: RequestInit | undefined;
}

function bodyOf(init: RequestInit | undefined): string {
  if (typeof init?.body !== 'string') throw new Error('expected a JSON string body');
  return init.body;
}

const callNameOf = (request: RecordedRequest) => (JSON.parse(bodyOf(request.init)) as { name: string }).name;

/** A fetch that answers each call by name from `answers`, recording every request. */
function fakeFetch(answers: Record<string, () => Response | Promise<Response>>) {
  const requests: RecordedRequest[] = [];
  const fetch = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    const request = { url: input instanceof Request ? input.url : input.toString(), init };
    requests.push(request);
    const name = callNameOf(request);
    const answer = answers[name];
    return Promise.resolve(
      answer ? answer() : Response.json({ ok: false, error: { code: 'UNKNOWN_CALL', message: name } }),
    );
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, requests };
}

const ok = (value: unknown) => () => Response.json({ ok: true, value });

function makeBridge(overrides: Partial<HttpBridgeOptions> = {}) {
  const sockets = new FakeSockets();
  const { fetch, requests } = fakeFetch({ getStatus: ok(status), getQueueCounts: ok(counts) });
  const bridge = createHttpBridge({
    callUrl: 'http://127.0.0.1:4321/api/call',
    eventsUrl: 'ws://127.0.0.1:4321/api/events',
    token: 'secret token',
    fetch,
    openSocket: sockets.open,
    reconnectDelay: { initialMs: 100, maxMs: 1_000 },
    ...overrides,
  });
  return { bridge, sockets, requests };
}

describe('calls', () => {
  it('posts {name, args} with the bearer token and returns the answered result', async () => {
    const { fetch, requests } = fakeFetch({ setPreferences: ok({ locale: 'en', theme: 'dark' }) });
    const { bridge } = makeBridge({ fetch });
    await expect(bridge.setPreferences({ locale: 'en' })).resolves.toEqual({
      ok: true,
      value: { locale: 'en', theme: 'dark' },
    });
    const [request] = requests;
    expect(request?.url).toBe('http://127.0.0.1:4321/api/call');
    expect(request?.init?.method).toBe('POST');
    expect(new Headers(request?.init?.headers).get('authorization')).toBe('Bearer secret token');
    expect(new Headers(request?.init?.headers).get('content-type')).toBe('application/json');
    expect(JSON.parse(bodyOf(request?.init))).toEqual({
      name: 'setPreferences',
      args: [{ locale: 'en' }],
    });
    bridge.close();
  });

  it('passes a refusal through as the result it is (401 carries a BridgeResult)', async () => {
    const refusal = { ok: false, error: { code: 'UNAUTHORIZED', message: 'missing or wrong access token' } };
    const { fetch } = fakeFetch({ getAppInfo: () => Response.json(refusal, { status: 401 }) });
    const { bridge } = makeBridge({ fetch });
    await expect(bridge.getAppInfo()).resolves.toEqual(refusal);
    bridge.close();
  });

  it('turns a network failure into UNREACHABLE instead of throwing', async () => {
    const fetch = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof globalThis.fetch;
    const { bridge } = makeBridge({ fetch });
    await expect(bridge.getStatus()).resolves.toEqual({
      ok: false,
      error: { code: 'UNREACHABLE', message: 'TypeError: Failed to fetch' },
    });
    bridge.close();
  });

  it('turns a timeout into UNREACHABLE naming the wait', async () => {
    const timeout = new DOMException('signal timed out', 'TimeoutError');
    const fetch = (() => Promise.reject(timeout)) as typeof globalThis.fetch;
    const { bridge } = makeBridge({ fetch, callTimeoutMs: 15_000 });
    await expect(bridge.getStatus()).resolves.toEqual({
      ok: false,
      error: { code: 'UNREACHABLE', message: 'no answer within 15 s' },
    });
    bridge.close();
  });

  it('turns an answer that is not a bridge result into an error result', async () => {
    const { fetch } = fakeFetch({
      getAppInfo: () => new Response('<html>Bad gateway</html>', { status: 502 }),
      getStatus: () => new Response('nope', { status: 403 }),
    });
    const { bridge } = makeBridge({ fetch });
    await expect(bridge.getAppInfo()).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    await expect(bridge.getStatus()).resolves.toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    bridge.close();
  });

  it('maps an error code this page does not know to INTERNAL, keeping it in the message', async () => {
    const { fetch } = fakeFetch({
      getAppInfo: () => Response.json({ ok: false, error: { code: 'FROM_THE_FUTURE', message: 'later' } }),
    });
    const { bridge } = makeBridge({ fetch });
    const result = await bridge.getAppInfo();
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(result.ok ? '' : result.error.message).toContain('FROM_THE_FUTURE');
    bridge.close();
  });
});

describe('events', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens the socket with the token and delivers envelopes to the listeners of their event', () => {
    const { bridge, sockets } = makeBridge();
    expect(sockets.last.url).toBe('ws://127.0.0.1:4321/api/events?token=secret%20token');
    const seen: unknown[] = [];
    bridge.on('status', (payload) => seen.push(['status', payload]));
    bridge.on('queueCounts', (payload) => seen.push(['queueCounts', payload]));
    sockets.last.handlers.onMessage(JSON.stringify({ event: 'queueCounts', payload: counts }));
    expect(seen).toEqual([['queueCounts', counts]]);
    bridge.close();
  });

  it('ignores malformed and unknown messages', () => {
    const { bridge, sockets } = makeBridge();
    const listener = vi.fn();
    bridge.on('status', listener);
    for (const data of ['not json', '{}', '{"event":"status"}', '{"event":"nope","payload":{}}', 42, null]) {
      sockets.last.handlers.onMessage(data);
    }
    expect(listener).not.toHaveBeenCalled();
    bridge.close();
  });

  it('stops delivering after unsubscribe, and one failing listener does not starve the others', () => {
    const { bridge, sockets } = makeBridge();
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const removed = vi.fn();
    const kept = vi.fn();
    bridge.on('status', () => {
      throw new Error('listener bug');
    });
    const unsubscribe = bridge.on('status', removed);
    bridge.on('status', kept);
    unsubscribe();
    sockets.last.handlers.onMessage(JSON.stringify({ event: 'status', payload: status }));
    expect(removed).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledWith(status);
    expect(consoleError).toHaveBeenCalledOnce();
    consoleError.mockRestore();
    bridge.close();
  });

  it('treats each subscription of the same function as its own', () => {
    const { bridge, sockets } = makeBridge();
    const listener = vi.fn();
    const first = bridge.on('status', listener);
    bridge.on('status', listener);
    first();
    sockets.last.handlers.onMessage(JSON.stringify({ event: 'status', payload: status }));
    expect(listener).toHaveBeenCalledOnce();
    bridge.close();
  });

  it('re-reads status and queue counts whenever the socket opens, since events sent meanwhile are lost', async () => {
    const { bridge, sockets, requests } = makeBridge();
    const seen: string[] = [];
    bridge.on('status', () => seen.push('status'));
    bridge.on('queueCounts', () => seen.push('queueCounts'));
    sockets.last.handlers.onOpen();
    await vi.runAllTimersAsync();
    expect(requests.map(callNameOf).sort()).toEqual(['getQueueCounts', 'getStatus']);
    expect(seen.sort()).toEqual(['queueCounts', 'status']);
    bridge.close();
  });

  it('drops a re-read answer when the socket delivered that event meanwhile, as the event is newer', async () => {
    let answerStatus: (response: Response) => void = () => undefined;
    const { fetch } = fakeFetch({
      getStatus: () => new Promise<Response>((resolve) => (answerStatus = resolve)),
      getQueueCounts: ok(counts),
    });
    const { bridge, sockets } = makeBridge({ fetch });
    const statuses: ShellStatus[] = [];
    bridge.on('status', (payload) => statuses.push(payload));
    sockets.last.handlers.onOpen();
    const newer = { ...status, pendingActions: 9 };
    sockets.last.handlers.onMessage(JSON.stringify({ event: 'status', payload: newer }));
    answerStatus(Response.json({ ok: true, value: status }));
    await vi.runAllTimersAsync();
    expect(statuses).toEqual([newer]);
    bridge.close();
  });

  it('reconnects with growing, capped delays, reports the link, and resets the delay once open', async () => {
    const { bridge, sockets } = makeBridge();
    const links: EventLinkState[] = [];
    bridge.onLinkChange((state) => links.push(state));

    const reconnectAfter = (ms: number) => {
      const before = sockets.opened.length;
      sockets.last.handlers.onClose();
      vi.advanceTimersByTime(ms - 1);
      expect(sockets.opened.length, `no reconnect before ${ms} ms`).toBe(before);
      vi.advanceTimersByTime(1);
      expect(sockets.opened.length, `reconnect at ${ms} ms`).toBe(before + 1);
    };
    reconnectAfter(100);
    reconnectAfter(200);
    reconnectAfter(400);
    reconnectAfter(800);
    reconnectAfter(1_000);
    reconnectAfter(1_000);
    sockets.last.handlers.onOpen();
    reconnectAfter(100);
    await vi.runOnlyPendingTimersAsync();

    expect(links).toEqual(['down', 'open', 'down']);
    bridge.close();
  });

  it('ignores a second close and anything a replaced socket still sends', () => {
    const { bridge, sockets } = makeBridge();
    const listener = vi.fn();
    bridge.on('status', listener);
    const first = sockets.last;
    first.handlers.onClose();
    first.handlers.onClose();
    vi.advanceTimersByTime(100);
    expect(sockets.opened).toHaveLength(2);
    first.handlers.onMessage(JSON.stringify({ event: 'status', payload: status }));
    expect(listener).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(sockets.opened).toHaveLength(2);
    bridge.close();
  });

  it('retries when the socket cannot even be constructed', () => {
    let attempts = 0;
    const { bridge } = makeBridge({
      openSocket: () => {
        attempts += 1;
        throw new SyntaxError('invalid URL');
      },
    });
    expect(attempts).toBe(1);
    vi.advanceTimersByTime(100);
    expect(attempts).toBe(2);
    bridge.close();
  });

  it('close() closes the socket and stops reconnecting', () => {
    const { bridge, sockets } = makeBridge();
    const socket = sockets.last;
    bridge.close();
    expect(socket.closed).toBe(true);
    socket.handlers.onClose();
    vi.advanceTimersByTime(60_000);
    expect(sockets.opened).toHaveLength(1);
  });
});
