import { itemKey, type ItemRef, type QueueId, type QueueRow } from '../../../preload/contract';
import { queueViewRequest } from '../queues/queue-request';
import type { SliceCreator } from './app-store';
import { valueOrReport } from './notices-slice';
import { queueViewOf } from './queues-slice';

/** What the queue's grid lets the rest of the screen ask of it. */
export interface GridControl {
  /** Puts keyboard focus back on the selected row (or the first). */
  focusSelected: () => void;
  /**
   * The row to select once the selected row (its key: the store's selectedRow) has been acted on (the next one,
   * the one before when it was the last), as the grid shows it now; null when the grid has no rows.
   */
  rowAfterAction: (selectedKey: string | null) => RowMark | null;
  /**
   * Re-reads the visible pages from the cache (the action changed them) and selects `mark`'s row wherever it
   * stands in them; keeps focus in the grid.
   */
  refreshAndSelect: (mark: RowMark | null) => void;
}

/** A row of the grid as it stood: its index, and its key to find it again after the rows moved. */
export interface RowMark {
  index: number;
  key: string | null;
}

/** An item to show in a queue: that queue's grid selects its row, once it has found it, and opens its detail. */
export interface RevealRequest {
  serial: number;
  queue: QueueId;
  item: ItemRef;
}

export interface SelectionSlice {
  /** The row selected in the current queue's grid, or null. */
  selectedRow: QueueRow | null;
  /** Whether the detail pane of the selected row is open. */
  detailOpen: boolean;
  /** The grid of the current queue, while it is mounted. */
  gridControl: GridControl | null;
  /** The item the grid of `revealRequest.queue` is to select and open, or null. */
  revealRequest: RevealRequest | null;
  selectRow: (row: QueueRow | null) => void;
  openDetail: () => void;
  closeDetail: () => void;
  setGridControl: (control: GridControl | null) => void;
  /**
   * Shows an item (an alarm's alert, from its notification or the alarm strip): in `queue`, its row selected
   * and its detail open; with no queue, or when the queue's view does not hold it, in the detail pane alone.
   */
  revealItem: (item: ItemRef, queue: QueueId | null) => Promise<void>;
  /** Where the item's row stands in the queue as the operator views it (0 first); null when not there. */
  locateRow: (queue: QueueId, item: ItemRef) => Promise<number | null>;
  /**
   * The grid found the request's row (and selects it: its detail opens once it is selected), or did not: the
   * item is then shown alone.
   */
  settleReveal: (serial: number, found: boolean) => Promise<void>;
}

export const createSelectionSlice: SliceCreator<SelectionSlice> =
  ({ bridge }) =>
  (set, get) => {
    let revealSerial = 0;
    /** The key of a revealed row to open once the grid selects it (its page may still be loading), or null. */
    let openWhenSelected: string | null = null;

    /** The item in the detail pane, without a row of the grid: its own row as the cache has it. */
    const showAlone = async (item: ItemRef): Promise<void> => {
      const serial = revealSerial;
      const selectedBefore = get().selectedRow;
      const detail = valueOrReport(get(), 'getItemDetail', await bridge.getItemDetail(item));
      // A newer reveal, or the operator's own selection meanwhile, wins.
      if (serial !== revealSerial || get().selectedRow !== selectedBefore || !detail?.row) return;
      set({ selectedRow: detail.row, detailOpen: true });
    };

    return {
      selectedRow: null,
      detailOpen: false,
      gridControl: null,
      revealRequest: null,
      selectRow: (row) => {
        if (row === null) {
          set({ selectedRow: null, detailOpen: false });
          return;
        }
        // Any row the grid selects ends the wait: the revealed one opens, another one (the operator moved on) not.
        const opens = row.key === openWhenSelected;
        openWhenSelected = null;
        set(opens ? { selectedRow: row, detailOpen: true } : { selectedRow: row });
      },
      openDetail: () => {
        if (get().selectedRow !== null) set({ detailOpen: true });
      },
      closeDetail: () => {
        set({ detailOpen: false });
        get().gridControl?.focusSelected();
      },
      setGridControl: (control) => set({ gridControl: control }),

      revealItem: async (item, queue) => {
        revealSerial += 1;
        openWhenSelected = null;
        if (queue === null) {
          set({ revealRequest: null });
          await showAlone(item);
          return;
        }
        get().selectQueue(queue);
        set({ revealRequest: { serial: revealSerial, queue, item } });
      },

      locateRow: async (queue, item) => {
        const request = { ...queueViewRequest(queue, queueViewOf(get(), queue)), item };
        const located = valueOrReport(get(), 'locateQueueRow', await bridge.locateQueueRow(request));
        return located?.index ?? null;
      },

      settleReveal: async (serial, found) => {
        const request = get().revealRequest;
        if (request?.serial !== serial) return;
        set({ revealRequest: null });
        if (!found) {
          await showAlone(request.item);
          return;
        }
        const key = itemKey(request.item);
        // Already selected, the row will not be selected again: it opens now.
        if (get().selectedRow?.key === key) set({ detailOpen: true });
        else openWhenSelected = key;
      },
    };
  };
