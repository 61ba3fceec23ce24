import type { QueueCountsSnapshot, QueueId, QueuePage, QueueSort } from '../../../preload/contract';
import { queueOrder } from '../queues/queue-order';
import {
  emptyQueueView,
  queuePageRequest,
  type QueueView,
  type TypedColumnFilter,
} from '../queues/queue-request';
import type { SliceCreator } from './app-store';
import { valueOrReport } from './notices-slice';

export interface QueuesSlice {
  /** Null until the first snapshot arrives: the list then shows no number rather than a made-up 0. */
  queueCounts: QueueCountsSnapshot | null;
  selectedQueue: QueueId;
  /** Each queue's sort and filters as the operator left them (none: the queue's own order, unfiltered). */
  queueViews: Partial<Record<QueueId, QueueView>>;
  applyQueueCounts: (snapshot: QueueCountsSnapshot) => void;
  loadQueueCounts: () => Promise<void>;
  selectQueue: (queue: QueueId) => void;
  setQueueSort: (queue: QueueId, sort: QueueSort | null) => void;
  setQueueFilters: (queue: QueueId, filters: readonly TypedColumnFilter[]) => void;
  setQuickFilter: (queue: QueueId, text: string) => void;
  /** Back to the queue's own order, unfiltered. */
  clearQueueView: (queue: QueueId) => void;
  /** One page of a queue in a view, or null after reporting the failure to the banner. */
  loadQueuePage: (
    queue: QueueId,
    offset: number,
    limit: number,
    view?: QueueView,
  ) => Promise<QueuePage | null>;
}

/** The view of `queue` in `state` (the empty view when the operator has not touched it). */
export function queueViewOf(state: Pick<QueuesSlice, 'queueViews'>, queue: QueueId): QueueView {
  return state.queueViews[queue] ?? emptyQueueView;
}

const sameFilters = (a: readonly TypedColumnFilter[], b: readonly TypedColumnFilter[]) =>
  a.length === b.length &&
  a.every((filter, index) => filter.column === b[index]?.column && filter.contains === b[index].contains);

export const createQueuesSlice: SliceCreator<QueuesSlice> =
  ({ bridge, revisions }) =>
  (set, get) => {
    /** Changes one queue's view; an unchanged view keeps its object, so that no subscriber re-renders. */
    const updateView = (queue: QueueId, change: (view: QueueView) => QueueView) => {
      const current = queueViewOf(get(), queue);
      const next = change(current);
      if (
        next.quickFilter === current.quickFilter &&
        next.sort?.column === current.sort?.column &&
        next.sort?.direction === current.sort?.direction &&
        sameFilters(next.filters, current.filters)
      ) {
        return;
      }
      set({ queueViews: { ...get().queueViews, [queue]: next } });
    };

    return {
      queueCounts: null,
      selectedQueue: queueOrder[0],
      queueViews: {},

      applyQueueCounts: (snapshot) => {
        revisions.queueCounts += 1;
        set({ queueCounts: snapshot });
      },

      loadQueueCounts: async () => {
        const seen = revisions.queueCounts;
        const snapshot = valueOrReport(get(), 'getQueueCounts', await bridge.getQueueCounts());
        if (snapshot && revisions.queueCounts === seen) get().applyQueueCounts(snapshot);
      },

      selectQueue: (queue) => set({ selectedQueue: queue }),

      setQueueSort: (queue, sort) => updateView(queue, (view) => ({ ...view, sort })),
      setQueueFilters: (queue, filters) => updateView(queue, (view) => ({ ...view, filters: [...filters] })),
      setQuickFilter: (queue, text) => updateView(queue, (view) => ({ ...view, quickFilter: text })),
      clearQueueView: (queue) => updateView(queue, () => emptyQueueView),

      loadQueuePage: async (queue, offset, limit, view = emptyQueueView) =>
        valueOrReport(
          get(),
          'getQueuePage',
          await bridge.getQueuePage(queuePageRequest(queue, offset, limit, view)),
        ),
    };
  };
