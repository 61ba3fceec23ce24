import type { CallArgs, Preferences } from '../../../preload/contract';
import type { SliceCreator } from './app-store';
import { valueOrReport } from './notices-slice';

export type PreferencesPatch = CallArgs<'setPreferences'>[0];

/** What the page shows until main's preferences arrive; the same defaults main uses. */
export const DEFAULT_PREFERENCES: Preferences = { locale: 'zh-CN', theme: 'dark' };

export interface PreferencesSlice {
  preferences: Preferences;
  /** False until the first read of the preferences has answered or failed: the frame waits so as not to flash the wrong language. */
  preferencesSettled: boolean;
  applyPreferences: (preferences: Preferences) => void;
  loadPreferences: () => Promise<void>;
  /** Applies the change at once (the switch must feel instant) and undoes it if main refuses to save it. */
  updatePreferences: (patch: PreferencesPatch) => Promise<void>;
}

export const createPreferencesSlice: SliceCreator<PreferencesSlice> =
  ({ bridge, revisions }) =>
  (set, get) => ({
    preferences: DEFAULT_PREFERENCES,
    preferencesSettled: false,

    applyPreferences: (preferences) => {
      revisions.preferences += 1;
      set({ preferences: { locale: preferences.locale, theme: preferences.theme } });
    },

    loadPreferences: async () => {
      const seen = revisions.preferences;
      const loaded = valueOrReport(get(), 'getPreferences', await bridge.getPreferences());
      if (loaded && revisions.preferences === seen) get().applyPreferences(loaded);
      set({ preferencesSettled: true });
    },

    updatePreferences: async (patch) => {
      const before = get().preferences;
      const wanted: Preferences = {
        locale: patch.locale ?? before.locale,
        theme: patch.theme ?? before.theme,
      };
      get().applyPreferences(wanted);
      const saved = valueOrReport(get(), 'setPreferences', await bridge.setPreferences(patch));
      if (saved) {
        get().applyPreferences(saved);
        return;
      }
      // Undo only what is still this change's doing: a later switch or event wins.
      const now = get().preferences;
      get().applyPreferences({
        locale: now.locale === wanted.locale ? before.locale : now.locale,
        theme: now.theme === wanted.theme ? before.theme : now.theme,
      });
    },
  });
