import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import type { DutyDeskBridge } from '../../../preload/contract';
import { createActionsSlice, type ActionsSlice } from './actions-slice';
import { createAlarmsSlice, type AlarmsSlice } from './alarms-slice';
import { createAuthSlice, type AuthSlice } from './auth-slice';
import { createDetailSlice, type DetailSlice } from './detail-slice';
import { createNoticesSlice, type NoticesSlice } from './notices-slice';
import { createPreferencesSlice, type PreferencesSlice } from './preferences-slice';
import { createQueuesSlice, type QueuesSlice } from './queues-slice';
import { createSelectionSlice, type SelectionSlice } from './selection-slice';
import { createStatusSlice, type StatusSlice } from './status-slice';

/** The one store of the renderer: one slice per domain, bound together. */
export type AppState = PreferencesSlice &
  StatusSlice &
  QueuesSlice &
  NoticesSlice &
  AuthSlice &
  SelectionSlice &
  DetailSlice &
  ActionsSlice &
  AlarmsSlice;
export type AppStore = StoreApi<AppState>;

/** Domains whose snapshot may arrive both as an answer to a read and as an event. */
export type SnapshotDomain = 'preferences' | 'status' | 'queueCounts';

export interface StoreDependencies {
  bridge: DutyDeskBridge;
  /** A monotonic clock in ms (performance.now in the page); the server time is advanced with it. */
  monoNow: () => number;
}

export interface SliceContext extends StoreDependencies {
  /**
   * How many snapshots of each domain were applied. A read records the count when it starts and
   * drops its answer if an event (always at least as new) was applied meanwhile.
   */
  readonly revisions: Record<SnapshotDomain, number>;
}

export type SliceCreator<Slice> = (context: SliceContext) => StateCreator<AppState, [], [], Slice>;

export function createAppStore(dependencies: StoreDependencies): AppStore {
  const context: SliceContext = { ...dependencies, revisions: { preferences: 0, status: 0, queueCounts: 0 } };
  return createStore<AppState>()((...zustand) => ({
    ...createPreferencesSlice(context)(...zustand),
    ...createStatusSlice(context)(...zustand),
    ...createQueuesSlice(context)(...zustand),
    ...createNoticesSlice(context)(...zustand),
    ...createAuthSlice(context)(...zustand),
    ...createSelectionSlice(context)(...zustand),
    ...createDetailSlice(context)(...zustand),
    ...createActionsSlice(context)(...zustand),
    ...createAlarmsSlice(context)(...zustand),
  }));
}
