import { describe, expect, it } from 'vitest';
import type {
  AlarmState,
  BridgeResult,
  CallArgs,
  DutyDeskBridge,
  EventPayloads,
} from '../../../preload/contract';
import { createAppStore } from './app-store';

const ok = <T>(value: T): BridgeResult<T> => ({ ok: true, value });
const alarmState = (ids: string[], mutedUntil: string | null = null): AlarmState => ({
  active: ids.map((alertId) => ({
    alertId,
    level: 'red',
    title: `燃气泄漏 ${alertId}`,
    sceneName: '张江燃气管网',
    reportedAt: '2025-07-12T06:00:00.000Z',
  })),
  total: ids.length,
  mutedUntil,
  mutedBy: mutedUntil === null ? null : '张敏',
});

/** A bridge answering only the alarm calls; anything else the slice called would throw. */
function alarmsBridge(initial: AlarmState) {
  let listener: ((state: AlarmState) => void) | null = null;
  const calls: { name: string; args: unknown }[] = [];
  let answerGet: () => Promise<BridgeResult<AlarmState>> = () => Promise.resolve(ok(initial));
  const implemented: Partial<DutyDeskBridge> = {
    getAlarms: () => {
      calls.push({ name: 'getAlarms', args: null });
      return answerGet();
    },
    acknowledgeAlarms: (args: CallArgs<'acknowledgeAlarms'>[0]) => {
      calls.push({ name: 'acknowledgeAlarms', args });
      return Promise.resolve(ok(alarmState([])));
    },
    setAlarmMute: (args: CallArgs<'setAlarmMute'>[0]) => {
      calls.push({ name: 'setAlarmMute', args });
      if (args.until === '2000-01-01T00:00:00Z') {
        return Promise.resolve({
          ok: false,
          error: { code: 'ACTION_REFUSED', message: 'until: must lie in the future' },
        } as const);
      }
      return Promise.resolve(ok(alarmState(['A1'], args.until)));
    },
    on: <E extends keyof EventPayloads>(event: E, handler: (payload: EventPayloads[E]) => void) => {
      if (event === 'alarms') listener = handler as (state: AlarmState) => void;
      return () => {
        listener = null;
      };
    },
  };
  const bridge = new Proxy(implemented, {
    get: (target, name: string) => {
      const value = target[name as keyof DutyDeskBridge];
      if (value === undefined) throw new Error(`unexpected bridge call ${name}`);
      return value;
    },
  }) as DutyDeskBridge;
  return {
    bridge,
    calls,
    emit: (state: AlarmState) => listener?.(state),
    subscribed: () => listener !== null,
    holdGet: (answer: () => Promise<BridgeResult<AlarmState>>) => {
      answerGet = answer;
    },
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('alarms slice', () => {
  it('reads the alarms when watching starts, follows the event, and stops with the unsubscribe', async () => {
    const fake = alarmsBridge(alarmState(['A1']));
    const store = createAppStore({ bridge: fake.bridge, monoNow: () => 0 });
    const stop = store.getState().watchAlarms();
    await flush();
    expect(store.getState().alarms?.active.map((alarm) => alarm.alertId)).toEqual(['A1']);
    fake.emit(alarmState(['A1', 'A2']));
    expect(store.getState().alarms?.total).toBe(2);
    stop();
    expect(fake.subscribed()).toBe(false);
  });

  it('drops a read answered after a newer event', async () => {
    const fake = alarmsBridge(alarmState([]));
    const store = createAppStore({ bridge: fake.bridge, monoNow: () => 0 });
    let release: (result: BridgeResult<AlarmState>) => void = () => undefined;
    fake.holdGet(() => new Promise((resolve) => (release = resolve)));
    store.getState().watchAlarms();
    fake.emit(alarmState(['NEW']));
    release(ok(alarmState(['STALE'])));
    await flush();
    expect(store.getState().alarms?.active.map((alarm) => alarm.alertId)).toEqual(['NEW']);
  });

  it('acknowledges exactly the listed alarms, and nothing when none is listed', async () => {
    const fake = alarmsBridge(alarmState(['A1', 'A2']));
    const store = createAppStore({ bridge: fake.bridge, monoNow: () => 0 });
    store.getState().watchAlarms();
    await flush();
    await expect(store.getState().acknowledgeListedAlarms()).resolves.toBe(true);
    expect(fake.calls.at(-1)).toEqual({ name: 'acknowledgeAlarms', args: { alertIds: ['A1', 'A2'] } });
    expect(store.getState().alarms?.total).toBe(0);
    await expect(store.getState().acknowledgeListedAlarms()).resolves.toBe(false);
    expect(fake.calls.filter((call) => call.name === 'acknowledgeAlarms')).toHaveLength(1);
  });

  it('mutes and keeps a refused end time out of the banner (the dialog shows it)', async () => {
    const fake = alarmsBridge(alarmState(['A1']));
    const store = createAppStore({ bridge: fake.bridge, monoNow: () => 0 });
    const refused = await store.getState().setAlarmMute('2000-01-01T00:00:00Z');
    expect(refused.ok).toBe(false);
    expect(store.getState().failures).toEqual([]);
    const muted = await store.getState().setAlarmMute('2025-07-12T06:15:00.000Z');
    expect(muted.ok).toBe(true);
    expect(store.getState().alarms?.mutedUntil).toBe('2025-07-12T06:15:00.000Z');
  });
});
