import type { BridgeErrorCode } from '../../../preload/contract';
import type { SliceCreator } from './app-store';

export interface AuthSlice {
  /** True while a sign-in is on its way to the central platform. */
  signingIn: boolean;
  /** Why the last sign-in failed (shown on the form, not in the banner), or null. */
  signInError: BridgeErrorCode | null;
  /** The operator asked for the form while signed in (an expired session): the centre shows it. */
  signInFormOpen: boolean;
  openSignInForm: () => void;
  closeSignInForm: () => void;
  /** Signs in; true when the central platform accepted the credentials. */
  signIn: (username: string, password: string) => Promise<boolean>;
  signOut: () => Promise<void>;
}

export const createAuthSlice: SliceCreator<AuthSlice> =
  ({ bridge }) =>
  (set, get) => ({
    signingIn: false,
    signInError: null,
    signInFormOpen: false,
    openSignInForm: () => set({ signInFormOpen: true, signInError: null }),
    closeSignInForm: () => set({ signInFormOpen: false, signInError: null }),

    signIn: async (username, password) => {
      set({ signingIn: true, signInError: null });
      const result = await bridge.signIn({ username, password });
      if (!result.ok) {
        set({ signingIn: false, signInError: result.error.code });
        return false;
      }
      set({ signingIn: false, signInFormOpen: false });
      // main also pushes the new status as an event; reading it covers a link that is down.
      await get().loadStatus();
      return true;
    },

    signOut: async () => {
      const result = await bridge.signOut();
      if (!result.ok) {
        get().reportFailure('signOut', result.error);
        return;
      }
      get().noteSuccess('signOut');
      set({ signInFormOpen: false, signInError: null });
      await get().loadStatus();
    },
  });
