import type { AppInfo, ShellStatus } from '../../../preload/contract';
import { parseInstant } from '../format/time';
import type { SliceCreator } from './app-store';
import { valueOrReport } from './notices-slice';

/** The last server-time snapshot and when (on the monotonic clock) it arrived, so the page can keep it ticking. */
export interface ServerClockAnchor {
  serverMs: number;
  receivedAtMono: number;
}

export interface StatusSlice {
  appInfo: AppInfo | null;
  status: ShellStatus | null;
  serverClock: ServerClockAnchor | null;
  applyStatus: (status: ShellStatus) => void;
  loadAppInfo: () => Promise<void>;
  loadStatus: () => Promise<void>;
}

export const createStatusSlice: SliceCreator<StatusSlice> =
  ({ bridge, monoNow, revisions }) =>
  (set, get) => ({
    appInfo: null,
    status: null,
    serverClock: null,

    applyStatus: (status) => {
      revisions.status += 1;
      const serverMs = parseInstant(status.serverTime);
      set({ status, serverClock: serverMs === null ? null : { serverMs, receivedAtMono: monoNow() } });
    },

    loadAppInfo: async () => {
      const appInfo = valueOrReport(get(), 'getAppInfo', await bridge.getAppInfo());
      if (appInfo) set({ appInfo });
    },

    loadStatus: async () => {
      const seen = revisions.status;
      const status = valueOrReport(get(), 'getStatus', await bridge.getStatus());
      if (status && revisions.status === seen) get().applyStatus(status);
    },
  });

/** The server's time now: the last snapshot advanced by the monotonic time elapsed since it arrived. */
export function currentServerTime(anchor: ServerClockAnchor | null, monoNow: number): number | null {
  return anchor === null ? null : anchor.serverMs + (monoNow - anchor.receivedAtMono);
}
