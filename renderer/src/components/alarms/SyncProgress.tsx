import type { SyncProgress as SyncProgressState } from '../../../../preload/contract';
import type { Translate } from '../../i18n/messages';
import { useTranslate } from '../../i18n/use-translate';
import { useAppStore } from '../../store/store-context';
import './alarms.css';

const numberFormat = new Intl.NumberFormat('en-US');

/** "3 分 20 秒", "1 小时 5 分": the time left, as precisely as it is worth. */
export function formatDuration(t: Translate, totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return t('syncProgress.seconds', { seconds });
  if (seconds < 3600)
    return t('syncProgress.minutes', { minutes: Math.floor(seconds / 60), seconds: seconds % 60 });
  return t('syncProgress.hours', {
    hours: Math.floor(seconds / 3600),
    minutes: Math.floor((seconds % 3600) / 60),
  });
}

/** The share of the initial sync done, 0..1, or null when the total is not known. */
export function syncFraction(progress: SyncProgressState): number | null {
  if (progress.recordsTotal === null || progress.recordsTotal <= 0) return null;
  return Math.min(1, progress.recordsApplied / progress.recordsTotal);
}

/**
 * While the initial sync runs: a progress bar with the records applied out of the platform's estimate, the
 * rate and the time left, and whether the queues are complete yet. It only informs: nothing waits for it.
 */
export function SyncProgress() {
  const t = useTranslate();
  const progress = useAppStore((state) =>
    state.status?.sync?.stage === 'initial' ? state.status.sync : null,
  );
  if (progress === null) return null;
  const fraction = syncFraction(progress);
  const applied = numberFormat.format(progress.recordsApplied);
  return (
    <section className="sync-progress" data-testid="sync-progress" aria-labelledby="sync-progress-title">
      <div className="sync-progress-head">
        <h2 className="sync-progress-title" id="sync-progress-title">
          {t('syncProgress.title')}
        </h2>
        <span
          className="sync-progress-phase"
          data-testid="sync-progress-phase"
          data-complete={progress.openItemsComplete}
        >
          {t(progress.openItemsComplete ? 'syncProgress.openComplete' : 'syncProgress.openPending')}
        </span>
        <span className="sync-progress-usable">{t('syncProgress.usable')}</span>
      </div>
      <progress
        className="sync-progress-bar"
        aria-labelledby="sync-progress-title"
        max={1}
        // Without a total the bar is indeterminate rather than a made-up share.
        {...(fraction === null ? {} : { value: fraction })}
        data-testid="sync-progress-bar"
      />
      <div className="sync-progress-figures">
        <span data-testid="sync-progress-records">
          {progress.recordsTotal === null
            ? t('syncProgress.recordsNoTotal', { applied })
            : t('syncProgress.records', { applied, total: numberFormat.format(progress.recordsTotal) })}
        </span>
        {progress.rowsPerSecond !== null && (
          <span data-testid="sync-progress-rate">
            {t('syncProgress.rate', { rate: numberFormat.format(Math.round(progress.rowsPerSecond)) })}
          </span>
        )}
        <span data-testid="sync-progress-eta">
          {progress.etaSeconds === null
            ? t('syncProgress.etaUnknown')
            : t('syncProgress.eta', { time: formatDuration(t, progress.etaSeconds) })}
        </span>
      </div>
    </section>
  );
}
