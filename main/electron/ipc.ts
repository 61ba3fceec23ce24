/**
 * The bridge over Electron IPC: calls from the preload reach the core's one dispatcher, the core's events
 * reach every live window. Written against the few members of ipcMain and WebContents it uses, so the tests
 * drive it with fakes; Electron's own objects satisfy these shapes.
 */
import {
  BRIDGE_CALL_CHANNEL,
  BRIDGE_EVENT_CHANNEL,
  type BridgeResult,
  type EventEnvelope,
} from '../../preload/contract';
import type { Dispatch } from '../core/bridge/dispatcher';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import { isAppUrl, isTrustedSender, type FrameIdentity } from './policy';

export interface BridgeWebContents {
  readonly id: number;
  readonly mainFrame: FrameIdentity;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

export interface BridgeInvokeEvent {
  readonly sender: BridgeWebContents;
  readonly senderFrame: FrameIdentity | null;
}

export interface BridgeIpcMain {
  handle(
    channel: string,
    listener: (event: BridgeInvokeEvent, ...args: unknown[]) => Promise<BridgeResult<unknown>>,
  ): void;
  removeHandler(channel: string): void;
}

export interface BridgeOptions {
  ipcMain: BridgeIpcMain;
  dispatch: Dispatch;
  events: Pick<EventHub, 'subscribe'>;
  /** The web contents of DutyDesk's own windows, read at each call (windows come and go). */
  windows: () => Iterable<BridgeWebContents>;
  logger: Pick<Logger, 'warn'>;
}

const unauthorized: BridgeResult<never> = {
  ok: false,
  error: { code: 'UNAUTHORIZED', message: 'the call did not come from the main frame of a DutyDesk window' },
};

/** Registers the call handler and the event forwarding; returns the function that undoes both. */
export function registerBridge(options: BridgeOptions): () => void {
  const { ipcMain, dispatch, windows, logger } = options;

  ipcMain.handle(BRIDGE_CALL_CHANNEL, async (event, name, args) => {
    const sender = event.sender;
    const isOurWindow = [...windows()].some((contents) => contents.id === sender.id);
    if (!isTrustedSender(event.senderFrame, sender.mainFrame, isOurWindow)) {
      // The name comes from an untrusted page: logged short, never in full.
      const call = typeof name === 'string' ? JSON.stringify(name.slice(0, 64)) : `of type ${typeof name}`;
      logger.warn(
        `refused bridge call ${call} from ${event.senderFrame?.url.slice(0, 200) ?? 'a gone frame'}`,
      );
      return unauthorized;
    }
    return dispatch(name, args);
  });

  const unsubscribe = options.events.subscribe((event, payload) => {
    const envelope: EventEnvelope = { event, payload };
    for (const contents of windows()) {
      // A window that is closing, or whose page is not ours, gets nothing.
      if (contents.isDestroyed() || !isAppUrl(contents.mainFrame.url)) continue;
      contents.send(BRIDGE_EVENT_CHANNEL, envelope);
    }
  });

  return () => {
    unsubscribe();
    ipcMain.removeHandler(BRIDGE_CALL_CHANNEL);
  };
}
