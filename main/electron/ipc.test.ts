import { describe, expect, it, vi } from 'vitest';
import { BRIDGE_CALL_CHANNEL, BRIDGE_EVENT_CHANNEL, type BridgeResult } from '../../preload/contract';
import type { Dispatch } from '../core/bridge/dispatcher';
import { EventHub } from '../core/events';
import { registerBridge, type BridgeInvokeEvent, type BridgeIpcMain, type BridgeWebContents } from './ipc';

type Listener = (event: BridgeInvokeEvent, ...args: unknown[]) => Promise<BridgeResult<unknown>>;

class FakeIpcMain implements BridgeIpcMain {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(event: BridgeInvokeEvent, ...args: unknown[]): Promise<BridgeResult<unknown>> {
    const handler = this.handlers.get(BRIDGE_CALL_CHANNEL);
    if (!handler) throw new Error('no handler');
    return handler(event, ...args);
  }
}

let nextId = 1;
function fakeContents(url = 'app://dutydesk/index.html') {
  const contents = {
    id: nextId++,
    mainFrame: { url, frameTreeNodeId: nextId++ },
    destroyed: false,
    isDestroyed: () => contents.destroyed,
    send: vi.fn<(channel: string, ...args: unknown[]) => void>(),
  };
  return contents satisfies BridgeWebContents;
}

function setup() {
  const ipcMain = new FakeIpcMain();
  const dispatch = vi.fn<Dispatch>(() => Promise.resolve({ ok: true, value: 'served' }));
  const events = new EventHub();
  const warn = vi.fn();
  const ours = fakeContents();
  const open = [ours];
  const dispose = registerBridge({ ipcMain, dispatch, events, windows: () => open, logger: { warn } });
  return { ipcMain, dispatch, events, warn, ours, open, dispose };
}

describe('bridge calls over IPC', () => {
  it('dispatches a call from the main frame of our window', async () => {
    const { ipcMain, dispatch, ours } = setup();
    const result = await ipcMain.invoke({ sender: ours, senderFrame: ours.mainFrame }, 'setPreferences', [
      { theme: 'light' },
    ]);
    expect(result).toEqual({ ok: true, value: 'served' });
    expect(dispatch).toHaveBeenCalledWith('setPreferences', [{ theme: 'light' }]);
  });

  it('answers UNAUTHORIZED, without dispatching, to an iframe, a gone frame, a foreign page or another window', async () => {
    const { ipcMain, dispatch, ours, warn } = setup();
    const foreignPage = fakeContents('https://example.com/');
    const stranger = fakeContents();
    const refused: BridgeInvokeEvent[] = [
      { sender: ours, senderFrame: { url: 'app://dutydesk/index.html', frameTreeNodeId: 999 } },
      { sender: ours, senderFrame: null },
      { sender: foreignPage, senderFrame: foreignPage.mainFrame },
      { sender: stranger, senderFrame: stranger.mainFrame },
    ];
    for (const event of refused) {
      await expect(ipcMain.invoke(event, 'getStatus', [])).resolves.toEqual({
        ok: false,
        error: { code: 'UNAUTHORIZED', message: expect.any(String) as string },
      });
    }
    expect(dispatch).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(refused.length);
  });

  it('stops serving once disposed', () => {
    const { ipcMain, dispose } = setup();
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });
});

describe('core events over IPC', () => {
  const preferences = { locale: 'zh-CN', theme: 'dark' } as const;

  it('sends each event to every live window of ours as an envelope', () => {
    const { events, ours, open } = setup();
    const second = fakeContents();
    open.push(second);
    events.emit('preferences', preferences);
    for (const contents of [ours, second]) {
      expect(contents.send).toHaveBeenCalledWith(BRIDGE_EVENT_CHANNEL, {
        event: 'preferences',
        payload: preferences,
      });
    }
  });

  it('skips destroyed windows and windows showing a foreign page', () => {
    const { events, ours, open } = setup();
    const foreign = fakeContents('https://example.com/');
    open.push(foreign);
    ours.destroyed = true;
    events.emit('preferences', preferences);
    expect(ours.send).not.toHaveBeenCalled();
    expect(foreign.send).not.toHaveBeenCalled();
  });

  it('stops forwarding once disposed', () => {
    const { events, ours, dispose } = setup();
    dispose();
    events.emit('preferences', preferences);
    expect(ours.send).not.toHaveBeenCalled();
  });
});
