import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ActionRecord } from '../../../../preload/contract';
import { formatInstant, parseInstant } from '../../format/time';
import { usePlatformTimeZone } from '../../format/use-platform-time-zone';
import { useServerNow } from '../../format/use-server-now';
import { useTranslate } from '../../i18n/use-translate';
import { useAppStore } from '../../store/store-context';
import { describeActionSubject } from './action-model';
import { failureText, rejectionCodeWords } from './action-words';
import { trapTab } from '../dialog-focus';
import './actions.css';

interface RowProps {
  record: ActionRecord;
  confirming: boolean;
  onRetry: () => void;
  onAskDiscard: () => void;
  onConfirmDiscard: () => void;
  onKeep: () => void;
}

function ActionRow({ record, confirming, onRetry, onAskDiscard, onConfirmDiscard, onKeep }: RowProps) {
  const t = useTranslate();
  const timeZone = usePlatformTimeZone();
  const serverNow = useServerNow();
  const keep = useRef<HTMLButtonElement>(null);
  const createdMs = parseInstant(record.createdAt);
  const actionName = t(`actions.name.${record.name}`);

  // Asked to confirm: "keep" has focus, so that a second Enter never discards by accident.
  useEffect(() => {
    if (confirming) keep.current?.focus();
  }, [confirming]);

  const reason =
    record.state === 'rejected'
      ? t('actions.panel.rejectedBy', {
          code: rejectionCodeWords(t, record.rejectedCode),
          message: record.rejectedMessage ?? '—',
        })
      : (record.lastError ?? '—');

  return (
    <tr
      data-testid="actions-panel-row"
      data-state={record.state}
      data-name={record.name}
      data-mutation-id={record.mutationId}
    >
      <td>{actionName}</td>
      <td className="actions-panel-subject">{describeActionSubject(record.args)}</td>
      <td>{record.operatorName}</td>
      <td className="actions-panel-time">
        {createdMs === null ? '—' : formatInstant(createdMs, serverNow, timeZone)}
      </td>
      <td className="actions-panel-number">{record.attempts}</td>
      <td>
        <span className={`actions-panel-state state-${record.state}`}>
          {t(record.state === 'rejected' ? 'actions.panel.state.rejected' : 'actions.panel.state.pending')}
        </span>
      </td>
      <td className="actions-panel-reason" data-testid="actions-panel-reason">
        {reason}
      </td>
      <td className="actions-panel-buttons">
        {record.state === 'rejected' &&
          (confirming ? (
            <div className="actions-panel-confirm" role="group" aria-label={t('actions.panel.discard')}>
              <span>{t('actions.panel.confirmDiscard', { action: actionName })}</span>
              <button
                type="button"
                className="action-danger"
                onClick={onConfirmDiscard}
                data-testid="actions-panel-confirm-discard"
              >
                {t('actions.panel.confirmYes')}
              </button>
              <button type="button" ref={keep} onClick={onKeep} data-testid="actions-panel-keep">
                {t('actions.panel.confirmNo')}
              </button>
            </div>
          ) : (
            <>
              <button type="button" onClick={onRetry} data-testid="actions-panel-retry">
                {t('actions.panel.retry')}
              </button>
              <button type="button" onClick={onAskDiscard} data-testid="actions-panel-discard">
                {t('actions.panel.discard')}
              </button>
            </>
          ))}
      </td>
    </tr>
  );
}

/**
 * The actions not yet confirmed by the platform, and those it rejected with its reason: a rejected one is
 * retried after editing (its form reopens with what was sent) or discarded after a confirmation. The core
 * audits both. A modal dialog: Tab stays inside, Esc closes it.
 */
export function ActionsPanel() {
  const t = useTranslate();
  const actions = useAppStore((state) => state.unfinishedActions);
  const failure = useAppStore((state) => state.unfinishedFailure);
  const close = useAppStore((state) => state.closeActionsPanel);
  const retry = useAppStore((state) => state.retryRejectedAction);
  const discard = useAppStore((state) => state.discardRejectedAction);
  const [confirming, setConfirming] = useState<string | null>(null);
  const panel = useRef<HTMLDivElement>(null);

  // Once the list is read, the first rejected action's retry has focus (else the close button).
  const loaded = actions !== null;
  useEffect(() => {
    const retryButton = panel.current?.querySelector<HTMLElement>('[data-testid="actions-panel-retry"]');
    (retryButton ?? panel.current?.querySelector<HTMLElement>('button'))?.focus();
  }, [loaded]);
  // A row that had focus can leave the list as it is read again (discarded here, or confirmed by the platform
  // meanwhile: the status counts that move re-read it too). Focus then stays in the dialog, so Tab and Esc
  // still work, instead of falling to the page behind it.
  useEffect(() => {
    const element = panel.current;
    if (element && !element.contains(document.activeElement))
      element.querySelector<HTMLElement>('button')?.focus();
  }, [actions]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    event.stopPropagation();
    if (event.key === 'Escape') {
      event.preventDefault();
      if (confirming) setConfirming(null);
      else close();
    } else if (event.key === 'Tab' && panel.current) trapTab(event, panel.current);
  };

  const pending = actions?.filter((action) => action.state === 'pending').length ?? 0;
  const rejected = actions?.filter((action) => action.state === 'rejected').length ?? 0;

  return (
    <div className="action-backdrop">
      <div
        ref={panel}
        className="actions-panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby="actions-panel-title"
        data-testid="actions-panel"
        onKeyDown={onKeyDown}
      >
        <div className="actions-panel-header">
          <h2 id="actions-panel-title">{t('actions.panel.title')}</h2>
          {actions && (
            <span className="actions-panel-count">{t('actions.panel.count', { pending, rejected })}</span>
          )}
          <button type="button" onClick={close} data-testid="actions-panel-close">
            {t('actions.panel.close')}
          </button>
        </div>
        {failure && (
          <p className="action-failure" role="alert">
            {failureText(t, failure, null)}
          </p>
        )}
        {actions === null && !failure && <p>{t('actions.panel.loading')}</p>}
        {actions?.length === 0 && <p data-testid="actions-panel-empty">{t('actions.panel.empty')}</p>}
        {actions && actions.length > 0 && (
          <div className="actions-panel-scroll">
            <table className="actions-panel-table">
              <thead>
                <tr>
                  <th scope="col">{t('actions.panel.column.action')}</th>
                  <th scope="col">{t('actions.panel.column.subject')}</th>
                  <th scope="col">{t('actions.panel.column.operator')}</th>
                  <th scope="col">{t('actions.panel.column.created')}</th>
                  <th scope="col">{t('actions.panel.column.attempts')}</th>
                  <th scope="col">{t('actions.panel.column.state')}</th>
                  <th scope="col">{t('actions.panel.column.reason')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('actions.bar.label')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {actions.map((record) => (
                  <ActionRow
                    key={record.mutationId}
                    record={record}
                    confirming={confirming === record.mutationId}
                    onRetry={() => void retry(record.mutationId)}
                    onAskDiscard={() => setConfirming(record.mutationId)}
                    onConfirmDiscard={() => {
                      setConfirming(null);
                      void discard(record.mutationId);
                    }}
                    onKeep={() => setConfirming(null)}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p className="action-dialog-keys">{t('actions.panel.keys')}</p>
      </div>
    </div>
  );
}
