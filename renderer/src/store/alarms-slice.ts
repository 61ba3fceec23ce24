import type { AlarmState, BridgeResult, Unsubscribe } from '../../../preload/contract';
import type { SliceCreator } from './app-store';
import { valueOrReport } from './notices-slice';

export interface AlarmsSlice {
  /** The alarms sounding on this workstation and the mute, or null before the first read. */
  alarms: AlarmState | null;
  applyAlarms: (state: AlarmState) => void;
  loadAlarms: () => Promise<void>;
  /** Subscribes to the `alarms` event and reads the state once; returns the unsubscribe. */
  watchAlarms: () => Unsubscribe;
  /** Acknowledges every alarm listed now; false when there was none or the call failed (the banner says why). */
  acknowledgeListedAlarms: () => Promise<boolean>;
  /** Mutes until `until` (ISO, platform clock) or unmutes with null; the result so a dialog can show a refusal. */
  setAlarmMute: (until: string | null) => Promise<BridgeResult<AlarmState>>;
}

export const createAlarmsSlice: SliceCreator<AlarmsSlice> = ({ bridge }) => {
  // Like the other snapshot domains: a read drops its answer when an event (at least as new) came meanwhile.
  let revision = 0;
  return (set, get) => ({
    alarms: null,

    applyAlarms: (state) => {
      revision += 1;
      set({ alarms: state });
    },

    loadAlarms: async () => {
      const seen = revision;
      const state = valueOrReport(get(), 'getAlarms', await bridge.getAlarms());
      if (state && revision === seen) get().applyAlarms(state);
    },

    watchAlarms: () => {
      const unsubscribe = bridge.on('alarms', (state) => {
        get().applyAlarms(state);
        get().noteSuccess('getAlarms');
      });
      void get().loadAlarms();
      return unsubscribe;
    },

    acknowledgeListedAlarms: async () => {
      const alertIds = get().alarms?.active.map((alarm) => alarm.alertId) ?? [];
      if (alertIds.length === 0) return false;
      const state = valueOrReport(get(), 'acknowledgeAlarms', await bridge.acknowledgeAlarms({ alertIds }));
      if (!state) return false;
      get().applyAlarms(state);
      return true;
    },

    setAlarmMute: async (until) => {
      const result = await bridge.setAlarmMute({ until });
      // A refused end time is shown in the dialog, next to the field; other failures go to the banner.
      if (result.ok || result.error.code !== 'ACTION_REFUSED') valueOrReport(get(), 'setAlarmMute', result);
      if (result.ok) get().applyAlarms(result.value);
      return result;
    },
  });
};
