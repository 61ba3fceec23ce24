import { useEffect, useMemo } from 'react';
import type { Command } from '../../commands/command-registry';
import { useCommands } from '../../commands/use-commands';
import { formatWallClock } from '../../format/time';
import { usePlatformTimeZone } from '../../format/use-platform-time-zone';
import type { Translate } from '../../i18n/messages';
import { useTranslate } from '../../i18n/use-translate';
import type { ActionNotice } from '../../store/actions-slice';
import { useAppStore } from '../../store/store-context';
import { ActionDialog } from './ActionDialog';
import { ActionsPanel } from './ActionsPanel';
import {
  actionKeys,
  isActionAvailable,
  type ActionEnvironment,
  type ActionKind,
  type ActionTarget,
} from './action-model';
import { failureText } from './action-words';
import { actionTargetOf, useStartAction } from './use-actions';
import './actions.css';

/** The actions with a key of their own, in the order the `?` overlay lists them. */
const KEYED_ACTIONS = Object.keys(actionKeys) as (keyof typeof actionKeys)[];

/** How long the confirmation line stays (the pending count in the status bar stays until the platform answers). */
const NOTICE_MS = 8_000;

function noticeText(t: Translate, notice: ActionNotice, timeZone: string): string {
  switch (notice.kind) {
    case 'queued':
      return t('actions.done.queued', {
        action: t(`actions.name.${notice.action}`),
        subject: notice.subject,
      });
    case 'applied':
      return t('actions.done.applied', {
        action: t(`actions.name.${notice.action}`),
        subject: notice.subject,
      });
    case 'retried':
      return t('actions.done.retried', { action: t(`actions.name.${notice.action}`) });
    case 'rejected':
      return t('actions.done.rejected', {
        action: t(`actions.name.${notice.action}`),
        reason: notice.reason,
      });
    case 'discarded':
      return t('actions.done.discarded', { action: t(`actions.name.${notice.action}`) });
    case 'snoozed':
      return t('actions.done.snoozed', {
        until: formatWallClock(notice.untilMs, timeZone),
        subject: notice.subject,
      });
    case 'dismissed':
      return t('actions.done.dismissed', { subject: notice.subject });
    case 'failed':
      return failureText(t, notice.error, null);
  }
}

function availableNow(kind: ActionKind, target: ActionTarget | null, env: ActionEnvironment): boolean {
  if (kind === 'claim')
    return isActionAvailable('claim', target, env) || isActionAvailable('release', target, env);
  return isActionAvailable(kind, target, env);
}

/**
 * The operator's actions on the whole screen: their keys (from the grid with a row selected, and from the
 * detail pane), the form dialog, the pending/rejected panel and the line that confirms each action.
 */
export function ActionsLayer() {
  const t = useTranslate();
  const timeZone = usePlatformTimeZone();
  const startAction = useStartAction();
  const selectedRow = useAppStore((state) => state.selectedRow);
  const draftOpen = useAppStore((state) => state.actionDraft !== null);
  const panelOpen = useAppStore((state) => state.actionsPanelOpen);
  const signedIn = useAppStore((state) => (state.status?.operator ?? null) !== null);
  const notice = useAppStore((state) => state.actionNotice);
  const pending = useAppStore((state) => state.status?.pendingActions ?? null);
  const rejected = useAppStore((state) => state.status?.rejectedActions ?? null);
  const loadActionDetail = useAppStore((state) => state.loadActionDetail);
  const followTrackedAction = useAppStore((state) => state.followTrackedAction);
  const loadUnfinishedActions = useAppStore((state) => state.loadUnfinishedActions);
  const openActionsPanel = useAppStore((state) => state.openActionsPanel);
  const dismissActionNotice = useAppStore((state) => state.dismissActionNotice);
  // What enablement depends on, so that isEnabled is current when a key is pressed or the overlay lists it.
  const selectedQueue = useAppStore((state) => state.selectedQueue);
  const actionDetail = useAppStore((state) => state.actionDetail);
  const actionEnvironment = useAppStore((state) => state.actionEnvironment);

  // The selected row's detail (claim, verification, its prompts) decides what applies and prefills forms;
  // read shortly after the selection settles, so that holding j does not read every row passed.
  useEffect(() => {
    const timer = setTimeout(() => void loadActionDetail(selectedRow), 150);
    return () => clearTimeout(timer);
  }, [selectedRow, loadActionDetail]);

  // The platform answered something: the notice line and the open panel follow.
  useEffect(() => {
    if (pending === null) return;
    void followTrackedAction();
    if (panelOpen) void loadUnfinishedActions();
  }, [pending, rejected, panelOpen, followTrackedAction, loadUnfinishedActions]);

  useEffect(() => {
    if (notice === null) return;
    const timer = setTimeout(dismissActionNotice, NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice, dismissActionNotice]);

  const commands = useMemo<Command[]>(
    () => [
      ...KEYED_ACTIONS.map((kind): Command => ({
        id: `action.${kind}`,
        group: 'actions',
        title: kind === 'claim' ? 'actions.command.claimToggle' : `actions.kind.${kind}`,
        keys: [actionKeys[kind]],
        isEnabled: () =>
          !draftOpen &&
          !panelOpen &&
          availableNow(
            kind,
            actionTargetOf({ selectedRow, actionDetail, selectedQueue }),
            actionEnvironment(),
          ),
        // The dispatcher says why when the key is pressed anyway ("not for the selected item" by default).
        disabledReason: () => (signedIn ? null : 'actions.notSignedIn'),
        run: () => void startAction(kind),
      })),
      {
        id: 'action.panel',
        group: 'actions',
        title: 'actions.command.panel',
        keys: ['u'],
        isEnabled: () => signedIn && !draftOpen && !panelOpen,
        run: openActionsPanel,
      },
    ],
    [
      startAction,
      signedIn,
      draftOpen,
      panelOpen,
      openActionsPanel,
      actionEnvironment,
      selectedRow,
      actionDetail,
      selectedQueue,
    ],
  );
  useCommands(commands);

  return (
    <>
      {draftOpen && <ActionDialog />}
      {panelOpen && <ActionsPanel />}
      <div
        className="action-notice"
        role="status"
        aria-live="polite"
        data-testid="action-notice"
        data-kind={notice?.kind}
      >
        {notice && noticeText(t, notice, timeZone)}
      </div>
    </>
  );
}
