import { BRIDGE_GLOBAL, type DutyDeskBridge, type Unsubscribe } from '../../../preload/contract';
import { takeAccessToken } from './access-token';
import { createHttpBridge, type EventLinkState, type OpenEventSocket } from './http-bridge';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    [BRIDGE_GLOBAL]?: DutyDeskBridge;
  }
}

export type Transport =
  | {
      kind: 'bridge';
      bridge: DutyDeskBridge;
      /** Present when the transport is a network link that can drop (browser mode). */
      watchLink?: (listener: (state: EventLinkState) => void) => Unsubscribe;
    }
  /** Browser mode opened without the token in the address or in this tab's storage. */
  | { kind: 'missing-token' };

const openBrowserSocket: OpenEventSocket = (url, handlers) => {
  const socket = new WebSocket(url);
  socket.addEventListener('open', () => handlers.onOpen());
  socket.addEventListener('message', (message: MessageEvent<unknown>) => handlers.onMessage(message.data));
  socket.addEventListener('close', () => handlers.onClose());
  return socket;
};

/** The preload's bridge in the desktop window; otherwise browser mode's HTTP/WebSocket client to this page's host. */
export function selectTransport(): Transport {
  const preloaded = window[BRIDGE_GLOBAL];
  if (preloaded) return { kind: 'bridge', bridge: preloaded };

  const token = takeAccessToken({
    href: window.location.href,
    // Reached lazily: the sessionStorage getter itself throws where storage is disabled.
    storage: {
      getItem: (key) => window.sessionStorage.getItem(key),
      setItem: (key, value) => window.sessionStorage.setItem(key, value),
    },
    replaceAddress: (address) => window.history.replaceState(window.history.state, '', address),
  });
  if (!token) return { kind: 'missing-token' };

  const bridge = createHttpBridge({
    callUrl: new URL('/api/call', window.location.origin).href,
    eventsUrl: `ws://${window.location.host}/api/events`,
    token,
    fetch: (input, init) => window.fetch(input, init),
    openSocket: openBrowserSocket,
  });
  return { kind: 'bridge', bridge, watchLink: (listener) => bridge.onLinkChange(listener) };
}
