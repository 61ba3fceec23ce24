import { describe, expect, it } from 'vitest';
import type { CallArgs, DutyDeskBridge } from '../../../preload/contract';
import { createAppStore } from './app-store';
import { queueViewOf } from './queues-slice';

/** A bridge that answers pages and records what was asked; nothing else is expected of it. */
function pageBridge(asked: CallArgs<'getQueuePage'>[0][]): DutyDeskBridge {
  const bridge: Partial<DutyDeskBridge> = {
    getQueuePage: (request) => {
      asked.push(request);
      return Promise.resolve({ ok: true, value: { rows: [], total: 7, dataAsOf: null } });
    },
    on: () => () => undefined,
  };
  return bridge as DutyDeskBridge;
}

describe('queues slice: each queue keeps its view', () => {
  it('keeps the sort and the filters per queue', () => {
    const store = createAppStore({ bridge: pageBridge([]), monoNow: () => 0 });
    const state = () => store.getState();
    state().setQueueSort('redAlerts', { column: 'dueIn', direction: 'asc' });
    state().setQuickFilter('undispatched', '燃气');
    state().setQueueFilters('redAlerts', [{ column: 'scene', contains: '桥梁' }]);
    expect(queueViewOf(state(), 'redAlerts')).toEqual({
      sort: { column: 'dueIn', direction: 'asc' },
      filters: [{ column: 'scene', contains: '桥梁' }],
      quickFilter: '',
    });
    expect(queueViewOf(state(), 'undispatched')).toEqual({ sort: null, filters: [], quickFilter: '燃气' });
    expect(queueViewOf(state(), 'nonStandard')).toEqual({ sort: null, filters: [], quickFilter: '' });
    state().clearQueueView('redAlerts');
    expect(queueViewOf(state(), 'redAlerts')).toEqual({ sort: null, filters: [], quickFilter: '' });
  });

  it('leaves the views untouched when nothing changes (no re-render for the grid events it echoes)', () => {
    const store = createAppStore({ bridge: pageBridge([]), monoNow: () => 0 });
    store.getState().setQueueSort('redAlerts', { column: 'level', direction: 'desc' });
    const views = store.getState().queueViews;
    store.getState().setQueueSort('redAlerts', { column: 'level', direction: 'desc' });
    store.getState().setQueueFilters('redAlerts', []);
    store.getState().setQuickFilter('redAlerts', '');
    expect(store.getState().queueViews).toBe(views);
  });

  it('asks for a page in a view, the codes its texts name included', async () => {
    const asked: CallArgs<'getQueuePage'>[0][] = [];
    const store = createAppStore({ bridge: pageBridge(asked), monoNow: () => 0 });
    const page = await store.getState().loadQueuePage('workPrompts', 0, 100, {
      sort: null,
      filters: [{ column: 'handler', contains: '运维' }],
      quickFilter: '周报',
    });
    expect(page?.total).toBe(7);
    expect(asked).toEqual([
      {
        queue: 'workPrompts',
        offset: 0,
        limit: 100,
        quickFilter: '周报',
        quickFilterCodes: [{ column: 'category', codes: ['weekly-report'] }],
        filters: [{ column: 'handler', contains: '运维', codes: ['techOps'] }],
      },
    ]);
  });
});
