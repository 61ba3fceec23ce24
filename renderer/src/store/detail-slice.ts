import {
  itemKey,
  type BridgeError,
  type ItemDetail,
  type ItemRef,
  type QueueCountsSnapshot,
  type ReadingSeries,
  type ShellStatus,
} from '../../../preload/contract';
import type { SliceCreator } from './app-store';

export interface DetailSlice {
  /** `<entity>:<id>` of the item whose detail is loaded (or loading), or null. */
  detailKey: string | null;
  /** The detail of `detailKey` once read; kept while a reload runs so the pane does not flicker. */
  detail: ItemDetail | null;
  detailLoading: boolean;
  detailError: BridgeError | null;
  /** The alert whose readings are loaded (or loading), or null. */
  readingsAlertId: string | null;
  readings: ReadingSeries | null;
  readingsLoading: boolean;
  readingsError: BridgeError | null;
  /** Reads the item's detail (and its alert's readings); a newer request wins over an older one. */
  loadDetail: (ref: ItemRef) => Promise<void>;
  /** Reads the open item's detail again (the data changed); at most one read at a time, the last one kept. */
  reloadDetail: () => Promise<void>;
  loadReadings: (alertId: string) => Promise<void>;
  clearDetail: () => void;
}

/**
 * What tells the pane that the cache changed: the data's as-of time, the last sync, the counts, and the outbox.
 * Queue-count snapshots also arrive on every rules tick with nothing new; their signature is then unchanged.
 */
export function detailDataSignature(status: ShellStatus | null, counts: QueueCountsSnapshot | null): string {
  return JSON.stringify([
    counts?.dataAsOf ?? null,
    counts ? Object.values(counts.counts) : null,
    status?.lastSyncAt ?? null,
    status?.pendingActions ?? null,
    status?.rejectedActions ?? null,
  ]);
}

/** Whether readings shown from the cache or the summary should be asked for again: the platform is back. */
export function shouldRefetchReadings(
  readings: ReadingSeries | null,
  connection: ShellStatus['connection']['state'] | null,
): boolean {
  return readings !== null && readings.source !== 'central' && connection === 'online';
}

/** The slice's data with no item open: at start and when the detail closes. */
const noDetail = {
  detailKey: null,
  detail: null,
  detailLoading: false,
  detailError: null,
  readingsAlertId: null,
  readings: null,
  readingsLoading: false,
  readingsError: null,
} as const satisfies Partial<DetailSlice>;

export const createDetailSlice: SliceCreator<DetailSlice> =
  ({ bridge }) =>
  (set, get) => {
    let detailRequest = 0;
    let readingsRequest = 0;
    let reloading: Promise<void> | null = null;
    let reloadAgain = false;

    const read = async (ref: ItemRef): Promise<void> => {
      const request = ++detailRequest;
      set({ detailLoading: true });
      const result = await bridge.getItemDetail(ref);
      // An answer for an item the pane no longer shows, or overtaken by a newer read, is dropped.
      if (request !== detailRequest || get().detailKey !== itemKey(ref)) return;
      if (!result.ok) {
        set({ detailLoading: false, detailError: result.error });
        return;
      }
      set({ detail: result.value, detailLoading: false, detailError: null });
      const alertId = result.value.alert?.id ?? null;
      if (alertId !== null && get().readingsAlertId !== alertId) void get().loadReadings(alertId);
    };

    return {
      ...noDetail,

      loadDetail: async (ref) => {
        const key = itemKey(ref);
        if (get().detailKey !== key) {
          set({
            detailKey: key,
            detail: null,
            detailError: null,
            readingsAlertId: null,
            readings: null,
            readingsError: null,
            readingsLoading: false,
          });
        }
        await read(ref);
      },

      reloadDetail: async () => {
        // Changes can arrive many times a second during a sync: one read in flight, one more after it at most.
        if (reloading) {
          reloadAgain = true;
          return reloading;
        }
        // Read through a function: the flag changes while a read awaits.
        const askedAgain = (): boolean => reloadAgain;
        const run = async (): Promise<void> => {
          do {
            reloadAgain = false;
            const key = get().detailKey;
            const ref = get().detail?.ref;
            if (key === null || ref === undefined || itemKey(ref) !== key) return;
            await read(ref);
          } while (askedAgain());
        };
        reloading = run().finally(() => {
          reloading = null;
        });
        return reloading;
      },

      loadReadings: async (alertId) => {
        const request = ++readingsRequest;
        set((state) => ({
          readingsAlertId: alertId,
          readingsLoading: true,
          readings: state.readingsAlertId === alertId ? state.readings : null,
        }));
        const result = await bridge.getReadings({ alertId });
        if (request !== readingsRequest || get().readingsAlertId !== alertId) return;
        if (!result.ok) {
          set({ readingsLoading: false, readingsError: result.error });
          return;
        }
        set({ readings: result.value, readingsLoading: false, readingsError: null });
      },

      clearDetail: () => {
        detailRequest += 1;
        readingsRequest += 1;
        set(noDetail);
      },
    };
  };
