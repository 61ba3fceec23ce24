import { describe, expect, it } from 'vitest';
import type {
  BridgeResult,
  DutyDeskBridge,
  ItemDetail,
  ItemRef,
  QueueCountsSnapshot,
  ReadingSeries,
  ShellStatus,
} from '../../../preload/contract';
import { createAppStore } from './app-store';
import { detailDataSignature, shouldRefetchReadings } from './detail-slice';

const detailOf = (ref: ItemRef, alertId: string | null = null): ItemDetail => ({
  ref,
  row: null,
  alert: alertId === null ? null : ({ id: alertId } as ItemDetail['alert']),
  timeline: [],
  claim: null,
  prompts: [],
  scene: null,
  device: null,
  subject: null,
  dataAsOf: null,
});
const readingsOf = (alertId: string, source: ReadingSeries['source']): ReadingSeries =>
  ({ alertId, source, samples: [] }) as unknown as ReadingSeries;

/** A bridge whose detail and readings answers the test releases one by one. */
function deferredBridge() {
  const detailCalls: { ref: ItemRef; resolve: (result: BridgeResult<ItemDetail>) => void }[] = [];
  const readingsCalls: { alertId: string; resolve: (result: BridgeResult<ReadingSeries>) => void }[] = [];
  const bridge = {
    getItemDetail: (ref: ItemRef) =>
      new Promise<BridgeResult<ItemDetail>>((resolve) => detailCalls.push({ ref, resolve })),
    getReadings: ({ alertId }: { alertId: string }) =>
      new Promise<BridgeResult<ReadingSeries>>((resolve) => readingsCalls.push({ alertId, resolve })),
  } as unknown as DutyDeskBridge;
  return { bridge, detailCalls, readingsCalls };
}
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the detail slice', () => {
  it('keeps the answer for the item shown, drops a late one for an item left, and loads its readings', async () => {
    const { bridge, detailCalls, readingsCalls } = deferredBridge();
    const store = createAppStore({ bridge, monoNow: () => 0 });
    const first = { entity: 'alert', id: 'A1' } as const;
    const second = { entity: 'alert', id: 'A2' } as const;
    void store.getState().loadDetail(first);
    void store.getState().loadDetail(second);
    detailCalls[1]?.resolve({ ok: true, value: detailOf(second, 'A2') });
    await flush();
    detailCalls[0]?.resolve({ ok: true, value: detailOf(first, 'A1') });
    await flush();
    expect(store.getState().detail?.ref).toEqual(second);
    expect(readingsCalls.map((call) => call.alertId)).toEqual(['A2']);
    readingsCalls[0]?.resolve({ ok: true, value: readingsOf('A2', 'central') });
    await flush();
    expect(store.getState().readings?.alertId).toBe('A2');
  });

  it('reloads at most once more while a reload is in flight, and does not fetch the same readings again', async () => {
    const { bridge, detailCalls, readingsCalls } = deferredBridge();
    const store = createAppStore({ bridge, monoNow: () => 0 });
    const ref = { entity: 'alert', id: 'A1' } as const;
    void store.getState().loadDetail(ref);
    detailCalls[0]?.resolve({ ok: true, value: detailOf(ref, 'A1') });
    await flush();
    expect(readingsCalls).toHaveLength(1);

    const reloads = [
      store.getState().reloadDetail(),
      store.getState().reloadDetail(),
      store.getState().reloadDetail(),
    ];
    expect(detailCalls).toHaveLength(2);
    detailCalls[1]?.resolve({ ok: true, value: detailOf(ref, 'A1') });
    await flush();
    expect(detailCalls).toHaveLength(3);
    detailCalls[2]?.resolve({ ok: true, value: detailOf(ref, 'A1') });
    await Promise.all(reloads);
    expect(detailCalls).toHaveLength(3);
    expect(readingsCalls).toHaveLength(1);
  });

  it('keeps a failure to show in the pane, and forgets everything when the pane closes', async () => {
    const { bridge, detailCalls } = deferredBridge();
    const store = createAppStore({ bridge, monoNow: () => 0 });
    void store.getState().loadDetail({ entity: 'scene', id: 'S1' });
    detailCalls[0]?.resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'not configured' } });
    await flush();
    expect(store.getState().detailError?.code).toBe('UNAVAILABLE');
    store.getState().clearDetail();
    expect(store.getState()).toMatchObject({
      detailKey: null,
      detail: null,
      detailError: null,
      readings: null,
    });
  });
});

describe('detailDataSignature', () => {
  const status = (overrides: Partial<ShellStatus>): ShellStatus =>
    ({ lastSyncAt: 'a', pendingActions: 0, rejectedActions: 0, ...overrides }) as ShellStatus;
  const counts = (red: number, dataAsOf = 'x'): QueueCountsSnapshot =>
    ({ counts: { redAlerts: red }, dataAsOf }) as unknown as QueueCountsSnapshot;

  it('changes with the data, the sync and the outbox, not with a tick that brought nothing', () => {
    const base = detailDataSignature(status({}), counts(1));
    expect(detailDataSignature(status({}), counts(1))).toBe(base);
    expect(detailDataSignature(status({ lastSyncAt: 'b' }), counts(1))).not.toBe(base);
    expect(detailDataSignature(status({ pendingActions: 1 }), counts(1))).not.toBe(base);
    expect(detailDataSignature(status({}), counts(2))).not.toBe(base);
    expect(detailDataSignature(status({}), counts(1, 'y'))).not.toBe(base);
  });
});

describe('shouldRefetchReadings', () => {
  it('asks again for cached or summary readings once the platform is online', () => {
    expect(shouldRefetchReadings(readingsOf('A1', 'cache'), 'online')).toBe(true);
    expect(shouldRefetchReadings(readingsOf('A1', 'summary'), 'online')).toBe(true);
    expect(shouldRefetchReadings(readingsOf('A1', 'central'), 'online')).toBe(false);
    expect(shouldRefetchReadings(readingsOf('A1', 'cache'), 'offline')).toBe(false);
    expect(shouldRefetchReadings(null, 'online')).toBe(false);
  });
});
