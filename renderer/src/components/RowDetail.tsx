import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { QueueRow } from '../../../preload/contract';
import { formatDateTime, parseInstant } from '../format/time';
import { usePlatformTimeZone } from '../format/use-platform-time-zone';
import type { MessageKey } from '../i18n/messages';
import { useTranslate } from '../i18n/use-translate';

export interface RowDetailProps {
  row: QueueRow;
  onClose: () => void;
}

/** A first detail pane: the selected row's fields, opened with Enter and closed with Esc. */
export function RowDetail({ row, onClose }: RowDetailProps) {
  const t = useTranslate();
  const timeZone = usePlatformTimeZone();
  const pane = useRef<HTMLElement>(null);

  useEffect(() => {
    pane.current?.focus();
  }, []);

  const instant = (iso: string | null) => {
    const ms = parseInstant(iso);
    return ms === null ? t('detail.none') : formatDateTime(ms, timeZone);
  };
  const fields: [MessageKey, string][] = [
    ['detail.entity', t(`entity.${row.entity}`)],
    ['detail.id', row.id],
    ['column.level', row.level ? t(`level.${row.level}`) : t('detail.none')],
    ['column.scene', row.sceneName ?? t('detail.none')],
    ['column.category', row.category ?? t('detail.none')],
    ['column.location', row.location ?? t('detail.none')],
    ['detail.since', instant(row.since)],
    ['detail.dueAt', instant(row.dueAt)],
    ['column.handler', row.handler ?? t('detail.none')],
    ['column.status', row.status],
    ['column.claimedBy', row.claimedBy ?? t('detail.none')],
    ['column.detail', row.detail ?? t('detail.none')],
  ];

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    onClose();
  };

  return (
    <aside
      className="row-detail"
      data-testid="row-detail"
      aria-labelledby="row-detail-title"
      tabIndex={-1}
      ref={pane}
      onKeyDown={onKeyDown}
    >
      <div className="row-detail-header">
        <h2 className="row-detail-title" id="row-detail-title">
          {row.level && <span className={`level-dot level-${row.level}`} aria-hidden="true" />}
          {row.title}
        </h2>
        <button type="button" className="switch-button" data-testid="row-detail-close" onClick={onClose}>
          {t('detail.close')}
        </button>
      </div>
      <dl className="row-detail-fields">
        {fields.map(([label, value]) => (
          <div className="row-detail-field" key={label}>
            <dt>{t(label)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </aside>
  );
}
