import {
  bridgeErrorCodes,
  eventNames,
  type BridgeError,
  type BridgeErrorCode,
  type BridgeResult,
  type CallArgs,
  type CallEnvelope,
  type CallName,
  type CallResults,
  type DutyDeskBridge,
  type EventEnvelope,
  type EventName,
  type EventPayloads,
  type Unsubscribe,
} from '../../../preload/contract';

/** The event socket's life as the page sees it: `down` means events are being missed until it reopens. */
export type EventLinkState = 'connecting' | 'open' | 'down';

export interface EventSocketHandlers {
  onOpen(): void;
  onMessage(data: unknown): void;
  /** Called once when the socket closes or fails to open (a WebSocket's `error` is always followed by `close`). */
  onClose(): void;
}
export interface EventSocket {
  close(): void;
}
export type OpenEventSocket = (url: string, handlers: EventSocketHandlers) => EventSocket;

export interface ReconnectDelay {
  initialMs: number;
  maxMs: number;
}

export interface HttpBridgeOptions {
  /** Where calls are posted: `/api/call` of the page's own origin. */
  callUrl: string;
  /** The event socket's address without the token: `ws://<host>/api/events`. */
  eventsUrl: string;
  token: string;
  fetch: typeof globalThis.fetch;
  openSocket: OpenEventSocket;
  /** A call not answered in this time fails as UNREACHABLE rather than hanging the page. */
  callTimeoutMs?: number;
  reconnectDelay?: ReconnectDelay;
}

/** The contract's bridge over HTTP and a WebSocket, plus what only a network transport has: a link that can drop. */
export interface HttpBridge extends DutyDeskBridge {
  onLinkChange(listener: (state: EventLinkState) => void): Unsubscribe;
  /** Stops the event socket and its reconnection for good. */
  close(): void;
}

const DEFAULT_CALL_TIMEOUT_MS = 15_000;
// The host is on loopback: a short first retry, and a ceiling low enough that the page is back
// within seconds of DutyDesk restarting.
const DEFAULT_RECONNECT_DELAY: ReconnectDelay = { initialMs: 500, maxMs: 10_000 };

type EventListeners = { [E in EventName]: Set<(payload: EventPayloads[E]) => void> };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

function failure(code: BridgeErrorCode, message: string): { ok: false; error: BridgeError } {
  return { ok: false, error: { code, message } };
}

/**
 * Reads the host's answer. A result whose error code this page does not know (a newer DutyDesk)
 * becomes INTERNAL, keeping the original code in the message, so the UI always has a text for it.
 */
function asBridgeResult(body: unknown): BridgeResult<unknown> | null {
  if (!isRecord(body)) return null;
  if (body.ok === true && 'value' in body) return { ok: true, value: body.value };
  if (body.ok !== false || !isRecord(body.error)) return null;
  const { code, message } = body.error;
  const text = typeof message === 'string' ? message : '';
  if (typeof code === 'string' && (bridgeErrorCodes as readonly string[]).includes(code)) {
    return failure(code as BridgeErrorCode, text);
  }
  return failure('INTERNAL', `unknown error code ${JSON.stringify(code)}: ${text}`);
}

function asEventEnvelope(data: unknown): EventEnvelope | null {
  if (typeof data !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isRecord(value) || !isRecord(value.payload)) return null;
  if (typeof value.event !== 'string' || !(eventNames as readonly string[]).includes(value.event))
    return null;
  return value as unknown as EventEnvelope;
}

function describeNetworkFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
    return `${error.name}: ${error.message}`;
  }
  return String(error);
}

/**
 * Browser mode's bridge: each call is `POST /api/call` with the bearer token, events arrive on a
 * WebSocket. Nothing here throws to the caller: a failed request is an `UNREACHABLE` result. When the
 * socket drops it reopens with growing delays; on every open it re-reads the status and the queue
 * counts and hands them to the listeners, because events sent while it was closed are lost.
 */
export function createHttpBridge(options: HttpBridgeOptions): HttpBridge {
  const callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const reconnectDelay = options.reconnectDelay ?? DEFAULT_RECONNECT_DELAY;
  const listeners: EventListeners = {
    status: new Set(),
    queueCounts: new Set(),
    preferences: new Set(),
    alarms: new Set(),
  };
  const linkListeners = new Set<(state: EventLinkState) => void>();
  const eventsReceived: Record<EventName, number> = {
    status: 0,
    queueCounts: 0,
    preferences: 0,
    alarms: 0,
  };

  let link: EventLinkState = 'connecting';
  let socket: EventSocket | null = null;
  // Each socket's handlers carry the generation they were opened in, so a late event from a
  // replaced socket is ignored.
  let generation = 0;
  let failedAttempts = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  async function call<N extends CallName>(name: N, args: CallArgs<N>): Promise<BridgeResult<CallResults[N]>> {
    const envelope: CallEnvelope = { name, args };
    let text: string;
    let status: number;
    try {
      const response = await options.fetch(options.callUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify(envelope),
        cache: 'no-store',
        signal: AbortSignal.timeout(callTimeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      return failure('UNREACHABLE', describeNetworkFailure(error, callTimeoutMs));
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const result = asBridgeResult(body);
    if (result) return result as BridgeResult<CallResults[N]>;
    const code = status === 401 || status === 403 ? 'UNAUTHORIZED' : 'INTERNAL';
    return failure(code, `HTTP ${status}: the answer to ${name} is not a bridge result`);
  }

  function emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    for (const listener of listeners[event]) {
      try {
        listener(payload);
      } catch (error) {
        // One faulty listener must not starve the others of the event.
        console.error(`a listener of the ${event} event failed`, error);
      }
    }
  }

  function setLink(state: EventLinkState): void {
    if (link === state) return;
    link = state;
    for (const listener of linkListeners) listener(state);
  }

  async function refreshAfterOpen(): Promise<void> {
    const seen = { ...eventsReceived };
    const [status, counts] = await Promise.all([call('getStatus', []), call('getQueueCounts', [])]);
    if (closed) return;
    // A failure is not reported: the socket just opened, so the next event brings fresh data anyway.
    // An answer is dropped when the socket delivered that event meanwhile: the event is the newer.
    if (status.ok && eventsReceived.status === seen.status) emit('status', status.value);
    if (counts.ok && eventsReceived.queueCounts === seen.queueCounts) emit('queueCounts', counts.value);
  }

  function scheduleReconnect(): void {
    const delay = Math.min(reconnectDelay.maxMs, reconnectDelay.initialMs * 2 ** failedAttempts);
    failedAttempts += 1;
    reconnectTimer = setTimeout(connect, delay);
  }

  function connect(): void {
    if (closed) return;
    generation += 1;
    const mine = generation;
    const current = () => mine === generation && !closed;
    const url = `${options.eventsUrl}?token=${encodeURIComponent(options.token)}`;
    try {
      socket = options.openSocket(url, {
        onOpen: () => {
          if (!current()) return;
          failedAttempts = 0;
          setLink('open');
          void refreshAfterOpen();
        },
        onMessage: (data) => {
          if (!current()) return;
          const envelope = asEventEnvelope(data);
          if (!envelope) return;
          eventsReceived[envelope.event] += 1;
          emit(envelope.event, envelope.payload);
        },
        onClose: () => {
          if (!current()) return;
          socket = null;
          generation += 1; // so that anything more from this socket, a second close included, is ignored
          setLink('down');
          scheduleReconnect();
        },
      });
    } catch {
      // The constructor refused the address: retry like a failed connection rather than give up.
      setLink('down');
      scheduleReconnect();
    }
  }

  connect();

  return {
    getAppInfo: () => call('getAppInfo', []),
    getStatus: () => call('getStatus', []),
    getQueueCounts: () => call('getQueueCounts', []),
    getPreferences: () => call('getPreferences', []),
    setPreferences: (patch) => call('setPreferences', [patch]),
    signIn: (credentials) => call('signIn', [credentials]),
    signOut: () => call('signOut', []),
    submitAction: (action) => call('submitAction', [action]),
    listUnfinishedActions: () => call('listUnfinishedActions', []),
    retryAction: (retry) => call('retryAction', [retry]),
    discardAction: (discard) => call('discardAction', [discard]),
    getQueuePage: (request) => call('getQueuePage', [request]),
    locateQueueRow: (request) => call('locateQueueRow', [request]),
    getItemDetail: (ref) => call('getItemDetail', [ref]),
    getReadings: (request) => call('getReadings', [request]),
    snoozeWorkPrompt: (snooze) => call('snoozeWorkPrompt', [snooze]),
    dismissWorkPrompt: (dismissal) => call('dismissWorkPrompt', [dismissal]),
    getAlarms: () => call('getAlarms', []),
    acknowledgeAlarms: (request) => call('acknowledgeAlarms', [request]),
    setAlarmMute: (mute) => call('setAlarmMute', [mute]),
    on(event, listener) {
      // A wrapper per subscription (as the preload does): subscribing one function twice gives two
      // subscriptions, and each unsubscribe ends only its own.
      const subscription: typeof listener = (payload) => listener(payload);
      const set = listeners[event];
      set.add(subscription);
      return () => {
        set.delete(subscription);
      };
    },
    onLinkChange(listener) {
      linkListeners.add(listener);
      return () => linkListeners.delete(listener);
    },
    close() {
      closed = true;
      clearTimeout(reconnectTimer);
      socket?.close();
      socket = null;
    },
  };
}
