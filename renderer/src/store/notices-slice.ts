import type { BridgeError, BridgeErrorCode, BridgeResult, CallName } from '../../../preload/contract';
import type { EventLinkState } from '../bridge/http-bridge';
import type { AppState, SliceCreator } from './app-store';

export interface CallFailure {
  call: CallName;
  error: BridgeError;
}

export interface NoticesSlice {
  /**
   * The calls whose last attempt failed, oldest first, at most one per call. Each stays until the
   * same call succeeds, until an event brings what it would have read, or until the operator dismisses it.
   */
  failures: CallFailure[];
  eventLink: EventLinkState;
  reportFailure: (call: CallName, error: BridgeError) => void;
  noteSuccess: (call: CallName) => void;
  dismissFailures: () => void;
  setEventLink: (state: EventLinkState) => void;
}

export const createNoticesSlice: SliceCreator<NoticesSlice> = () => (set, get) => ({
  failures: [],
  eventLink: 'connecting',
  reportFailure: (call, error) =>
    set((state) => ({
      failures: [...state.failures.filter((failure) => failure.call !== call), { call, error }],
    })),
  noteSuccess: (call) => {
    if (get().failures.some((failure) => failure.call === call)) {
      set((state) => ({ failures: state.failures.filter((failure) => failure.call !== call) }));
    }
  },
  dismissFailures: () => set({ failures: [] }),
  setEventLink: (state) => set({ eventLink: state }),
});

/** The value of a call's result, or null after reporting its failure to the banner. */
export function valueOrReport<T>(state: AppState, call: CallName, result: BridgeResult<T>): T | null {
  if (!result.ok) {
    state.reportFailure(call, result.error);
    return null;
  }
  state.noteSuccess(call);
  return result.value;
}

export interface FailureGroup {
  code: BridgeErrorCode;
  calls: CallName[];
  /** The technical messages, one per call, for the details line. */
  messages: string[];
}

/** Failures with the same cause, told once: "reading the status, reading the counts failed: cannot reach…". */
export function groupFailuresByCode(failures: readonly CallFailure[]): FailureGroup[] {
  const groups = new Map<BridgeErrorCode, FailureGroup>();
  for (const { call, error } of failures) {
    const group = groups.get(error.code) ?? { code: error.code, calls: [], messages: [] };
    group.calls.push(call);
    group.messages.push(`${call}: ${error.message}`);
    groups.set(error.code, group);
  }
  return [...groups.values()];
}
