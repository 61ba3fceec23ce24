import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BRIDGE_CALL_CHANNEL,
  BRIDGE_EVENT_CHANNEL,
  BRIDGE_GLOBAL,
  callNames,
  type CallName,
  type DutyDeskBridge,
  type ShellStatus,
} from './contract';

type IpcListener = (event: unknown, ...args: unknown[]) => void;

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  ipcListeners: new Map<string, IpcListener[]>(),
  invoke: vi.fn((..._args: unknown[]) => Promise.resolve({ ok: true, value: null })),
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api),
  },
  ipcRenderer: {
    invoke: electron.invoke,
    on: (channel: string, listener: IpcListener) => {
      electron.ipcListeners.set(channel, [...(electron.ipcListeners.get(channel) ?? []), listener]);
    },
  },
}));

/** What main's webContents.send does: every IPC listener of the channel gets (event, envelope). */
function sendFromMain(envelope: unknown): void {
  for (const listener of electron.ipcListeners.get(BRIDGE_EVENT_CHANNEL) ?? []) {
    listener({ sender: 'the IpcRendererEvent must never reach the page' }, envelope);
  }
}

const status: ShellStatus = {
  connection: { state: 'online', since: '2025-01-01T00:00:00.000Z', centralUrl: 'http://c', lastError: null },
  sync: null,
  sessionExpired: false,
  notices: [],
  lastSyncAt: null,
  serverTime: null,
  pendingActions: 0,
  rejectedActions: 0,
  heldActions: null,
  operator: null,
};

let bridge: DutyDeskBridge;

beforeAll(async () => {
  await import('./preload');
  bridge = electron.exposed.get(BRIDGE_GLOBAL) as DutyDeskBridge;
});

describe('preload', () => {
  it('exposes exactly the contract: one method per call, plus on', () => {
    expect([...electron.exposed.keys()]).toEqual([BRIDGE_GLOBAL]);
    expect(Object.keys(bridge).sort()).toEqual([...callNames, 'on'].sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
  });

  it.each(callNames)('%s invokes the call channel with (name, args)', async (name) => {
    electron.invoke.mockClear();
    // One sample argument per call that takes one (the preload passes it through; main validates it).
    // Every call is listed, so a call added to the contract without a sample fails the typecheck.
    const samples: Record<CallName, unknown[]> = {
      getAppInfo: [],
      getStatus: [],
      getQueueCounts: [],
      getPreferences: [],
      signOut: [],
      listUnfinishedActions: [],
      getAlarms: [],
      setPreferences: [{ theme: 'light' }],
      signIn: [{ username: 'zhangmin', password: 'secret' }],
      submitAction: [{ name: 'addNote', args: {} }],
      retryAction: [{ mutationId: 'm-1', args: {} }],
      discardAction: [{ mutationId: 'm-1' }],
      getQueuePage: [{ queue: 'redAlerts', offset: 0, limit: 50 }],
      locateQueueRow: [{ queue: 'redAlerts', item: { entity: 'alert', id: 'a-1' } }],
      getItemDetail: [{ entity: 'alert', id: 'a-1' }],
      getReadings: [{ alertId: 'a-1' }],
      snoozeWorkPrompt: [{ promptId: 'p-1', until: '2026-11-23T10:00:00Z', reason: '等待现场回复' }],
      dismissWorkPrompt: [{ promptId: 'p-1', reason: '已电话处理' }],
      acknowledgeAlarms: [{ alertIds: ['a-1'] }],
      setAlarmMute: [{ until: null }],
    };
    const args = samples[name];
    const method = bridge[name] as (...callArgs: unknown[]) => Promise<unknown>;
    await expect(method(...args)).resolves.toEqual({ ok: true, value: null });
    expect(electron.invoke.mock.calls).toEqual([[BRIDGE_CALL_CHANNEL, name, args]]);
  });

  it('listens to the event channel once, however many subscribe', () => {
    const unsubscribes = Array.from({ length: 20 }, () => bridge.on('status', () => undefined));
    expect(electron.ipcListeners.get(BRIDGE_EVENT_CHANNEL)).toHaveLength(1);
    for (const unsubscribe of unsubscribes) unsubscribe();
  });

  it('delivers only the payload of the subscribed event, until unsubscribed', () => {
    const onStatus = vi.fn();
    const onPreferences = vi.fn();
    const unsubscribe = bridge.on('status', onStatus);
    bridge.on('preferences', onPreferences);

    sendFromMain({ event: 'status', payload: status });
    expect(onStatus.mock.calls).toEqual([[status]]);
    expect(onPreferences).not.toHaveBeenCalled();

    unsubscribe();
    sendFromMain({ event: 'status', payload: status });
    expect(onStatus).toHaveBeenCalledTimes(1);
  });

  it('keeps two subscriptions of one function independent', () => {
    const listener = vi.fn();
    const first = bridge.on('queueCounts', listener);
    bridge.on('queueCounts', listener);
    first();
    sendFromMain({ event: 'queueCounts', payload: { counts: {}, dataAsOf: null } });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('ignores envelopes that are not the contract, and refuses unknown event names', () => {
    const listener = vi.fn();
    bridge.on('status', listener);
    for (const junk of [
      null,
      'status',
      { event: 'status' },
      { event: 'secrets', payload: 1 },
      { payload: 1 },
    ]) {
      sendFromMain(junk);
    }
    expect(listener).not.toHaveBeenCalled();
    expect(() => bridge.on('secrets' as 'status', listener)).toThrow(TypeError);
  });

  it('keeps delivering to the other listeners when one throws', () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const after = vi.fn();
    bridge.on('status', () => {
      throw new Error('broken component');
    });
    bridge.on('status', after);
    sendFromMain({ event: 'status', payload: status });
    expect(after).toHaveBeenCalledWith(status);
    expect(consoleError).toHaveBeenCalledOnce();
    consoleError.mockRestore();
  });
});
