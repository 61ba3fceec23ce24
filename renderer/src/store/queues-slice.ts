import type { QueueCountsSnapshot, QueueId } from '../../../preload/contract';
import { queueOrder } from '../queues/queue-order';
import type { SliceCreator } from './app-store';
import { valueOrReport } from './notices-slice';

export interface QueuesSlice {
  /** Null until the first snapshot arrives: the list then shows no number rather than a made-up 0. */
  queueCounts: QueueCountsSnapshot | null;
  selectedQueue: QueueId;
  applyQueueCounts: (snapshot: QueueCountsSnapshot) => void;
  loadQueueCounts: () => Promise<void>;
  selectQueue: (queue: QueueId) => void;
}

export const createQueuesSlice: SliceCreator<QueuesSlice> =
  ({ bridge, revisions }) =>
  (set, get) => ({
    queueCounts: null,
    selectedQueue: queueOrder[0],

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
  });
