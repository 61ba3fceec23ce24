import type {
  ActionName,
  ActionRecord,
  BridgeError,
  BridgeResult,
  ItemDetail,
  QueueRow,
} from '../../../preload/contract';
import {
  actionFields,
  buildSubmission,
  describeActionSubject,
  retryDraft,
  validateDraft,
  type ActionDraft,
  type ActionEnvironment,
  type FieldProblem,
} from '../components/actions/action-model';
import { usableTimeZone } from '../format/time';
import type { AppState, SliceCreator } from './app-store';
import { currentServerTime } from './status-slice';
import type { RowMark } from './selection-slice';

/** The short line that tells the operator what became of their last action. */
export type ActionNotice =
  | { kind: 'queued' | 'applied' | 'retried'; action: ActionName; subject: string }
  | { kind: 'rejected'; action: ActionName; subject: string; reason: string }
  | { kind: 'discarded'; action: ActionName }
  | { kind: 'snoozed'; subject: string; untilMs: number }
  | { kind: 'dismissed'; subject: string }
  | { kind: 'failed'; error: BridgeError };

/** An action sent from here whose outcome the notice line follows until the platform answers. */
interface TrackedAction {
  mutationId: string;
  name: ActionName;
  subject: string;
}

export interface ActionsSlice {
  /** The detail of the selected row as last read (claim, verification, prompts), for enablement and prefill. */
  actionDetail: { key: string; detail: ItemDetail } | null;
  /** The form being filled, or null when no dialog is open. */
  actionDraft: ActionDraft | null;
  /** Problems found when the operator last tried to submit; cleared field by field as they edit. */
  actionProblems: Record<string, FieldProblem>;
  actionSubmitting: boolean;
  /** Why the last submit of the open form failed (its text stays in the form). */
  actionFailure: BridgeError | null;
  actionNotice: ActionNotice | null;
  trackedAction: TrackedAction | null;
  actionsPanelOpen: boolean;
  /** Whether the panel should open again when the form it opened closes. */
  returnToPanel: boolean;
  unfinishedActions: ActionRecord[] | null;
  unfinishedFailure: BridgeError | null;

  /** What validation and prefill compare times with and write them in: the server clock, the platform zone. */
  actionEnvironment: () => ActionEnvironment;
  /** Reads the row's detail; resolves to it (null when it cannot be read, or a later read overtook it). */
  loadActionDetail: (row: QueueRow | null) => Promise<ItemDetail | null>;
  openActionDraft: (draft: ActionDraft) => void;
  setDraftValue: (field: string, value: string) => void;
  cancelActionDraft: () => void;
  /** Checks and sends the open form (or a form-less draft); true when it was accepted. */
  submitActionDraft: (draft?: ActionDraft) => Promise<boolean>;
  openActionsPanel: () => void;
  closeActionsPanel: () => void;
  loadUnfinishedActions: () => Promise<void>;
  /** Reopens a rejected action's form, prefilled with its arguments; retries at once when it has no form. */
  retryRejectedAction: (mutationId: string) => Promise<void>;
  discardRejectedAction: (mutationId: string) => Promise<boolean>;
  /** Re-reads the tracked action's state (after the status counts moved). */
  followTrackedAction: () => Promise<void>;
  dismissActionNotice: () => void;
}

/**
 * After the dialog has gone: the row that was next when the action was sent is selected, wherever the refreshed
 * rows put it, and the keyboard is back in the grid.
 */
function returnToGrid(state: AppState, next: RowMark | null): void {
  setTimeout(() => state.gridControl?.refreshAndSelect(next), 0);
}

export const createActionsSlice: SliceCreator<ActionsSlice> =
  ({ bridge, monoNow }) =>
  (set, get) => {
    /** Answers of detail reads arrive out of order; only the latest read may set the detail. */
    let detailRead = 0;

    const accept = <T>(result: BridgeResult<T>): T | null => {
      if (result.ok) return result.value;
      set({ actionFailure: result.error });
      return null;
    };

    /**
     * `next` is the row to select afterwards, read when the action was sent: by the time the reply comes a sync
     * may have refreshed the rows, and the acted row moved away (verified rows sort after the others).
     */
    const afterAccepted = (draft: ActionDraft, record: ActionRecord | null, next: RowMark | null): void => {
      const returning = get().returnToPanel;
      // The detail read before the action says what the action just changed (a verified alert read as
      // unverified would refuse m when the operator comes straight back to it): it is dropped, with any read
      // still on its way, and read again when a row is next selected. Until then the row's own data decides.
      detailRead += 1;
      set({
        actionDetail: null,
        actionDraft: null,
        actionProblems: {},
        actionFailure: null,
        returnToPanel: false,
        actionsPanelOpen: returning,
      });
      if (record) {
        const subject = describeActionSubject(record.args);
        set({
          trackedAction: { mutationId: record.mutationId, name: record.name, subject },
          actionNotice: {
            kind: draft.retryOf === null ? 'queued' : 'retried',
            action: record.name,
            subject,
          },
        });
      }
      // The platform may have answered before this reply came back (its status event is then already past).
      if (record) void get().followTrackedAction();
      if (returning) void get().loadUnfinishedActions();
      else returnToGrid(get(), next);
    };

    return {
      actionDetail: null,
      actionDraft: null,
      actionProblems: {},
      actionSubmitting: false,
      actionFailure: null,
      actionNotice: null,
      trackedAction: null,
      actionsPanelOpen: false,
      returnToPanel: false,
      unfinishedActions: null,
      unfinishedFailure: null,

      actionEnvironment: () => {
        const state = get();
        return {
          operator: state.status?.operator ?? null,
          nowMs: currentServerTime(state.serverClock, monoNow()),
          timeZone: usableTimeZone(state.appInfo?.platformTimeZone),
        };
      },

      loadActionDetail: async (row) => {
        const read = ++detailRead;
        if (row === null) {
          set({ actionDetail: null });
          return null;
        }
        const result = await bridge.getItemDetail({ entity: row.entity, id: row.id });
        if (read !== detailRead) return null;
        // Without a detail (not read yet, or the call is unavailable) the actions decide from the row alone.
        set({ actionDetail: result.ok ? { key: row.key, detail: result.value } : null });
        return result.ok ? result.value : null;
      },

      openActionDraft: (draft) =>
        set((state) => ({
          actionDraft: draft,
          actionProblems: {},
          actionFailure: null,
          actionSubmitting: false,
          // A form opened from the panel (a retry) goes back to it; the panel hides meanwhile.
          returnToPanel: state.actionsPanelOpen || (draft.retryOf !== null && state.returnToPanel),
          actionsPanelOpen: false,
        })),

      setDraftValue: (field, value) =>
        set((state) => {
          if (!state.actionDraft) return {};
          const { [field]: _solved, ...problems } = state.actionProblems;
          return {
            actionDraft: { ...state.actionDraft, values: { ...state.actionDraft.values, [field]: value } },
            actionProblems: problems,
          };
        }),

      cancelActionDraft: () => {
        const returning = get().returnToPanel;
        set({ actionDraft: null, actionProblems: {}, actionFailure: null, returnToPanel: false });
        if (returning) set({ actionsPanelOpen: true });
        else get().gridControl?.focusSelected();
      },

      submitActionDraft: async (given) => {
        const draft = given ?? get().actionDraft;
        if (!draft || get().actionSubmitting) return false;
        const env = get().actionEnvironment();
        const problems = validateDraft(draft, env);
        if (Object.keys(problems).length > 0) {
          set({ actionProblems: problems });
          return false;
        }
        const submission = buildSubmission(draft, env.timeZone);
        const next = get().gridControl?.rowAfterAction(get().selectedRow?.key ?? null) ?? null;
        set({ actionSubmitting: true, actionFailure: null });
        try {
          switch (submission.call) {
            case 'submitAction':
            case 'retryAction': {
              const result =
                submission.call === 'submitAction'
                  ? await bridge.submitAction({ name: submission.name, args: submission.args })
                  : await bridge.retryAction({ mutationId: submission.mutationId, args: submission.args });
              const record = accept(result);
              if (record === null) {
                // A form-less action (claim) has no dialog to keep its failure in: the notice line says it.
                if (actionFields[draft.kind].length === 0 && get().actionDraft === null && !result.ok)
                  set({ actionNotice: { kind: 'failed', error: result.error }, actionFailure: null });
                return false;
              }
              afterAccepted(draft, record, next);
              return true;
            }
            case 'snoozeWorkPrompt': {
              const result = await bridge.snoozeWorkPrompt(submission.args);
              if (!result.ok) {
                set({ actionFailure: result.error });
                return false;
              }
              afterAccepted(draft, null, next);
              set({
                actionNotice: {
                  kind: 'snoozed',
                  subject: draft.subjectLabel,
                  untilMs: Date.parse(submission.args.until),
                },
              });
              return true;
            }
            case 'dismissWorkPrompt': {
              const result = await bridge.dismissWorkPrompt(submission.args);
              if (!result.ok) {
                set({ actionFailure: result.error });
                return false;
              }
              afterAccepted(draft, null, next);
              set({ actionNotice: { kind: 'dismissed', subject: draft.subjectLabel } });
              return true;
            }
          }
        } finally {
          set({ actionSubmitting: false });
        }
      },

      openActionsPanel: () => {
        set({ actionsPanelOpen: true });
        void get().loadUnfinishedActions();
      },

      closeActionsPanel: () => {
        set({ actionsPanelOpen: false });
        get().gridControl?.focusSelected();
      },

      loadUnfinishedActions: async () => {
        const result = await bridge.listUnfinishedActions();
        if (result.ok) set({ unfinishedActions: result.value, unfinishedFailure: null });
        else set({ unfinishedFailure: result.error });
      },

      retryRejectedAction: async (mutationId) => {
        const record = get().unfinishedActions?.find((action) => action.mutationId === mutationId);
        if (record?.state !== 'rejected') return;
        const draft = retryDraft(record, get().actionEnvironment().timeZone);
        if (draft === null) {
          // No form for it here (a handover): it goes again as it was.
          const result = await bridge.retryAction({ mutationId, args: record.args });
          if (result.ok) {
            set({ actionNotice: { kind: 'retried', action: record.name, subject: '' } });
            await get().loadUnfinishedActions();
          } else set({ unfinishedFailure: result.error });
          return;
        }
        set({ returnToPanel: true });
        get().openActionDraft(draft);
      },

      discardRejectedAction: async (mutationId) => {
        const record = get().unfinishedActions?.find((action) => action.mutationId === mutationId);
        const result = await bridge.discardAction({ mutationId });
        if (!result.ok) {
          set({ unfinishedFailure: result.error });
          return false;
        }
        if (record) set({ actionNotice: { kind: 'discarded', action: record.name } });
        await get().loadUnfinishedActions();
        return true;
      },

      followTrackedAction: async () => {
        const tracked = get().trackedAction;
        if (!tracked) return;
        const result = await bridge.listUnfinishedActions();
        if (!result.ok || get().trackedAction?.mutationId !== tracked.mutationId) return;
        const record = result.value.find((action) => action.mutationId === tracked.mutationId);
        if (record?.state === 'pending') return;
        set({
          trackedAction: null,
          actionNotice:
            record?.state === 'rejected'
              ? {
                  kind: 'rejected',
                  action: tracked.name,
                  subject: tracked.subject,
                  reason: record.rejectedMessage ?? record.rejectedCode ?? '',
                }
              : { kind: 'applied', action: tracked.name, subject: tracked.subject },
        });
      },

      dismissActionNotice: () => set({ actionNotice: null }),
    };
  };
