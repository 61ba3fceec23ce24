import type { DutyDeskBridge, Unsubscribe } from '../../../preload/contract';
import type { EventLinkState } from '../bridge/http-bridge';
import type { AppStore } from './app-store';

export interface SessionOptions {
  store: AppStore;
  bridge: DutyDeskBridge;
  watchLink?: ((listener: (state: EventLinkState) => void) => Unsubscribe) | undefined;
}

/**
 * Connects the store to the bridge: events first (so nothing sent during the first reads is lost),
 * then the first reads. Returns the function that disconnects it.
 */
export function startSession({ store, bridge, watchLink }: SessionOptions): Unsubscribe {
  const state = store.getState;
  // An event brings what a failed read would have: that failure is no longer true.
  const subscriptions = [
    bridge.on('preferences', (preferences) => {
      state().applyPreferences(preferences);
      state().noteSuccess('getPreferences');
    }),
    bridge.on('status', (status) => {
      state().applyStatus(status);
      state().noteSuccess('getStatus');
    }),
    bridge.on('queueCounts', (snapshot) => {
      state().applyQueueCounts(snapshot);
      state().noteSuccess('getQueueCounts');
    }),
  ];
  if (watchLink) {
    subscriptions.push(
      watchLink((link) => {
        const reopened = link === 'open' && state().eventLink === 'down';
        state().setEventLink(link);
        // The transport re-reads status and counts itself on every open; what else may have been
        // missed while the link was down is read here: preferences changed in another window, and
        // the app information if its first read failed.
        if (reopened) {
          void state().loadPreferences();
          if (state().appInfo === null) void state().loadAppInfo();
        }
      }),
    );
  }

  void state().loadPreferences();
  void state().loadAppInfo();
  void state().loadStatus();
  void state().loadQueueCounts();

  return () => {
    for (const unsubscribe of subscriptions) unsubscribe();
  };
}
