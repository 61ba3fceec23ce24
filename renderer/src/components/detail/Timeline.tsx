import type { TimelineItem } from '../../../../preload/contract';
import { timelineKindKey } from '../../detail/detail-format';
import { formatDateTime, parseInstant } from '../../format/time';
import { usePlatformTimeZone } from '../../format/use-platform-time-zone';
import { useTranslate } from '../../i18n/use-translate';

/** The item's history, oldest first: push records, handling steps, notes, prompts; pending ones marked. */
export function Timeline({ items }: { items: TimelineItem[] }) {
  const t = useTranslate();
  const timeZone = usePlatformTimeZone();
  if (items.length === 0) return <p className="detail-note">{t('pane.noTimeline')}</p>;
  return (
    <ol className="detail-timeline" data-testid="timeline-list">
      {items.map((item) => {
        const ms = parseInstant(item.at);
        return (
          <li
            key={item.id}
            className={`timeline-item${item.pending ? ' is-pending' : ''}`}
            data-kind={item.kind}
            data-pending={item.pending ? 'true' : undefined}
          >
            <div className="timeline-head">
              <time dateTime={item.at}>{ms === null ? t('pane.none') : formatDateTime(ms, timeZone)}</time>
              <span className="timeline-kind">{t(timelineKindKey(item.kind))}</span>
              {item.actor && <span className="timeline-actor">{item.actor}</span>}
              {item.pending && (
                <span className="pending-badge" title={t('pane.pendingHint')}>
                  {t('pane.pending')}
                </span>
              )}
            </div>
            {item.text && <p className="timeline-text">{item.text}</p>}
          </li>
        );
      })}
    </ol>
  );
}
