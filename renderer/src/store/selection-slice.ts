import type { QueueRow } from '../../../preload/contract';
import type { SliceCreator } from './app-store';

/** What the queue's grid lets the rest of the screen ask of it. */
export interface GridControl {
  /** Puts keyboard focus back on the selected row (or the first). */
  focusSelected: () => void;
  /** Selects the row after the selected one (the one before when it was the last); keeps focus in the grid. */
  selectNext: () => void;
  /** Re-reads the visible pages from the cache (after an action changed them). */
  refresh: () => void;
}

export interface SelectionSlice {
  /** The row selected in the current queue's grid, or null. */
  selectedRow: QueueRow | null;
  /** Whether the detail pane of the selected row is open. */
  detailOpen: boolean;
  /** The grid of the current queue, while it is mounted. */
  gridControl: GridControl | null;
  selectRow: (row: QueueRow | null) => void;
  openDetail: () => void;
  closeDetail: () => void;
  setGridControl: (control: GridControl | null) => void;
}

export const createSelectionSlice: SliceCreator<SelectionSlice> = () => (set, get) => ({
  selectedRow: null,
  detailOpen: false,
  gridControl: null,
  selectRow: (row) => set(row === null ? { selectedRow: null, detailOpen: false } : { selectedRow: row }),
  openDetail: () => {
    if (get().selectedRow !== null) set({ detailOpen: true });
  },
  closeDetail: () => {
    set({ detailOpen: false });
    get().gridControl?.focusSelected();
  },
  setGridControl: (control) => set({ gridControl: control }),
});
