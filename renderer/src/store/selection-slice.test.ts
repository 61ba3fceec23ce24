import { describe, expect, it } from 'vitest';
import {
  itemKey,
  type BridgeResult,
  type CallArgs,
  type DutyDeskBridge,
  type ItemDetail,
  type ItemRef,
  type QueueRow,
  type QueueRowLocation,
} from '../../../preload/contract';
import { alertRow } from '../queues/test-rows';
import { createAppStore } from './app-store';

const rowOf = (ref: ItemRef): QueueRow =>
  alertRow({ key: itemKey(ref), entity: ref.entity, id: ref.id, title: `预警 ${ref.id}` });

/** A bridge that answers details at once and records where it was asked to locate rows. */
function revealBridge(index: number | null) {
  const located: CallArgs<'locateQueueRow'>[0][] = [];
  const bridge = {
    getItemDetail: (ref: ItemRef) =>
      Promise.resolve<BridgeResult<ItemDetail>>({
        ok: true,
        value: { ref, row: rowOf(ref) } as ItemDetail,
      }),
    locateQueueRow: (request: CallArgs<'locateQueueRow'>[0]) => {
      located.push(request);
      return Promise.resolve<BridgeResult<QueueRowLocation>>({ ok: true, value: { index } });
    },
  } as unknown as DutyDeskBridge;
  return { bridge, located };
}

const alert = { entity: 'alert', id: 'A7' } as const;

describe('revealing an item (an alarm’s alert)', () => {
  it('in a queue: selects the queue and asks its grid, which locates the row in the operator’s view', async () => {
    const { bridge, located } = revealBridge(42);
    const store = createAppStore({ bridge, monoNow: () => 0 });
    store.getState().setQuickFilter('redAlerts', ' 燃气 ');
    await store.getState().revealItem(alert, 'redAlerts');
    expect(store.getState().selectedQueue).toBe('redAlerts');
    const request = store.getState().revealRequest;
    expect(request).toMatchObject({ queue: 'redAlerts', item: alert });
    expect(await store.getState().locateRow('redAlerts', alert)).toBe(42);
    expect(located).toEqual([
      expect.objectContaining({ queue: 'redAlerts', item: alert, quickFilter: '燃气' }),
    ]);

    // Found: the grid selects the row; the request is done and nothing else opens.
    await store.getState().settleReveal(request?.serial ?? -1, true);
    expect(store.getState().revealRequest).toBeNull();
    expect(store.getState().detailOpen).toBe(false);
  });

  it('opens the revealed row once the grid selects it, and not after the operator selected another', async () => {
    const { bridge } = revealBridge(42);
    const store = createAppStore({ bridge, monoNow: () => 0 });
    await store.getState().revealItem(alert, 'redAlerts');
    await store.getState().settleReveal(store.getState().revealRequest?.serial ?? -1, true);
    store.getState().selectRow(rowOf(alert));
    expect(store.getState().detailOpen).toBe(true);

    store.getState().closeDetail();
    await store.getState().revealItem(alert, 'redAlerts');
    await store.getState().settleReveal(store.getState().revealRequest?.serial ?? -1, true);
    // Already the selected row: it opens at once.
    expect(store.getState().detailOpen).toBe(true);

    store.getState().selectRow(null);
    await store.getState().revealItem(alert, 'redAlerts');
    await store.getState().settleReveal(store.getState().revealRequest?.serial ?? -1, true);
    store.getState().selectRow(rowOf({ entity: 'alert', id: 'A1' }));
    store.getState().selectRow(rowOf(alert));
    expect(store.getState().detailOpen).toBe(false);
  });

  it('shows the item in the details alone when its queue’s view does not hold it, or it has no queue', async () => {
    const { bridge } = revealBridge(null);
    const store = createAppStore({ bridge, monoNow: () => 0 });
    await store.getState().revealItem(alert, 'redAlerts');
    const serial = store.getState().revealRequest?.serial ?? -1;
    await store.getState().settleReveal(serial, false);
    expect(store.getState()).toMatchObject({
      selectedRow: rowOf(alert),
      detailOpen: true,
      revealRequest: null,
    });

    const orange = { entity: 'alert', id: 'A8' } as const;
    await store.getState().revealItem(orange, null);
    expect(store.getState()).toMatchObject({ selectedRow: rowOf(orange), detailOpen: true });
  });

  it('leaves the operator’s own selection made while the item was being read', async () => {
    const { bridge } = revealBridge(null);
    const store = createAppStore({ bridge, monoNow: () => 0 });
    const revealing = store.getState().revealItem(alert, null);
    const chosen = rowOf({ entity: 'alert', id: 'A1' });
    store.getState().selectRow(chosen);
    await revealing;
    expect(store.getState()).toMatchObject({ selectedRow: chosen, detailOpen: false });
  });

  it('lets a newer reveal win over an older one still being settled', async () => {
    const { bridge } = revealBridge(null);
    const store = createAppStore({ bridge, monoNow: () => 0 });
    await store.getState().revealItem(alert, 'redAlerts');
    const older = store.getState().revealRequest?.serial ?? -1;
    await store.getState().revealItem({ entity: 'alert', id: 'A9' }, 'redAlerts');
    await store.getState().settleReveal(older, false);
    expect(store.getState().revealRequest?.item.id).toBe('A9');
    expect(store.getState().detailOpen).toBe(false);
  });
});
