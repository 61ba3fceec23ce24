import { formatDateTime, parseInstant } from '../format/time';
import { usePlatformTimeZone } from '../format/use-platform-time-zone';
import { useTranslate } from '../i18n/use-translate';
import { useAppStore } from '../store/store-context';
import { QueueGrid } from './QueueGrid';
import { ItemDetailPane } from './detail/ItemDetailPane';
import { SignInForm, useSignInShown } from './SignIn';

/** "HH:mm" on the platform's wall clock, for the data-age badge shown while not online. */
function formatHourMinute(ms: number, timeZone: string): string {
  return formatDateTime(ms, timeZone).slice(11, 16);
}

/**
 * The selected row's detail. A component of its own, so that a new selection (each j press) renders it and
 * not the queue area with its grid.
 */
function SelectedRowDetail() {
  const selected = useAppStore((state) => state.selectedRow);
  const detailOpen = useAppStore((state) => state.detailOpen);
  const closeDetail = useAppStore((state) => state.closeDetail);
  return detailOpen && selected ? <ItemDetailPane row={selected} onClose={closeDetail} /> : null;
}

export function QueueArea() {
  const t = useTranslate();
  const timeZone = usePlatformTimeZone();
  const queue = useAppStore((state) => state.selectedQueue);
  const dataAsOf = useAppStore((state) => parseInstant(state.queueCounts?.dataAsOf));
  const connection = useAppStore((state) => state.status?.connection.state ?? null);
  const signInShown = useSignInShown();

  const offline = connection !== null && connection !== 'online';

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
        {offline && dataAsOf !== null && !signInShown && (
          <span className="data-age-badge" data-testid="queue-data-age">
            {t('area.dataAsOf', { time: formatHourMinute(dataAsOf, timeZone) })}
          </span>
        )}
      </div>
      {signInShown ? (
        <SignInForm />
      ) : (
        <div className="queue-body">
          <QueueGrid queue={queue} />
          <SelectedRowDetail />
        </div>
      )}
    </main>
  );
}
