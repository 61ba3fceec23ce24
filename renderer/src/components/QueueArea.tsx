import { usePlatformTimeZone } from '../format/use-platform-time-zone';
import { formatDateTime, parseInstant } from '../format/time';
import { useTranslate } from '../i18n/use-translate';
import { useAppStore } from '../store/store-context';

export function QueueArea() {
  const t = useTranslate();
  const timeZone = usePlatformTimeZone();
  const queue = useAppStore((state) => state.selectedQueue);
  const dataAsOf = useAppStore((state) => parseInstant(state.queueCounts?.dataAsOf));

  return (
    <main className="queue-area" data-testid="queue-area" aria-labelledby="queue-area-title">
      <div className="queue-area-header">
        <h1 className="queue-area-title" id="queue-area-title">
          {t(`queue.${queue}`)}
        </h1>
        <p className="queue-area-as-of" data-testid="queue-data-as-of">
          {dataAsOf === null
            ? t('area.neverSynced')
            : t('area.dataAsOf', { time: formatDateTime(dataAsOf, timeZone) })}
        </p>
      </div>
      <div className="empty-state">
        <p className="empty-state-title">{t('area.emptyTitle')}</p>
        <p className="empty-state-detail">{t('area.emptyDetail')}</p>
      </div>
    </main>
  );
}
