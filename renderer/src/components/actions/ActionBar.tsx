import type { ItemDetail, QueueRow } from '../../../../preload/contract';
import { useTranslate } from '../../i18n/use-translate';
import { useAppStore } from '../../store/store-context';
import { actionKeys, claimToggleKind, isActionAvailable, type ActionKind } from './action-model';
import { isActionModalOpen, useStartAction } from './use-actions';
import './actions.css';

export interface ActionBarProps {
  row: QueueRow;
  /** The item's detail once read (claim, verification, prompts...), or null while it loads. */
  detail: ItemDetail | null;
}

const BAR_ACTIONS = Object.keys(actionKeys) as (keyof typeof actionKeys)[];

/**
 * The actions that apply to the item open in the detail pane, each a button with its key. They start exactly
 * what the keys start (the same forms), on the selected row, which is the row the pane shows.
 */
export function ActionBar({ row, detail }: ActionBarProps) {
  const t = useTranslate();
  const startAction = useStartAction();
  const queue = useAppStore((state) => state.selectedQueue);
  const modalOpen = useAppStore(isActionModalOpen);
  const actionEnvironment = useAppStore((state) => state.actionEnvironment);
  // Re-render when the operator or the server clock changes what applies.
  useAppStore((state) => state.status?.operator);
  const env = actionEnvironment();
  const target = { row, detail, queue };

  const shown = BAR_ACTIONS.flatMap((kind): { kind: ActionKind; key: string }[] => {
    const effective = kind === 'claim' ? claimToggleKind(target, env) : kind;
    return isActionAvailable(effective, target, env) ? [{ kind: effective, key: actionKeys[kind] }] : [];
  });

  return (
    <div className="action-bar" role="toolbar" aria-label={t('actions.bar.label')} data-testid="action-bar">
      {shown.length === 0 && <span className="action-bar-none">{t('actions.bar.none')}</span>}
      {shown.map(({ kind, key }) => (
        <button
          key={kind}
          type="button"
          className="action-bar-button"
          disabled={modalOpen}
          aria-keyshortcuts={key}
          data-testid={`action-button-${kind}`}
          onClick={() => void startAction(kind)}
        >
          {t(`actions.kind.${kind}`)}
          <kbd aria-label={t('actions.bar.key', { key })}>{key}</kbd>
        </button>
      ))}
    </div>
  );
}
