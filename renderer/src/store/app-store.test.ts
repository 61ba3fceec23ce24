import { describe, expect, it, vi } from 'vitest';
import type {
  AppInfo,
  BridgeResult,
  DutyDeskBridge,
  EventName,
  EventPayloads,
  Preferences,
  QueueCountsSnapshot,
  ShellStatus,
} from '../../../preload/contract';
import { createAppStore } from './app-store';
import { groupFailuresByCode } from './notices-slice';
import { startSession } from './session';
import { currentServerTime } from './status-slice';

const appInfo: AppInfo = {
  name: 'DutyDesk',
  version: '0.1.0',
  mode: 'browser',
  demo: true,
  dataDir: '/tmp/dd',
  platformTimeZone: 'Asia/Shanghai',
};
const status = (overrides: Partial<ShellStatus> = {}): ShellStatus => ({
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
  pendingActions: 0,
  rejectedActions: 0,
  heldActions: null,
  operator: null,
  ...overrides,
});
const counts = (redAlerts: number): QueueCountsSnapshot => ({
  counts: {
    redAlerts,
    undispatched: 1,
    overdueClosure: 2,
    nonStandard: 3,
    workPrompts: 4,
    silentScenes: 5,
    deviceIssues: 6,
    syncRate: 7,
    dutyItems: 8,
  },
  dataAsOf: null,
});
const ok = <T>(value: T): BridgeResult<T> => ({ ok: true, value });
const unreachable: BridgeResult<never> = {
  ok: false,
  error: { code: 'UNREACHABLE', message: 'Failed to fetch' },
};

/** A bridge whose calls answer from `answers` (each a function, so a test can hold one back) and whose events a test emits. */
function fakeBridge(answers: Partial<{ [N in keyof DutyDeskBridge]: DutyDeskBridge[N] }> = {}) {
  let preferences: Preferences = { locale: 'zh-CN', theme: 'dark' };
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const bridge: DutyDeskBridge = {
    getAppInfo: () => Promise.resolve(ok(appInfo)),
    getStatus: () => Promise.resolve(ok(status())),
    getQueueCounts: () => Promise.resolve(ok(counts(1))),
    getPreferences: () => Promise.resolve(ok(preferences)),
    setPreferences: (patch) => {
      preferences = { locale: patch.locale ?? preferences.locale, theme: patch.theme ?? preferences.theme };
      return Promise.resolve(ok(preferences));
    },
    // The first screen makes none of these calls; answering them would hide a call it should not make.
    signIn: () => Promise.resolve(unreachable),
    signOut: () => Promise.resolve(unreachable),
    submitAction: () => Promise.resolve(unreachable),
    listUnfinishedActions: () => Promise.resolve(unreachable),
    retryAction: () => Promise.resolve(unreachable),
    discardAction: () => Promise.resolve(unreachable),
    getItemDetail: () => Promise.resolve(unreachable),
    getReadings: () => Promise.resolve(unreachable),
    snoozeWorkPrompt: () => Promise.resolve(unreachable),
    dismissWorkPrompt: () => Promise.resolve(unreachable),
    getAlarms: () => Promise.resolve(unreachable),
    acknowledgeAlarms: () => Promise.resolve(unreachable),
    setAlarmMute: () => Promise.resolve(unreachable),
    getQueuePage: () => Promise.resolve(unreachable),
    locateQueueRow: () => Promise.resolve(unreachable),
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    ...answers,
  };
  const emit = <E extends EventName>(event: E, payload: EventPayloads[E]) => {
    for (const listener of listeners.get(event) ?? [])
      (listener as (payload: EventPayloads[E]) => void)(payload);
  };
  return {
    bridge,
    emit,
    listenerCount: () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0),
  };
}

/** A promise the test resolves when it chooses. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('session start', () => {
  it('loads preferences, app info, status and counts into their slices', async () => {
    const { bridge } = fakeBridge();
    const store = createAppStore({ bridge, monoNow: () => 1_000 });
    expect(store.getState().preferencesSettled).toBe(false);
    expect(store.getState().queueCounts).toBeNull();
    startSession({ store, bridge });
    await flush();
    const state = store.getState();
    expect(state.preferencesSettled).toBe(true);
    expect(state.appInfo).toEqual(appInfo);
    expect(state.status).toEqual(status());
    expect(state.queueCounts).toEqual(counts(1));
    expect(state.serverClock).toEqual({
      serverMs: Date.parse('2025-03-01T00:00:06.000Z'),
      receivedAtMono: 1_000,
    });
    expect(state.failures).toEqual([]);
  });

  it('applies events, and stops listening when the session ends', async () => {
    const { bridge, emit, listenerCount } = fakeBridge();
    const store = createAppStore({ bridge, monoNow: () => 0 });
    const stop = startSession({ store, bridge });
    await flush();
    emit('queueCounts', counts(9));
    emit('preferences', { locale: 'en', theme: 'light' });
    emit('status', status({ pendingActions: 4 }));
    expect(store.getState().queueCounts?.counts.redAlerts).toBe(9);
    expect(store.getState().preferences).toEqual({ locale: 'en', theme: 'light' });
    expect(store.getState().status?.pendingActions).toBe(4);
    stop();
    expect(listenerCount()).toBe(0);
  });

  it('keeps an event that arrived while the first read was under way', async () => {
    const heldCounts = deferred<BridgeResult<QueueCountsSnapshot>>();
    const { bridge, emit } = fakeBridge({ getQueueCounts: () => heldCounts.promise });
    const store = createAppStore({ bridge, monoNow: () => 0 });
    startSession({ store, bridge });
    emit('queueCounts', counts(5));
    heldCounts.resolve(ok(counts(1)));
    await flush();
    expect(store.getState().queueCounts?.counts.redAlerts).toBe(5);
  });

  it('reports a failed read, still settles the preferences, and keeps the defaults', async () => {
    const failing = () => Promise.resolve(unreachable);
    const { bridge } = fakeBridge({ getPreferences: failing, getStatus: failing });
    const store = createAppStore({ bridge, monoNow: () => 0 });
    startSession({ store, bridge });
    await flush();
    const state = store.getState();
    expect(state.preferencesSettled).toBe(true);
    expect(state.preferences).toEqual({ locale: 'zh-CN', theme: 'dark' });
    expect(state.status).toBeNull();
    expect(state.failures).toEqual([
      { call: 'getPreferences', error: unreachable.error },
      { call: 'getStatus', error: unreachable.error },
    ]);
  });

  it('follows the event link, and re-reads what else may have been missed when it reopens', async () => {
    let appInfoAnswer: BridgeResult<AppInfo> = unreachable;
    const getPreferences = vi.fn(() => Promise.resolve(ok<Preferences>({ locale: 'en', theme: 'dark' })));
    const { bridge } = fakeBridge({ getAppInfo: () => Promise.resolve(appInfoAnswer), getPreferences });
    const store = createAppStore({ bridge, monoNow: () => 0 });
    let report: ((state: 'connecting' | 'open' | 'down') => void) | undefined;
    startSession({ store, bridge, watchLink: (listener) => ((report = listener), () => undefined) });
    report?.('open');
    await flush();
    expect(getPreferences).toHaveBeenCalledTimes(1);
    expect(store.getState().appInfo).toBeNull();

    report?.('down');
    expect(store.getState().eventLink).toBe('down');
    appInfoAnswer = ok(appInfo);
    report?.('open');
    await flush();
    expect(store.getState().eventLink).toBe('open');
    expect(getPreferences).toHaveBeenCalledTimes(2);
    expect(store.getState().appInfo).toEqual(appInfo);
    expect(store.getState().failures).toEqual([]);
  });
});

describe('preferences', () => {
  it('switches at once and keeps what main saved', async () => {
    const saved = deferred<BridgeResult<Preferences>>();
    const { bridge } = fakeBridge({ setPreferences: () => saved.promise });
    const store = createAppStore({ bridge, monoNow: () => 0 });
    const done = store.getState().updatePreferences({ locale: 'en' });
    expect(store.getState().preferences.locale).toBe('en');
    saved.resolve(ok({ locale: 'en', theme: 'dark' }));
    await done;
    expect(store.getState().preferences).toEqual({ locale: 'en', theme: 'dark' });
  });

  it('undoes a switch that main could not save and says why', async () => {
    const { bridge } = fakeBridge({ setPreferences: () => Promise.resolve(unreachable) });
    const store = createAppStore({ bridge, monoNow: () => 0 });
    await store.getState().updatePreferences({ theme: 'light' });
    expect(store.getState().preferences.theme).toBe('dark');
    expect(store.getState().failures).toEqual([{ call: 'setPreferences', error: unreachable.error }]);
  });

  it('does not undo a later change when an earlier save fails', async () => {
    const saved = deferred<BridgeResult<Preferences>>();
    const { bridge } = fakeBridge({ setPreferences: () => saved.promise });
    const store = createAppStore({ bridge, monoNow: () => 0 });
    const done = store.getState().updatePreferences({ theme: 'light', locale: 'en' });
    store.getState().applyPreferences({ locale: 'zh-CN', theme: 'light' });
    saved.resolve(unreachable);
    await done;
    // The theme is still this change's and goes back; the language was changed since and stays.
    expect(store.getState().preferences).toEqual({ locale: 'zh-CN', theme: 'dark' });
  });
});

describe('notices', () => {
  it('keeps one failure per call, until that call succeeds', async () => {
    let answer: BridgeResult<ShellStatus> = unreachable;
    const { bridge } = fakeBridge({ getStatus: () => Promise.resolve(answer) });
    const store = createAppStore({ bridge, monoNow: () => 0 });
    await store.getState().loadStatus();
    await store.getState().loadStatus();
    await store.getState().loadQueueCounts();
    expect(store.getState().failures).toEqual([{ call: 'getStatus', error: unreachable.error }]);
    answer = ok(status());
    await store.getState().loadStatus();
    expect(store.getState().failures).toEqual([]);
  });

  it('clears a failed read when an event brings what it would have read', async () => {
    const { bridge, emit } = fakeBridge({ getQueueCounts: () => Promise.resolve(unreachable) });
    const store = createAppStore({ bridge, monoNow: () => 0 });
    startSession({ store, bridge });
    await flush();
    expect(store.getState().failures.map((failure) => failure.call)).toEqual(['getQueueCounts']);
    emit('queueCounts', counts(2));
    expect(store.getState().failures).toEqual([]);
  });

  it('keeps failures until dismissed, whatever the link does', () => {
    const { bridge } = fakeBridge();
    const store = createAppStore({ bridge, monoNow: () => 0 });
    store.getState().reportFailure('getAppInfo', { code: 'INTERNAL', message: 'boom' });
    store.getState().setEventLink('open');
    expect(store.getState().failures).toHaveLength(1);
    store.getState().dismissFailures();
    expect(store.getState().failures).toEqual([]);
  });

  it('groups failures by cause, in the order they first happened', () => {
    expect(
      groupFailuresByCode([
        { call: 'getStatus', error: { code: 'UNREACHABLE', message: 'a' } },
        { call: 'getAppInfo', error: { code: 'INTERNAL', message: 'b' } },
        { call: 'getQueueCounts', error: { code: 'UNREACHABLE', message: 'c' } },
      ]),
    ).toEqual([
      {
        code: 'UNREACHABLE',
        calls: ['getStatus', 'getQueueCounts'],
        messages: ['getStatus: a', 'getQueueCounts: c'],
      },
      { code: 'INTERNAL', calls: ['getAppInfo'], messages: ['getAppInfo: b'] },
    ]);
  });
});

describe('queues', () => {
  it('starts on the first queue and selects another', () => {
    const { bridge } = fakeBridge();
    const store = createAppStore({ bridge, monoNow: () => 0 });
    expect(store.getState().selectedQueue).toBe('redAlerts');
    store.getState().selectQueue('deviceIssues');
    expect(store.getState().selectedQueue).toBe('deviceIssues');
  });
});

describe('server time', () => {
  it('advances the last snapshot by the monotonic time since it arrived', () => {
    let mono = 5_000;
    const { bridge } = fakeBridge();
    const store = createAppStore({ bridge, monoNow: () => mono });
    store.getState().applyStatus(status({ serverTime: '2025-03-01T00:00:06.000Z' }));
    mono += 2_500;
    expect(currentServerTime(store.getState().serverClock, mono)).toBe(
      Date.parse('2025-03-01T00:00:08.500Z'),
    );
  });

  it('is unknown while the snapshot has no server time', () => {
    const { bridge } = fakeBridge();
    const store = createAppStore({ bridge, monoNow: () => 0 });
    store.getState().applyStatus(status({ serverTime: null }));
    expect(store.getState().serverClock).toBeNull();
    expect(currentServerTime(null, 1_000)).toBeNull();
  });
});
