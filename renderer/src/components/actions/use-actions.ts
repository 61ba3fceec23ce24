import { useCallback, useRef } from 'react';
import { useTranslate } from '../../i18n/use-translate';
import type { AppState } from '../../store/app-store';
import { useAppStore } from '../../store/store-context';
import { actionFields, claimToggleKind, newDraft, type ActionKind, type ActionTarget } from './action-model';
import { templateMessage } from './action-words';

/** The selected row with its detail (when the detail read is of that row) and the queue it is in. */
export function actionTargetOf(
  state: Pick<AppState, 'selectedRow' | 'actionDetail' | 'selectedQueue'>,
): ActionTarget | null {
  const row = state.selectedRow;
  if (row === null) return null;
  const detail = state.actionDetail?.key === row.key ? state.actionDetail.detail : null;
  return { row, detail, queue: state.selectedQueue };
}

/** Whether a form or the panel holds the keyboard: the action keys wait meanwhile. */
export const isActionModalOpen = (state: Pick<AppState, 'actionDraft' | 'actionsPanelOpen'>) =>
  state.actionDraft !== null || state.actionsPanelOpen;

/** Client-made ids the platform confirms actions under (notes, prompts). */
const newClientId = (prefix: string) => () => `${prefix}-${crypto.randomUUID()}`;

/**
 * Starts an action on the selected row: opens its form, or sends it at once when it has none (claim,
 * release). Shared by the keys and the action bar's buttons. `c` toggles between claim and release.
 */
export function useStartAction(): (kind: ActionKind) => Promise<void> {
  const t = useTranslate();
  // The store's own functions read its latest state; the pieces below only keep this callback current.
  const row = useAppStore((state) => state.selectedRow);
  const queue = useAppStore((state) => state.selectedQueue);
  const actionDetail = useAppStore((state) => state.actionDetail);
  const modalOpen = useAppStore(isActionModalOpen);
  const actionEnvironment = useAppStore((state) => state.actionEnvironment);
  const openActionDraft = useAppStore((state) => state.openActionDraft);
  const submitActionDraft = useAppStore((state) => state.submitActionDraft);
  const loadActionDetail = useAppStore((state) => state.loadActionDetail);
  const starting = useRef(false);
  return useCallback(
    async (requested: ActionKind) => {
      // One action starts at a time: a key pressed twice while the detail is read starts it once.
      if (row === null || modalOpen || starting.current) return;
      starting.current = true;
      try {
        // A key pressed right after moving to a row comes before its detail is read; the form is prefilled
        // from the detail (the rule's suggested message, the claim), so it is read first (a local read).
        const detail = actionDetail?.key === row.key ? actionDetail.detail : await loadActionDetail(row);
        const target: ActionTarget = { row, detail, queue };
        const env = actionEnvironment();
        const kind = requested === 'claim' ? claimToggleKind(target, env) : requested;
        const draft = newDraft(
          kind,
          target,
          env,
          { templateMessage: (rule, title) => templateMessage(t, rule, title) },
          newClientId(kind === 'note' ? 'note' : 'wp'),
        );
        if (draft === null) return;
        if (actionFields[kind].length === 0) await submitActionDraft(draft);
        else openActionDraft(draft);
      } finally {
        starting.current = false;
      }
    },
    [
      t,
      row,
      queue,
      actionDetail,
      modalOpen,
      actionEnvironment,
      openActionDraft,
      submitActionDraft,
      loadActionDetail,
    ],
  );
}
