import type { ReactNode } from 'react';
import { formatDateTime, formatInstant, parseInstant } from '../format/time';
import { usePlatformTimeZone } from '../format/use-platform-time-zone';
import { useServerNow } from '../format/use-server-now';
import { useTranslate } from '../i18n/use-translate';
import { useAppStore } from '../store/store-context';
import { AlarmMuteStatus } from './alarms/AlarmCentre';

interface StatusItemProps {
  testId: string;
  label: string;
  title?: string | undefined;
  className?: string | undefined;
  state?: string | undefined;
  children: ReactNode;
}

function StatusItem({ testId, label, title, className, state, children }: StatusItemProps) {
  return (
    <div
      className={['status-item', className].filter(Boolean).join(' ')}
      data-testid={testId}
      data-state={state}
      title={title}
    >
      <span className="status-label">{label}</span>
      <span className="status-value">{children}</span>
    </div>
  );
}

/** The moment the status snapshot was taken on the server: "since" and "last sync" are shown relative to its day. */
const useReferenceMs = () => useAppStore((state) => state.serverClock?.serverMs ?? null);

function ConnectionItem() {
  const t = useTranslate();
  const timeZone = usePlatformTimeZone();
  const referenceMs = useReferenceMs();
  const connection = useAppStore((state) => state.status?.connection ?? null);
  if (!connection) {
    return (
      <StatusItem testId="status-connection" label={t('status.connection')} state="unknown">
        {t('status.unknown')}
      </StatusItem>
    );
  }
  const sinceMs = parseInstant(connection.since);
  const title = [
    connection.centralUrl === null
      ? t('status.noCentralUrl')
      : t('status.centralUrl', { url: connection.centralUrl }),
    connection.lastError === null ? null : t('status.lastError', { error: connection.lastError }),
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <StatusItem
      testId="status-connection"
      label={t('status.connection')}
      state={connection.state}
      title={title}
    >
      <span className="status-dot" aria-hidden="true" />
      <span className="connection-state">{t(`connection.${connection.state}`)}</span>
      {sinceMs !== null && (
        <span className="status-since">
          {t('status.since', { time: formatInstant(sinceMs, referenceMs, timeZone) })}
        </span>
      )}
    </StatusItem>
  );
}

function LastSyncItem() {
  const t = useTranslate();
  const timeZone = usePlatformTimeZone();
  const referenceMs = useReferenceMs();
  const loaded = useAppStore((state) => state.status !== null);
  const lastSyncMs = useAppStore((state) => parseInstant(state.status?.lastSyncAt));
  let value = t('status.unknown');
  if (lastSyncMs !== null) value = formatInstant(lastSyncMs, referenceMs, timeZone);
  else if (loaded) value = t('status.neverSynced');
  return (
    <StatusItem testId="status-last-sync" label={t('status.lastSync')}>
      {value}
    </StatusItem>
  );
}

function ServerTimeItem() {
  const t = useTranslate();
  const timeZone = usePlatformTimeZone();
  const serverNow = useServerNow();
  return (
    <StatusItem
      testId="status-server-time"
      label={t('status.serverTime')}
      title={t('status.timeZone', { zone: timeZone })}
      className="status-clock"
    >
      <time dateTime={serverNow === null ? undefined : new Date(serverNow).toISOString()}>
        {serverNow === null ? t('status.unknown') : formatDateTime(serverNow, timeZone)}
      </time>
    </StatusItem>
  );
}

/** The pending and rejected counts open the panel that lists them (key u). */
function ActionItems() {
  const t = useTranslate();
  const pending = useAppStore((state) => state.status?.pendingActions ?? null);
  const rejected = useAppStore((state) => state.status?.rejectedActions ?? null);
  const openActionsPanel = useAppStore((state) => state.openActionsPanel);
  const item = (testId: string, label: string, title: string, count: number | null, state?: string) => (
    <button
      type="button"
      className="status-item status-actions-button"
      data-testid={testId}
      data-state={state}
      title={title}
      aria-keyshortcuts="u"
      onClick={openActionsPanel}
    >
      <span className="status-label">{label}</span>
      <span className="status-value">{count ?? t('status.unknown')}</span>
    </button>
  );
  return (
    <>
      {item(
        'status-pending',
        t('status.pending'),
        t('status.pendingHint'),
        pending,
        pending !== null && pending > 0 ? 'attention' : undefined,
      )}
      {item(
        'status-rejected',
        t('status.rejected'),
        t('status.rejectedHint'),
        rejected,
        rejected !== null && rejected > 0 ? 'problem' : undefined,
      )}
    </>
  );
}

function OperatorItem() {
  const t = useTranslate();
  const loaded = useAppStore((state) => state.status !== null);
  const operator = useAppStore((state) => state.status?.operator ?? null);
  let value = t('status.unknown');
  if (operator) value = t('status.operatorName', { name: operator.name, role: t(`role.${operator.role}`) });
  else if (loaded) value = t('status.signedOut');
  return (
    <StatusItem testId="status-operator" label={t('status.operator')}>
      {value}
    </StatusItem>
  );
}

function AppItem() {
  const t = useTranslate();
  const appInfo = useAppStore((state) => state.appInfo);
  if (!appInfo) return null;
  return (
    <StatusItem
      testId="status-app"
      label={t(`mode.${appInfo.mode}`)}
      className="status-app"
      title={t('status.appDetails', {
        mode: t(`mode.${appInfo.mode}`),
        version: appInfo.version,
        dataDir: appInfo.dataDir,
      })}
    >
      v{appInfo.version}
    </StatusItem>
  );
}

export function StatusBar() {
  return (
    <footer className="status-bar" data-testid="status-bar">
      <ConnectionItem />
      <LastSyncItem />
      <ServerTimeItem />
      <ActionItems />
      <OperatorItem />
      <AlarmMuteStatus />
      <AppItem />
    </footer>
  );
}
