import { useTranslate } from '../i18n/use-translate';
import { groupFailuresByCode } from '../store/notices-slice';
import { useAppStore } from '../store/store-context';
import { SessionExpiredBanner } from './SignIn';

/**
 * Failures, in words chosen by error code, above the work area: never a modal, the operator keeps
 * working. The alert region is always present so that screen readers announce what appears in it.
 */
export function NoticeBanner() {
  const t = useTranslate();
  const failures = useAppStore((state) => state.failures);
  const linkDown = useAppStore((state) => state.eventLink === 'down');
  const dismissFailures = useAppStore((state) => state.dismissFailures);
  const shellNotices = useAppStore((state) => state.status?.notices);
  const held = useAppStore((state) => state.status?.heldActions ?? null);
  // While the link is down every call fails as unreachable: the reconnecting notice already says so.
  const groups = groupFailuresByCode(failures).filter((group) => !(linkDown && group.code === 'UNREACHABLE'));

  return (
    <div className="notices" role="alert" data-testid="notices">
      {linkDown && <p className="notice notice-warning">{t('link.down')}</p>}
      <SessionExpiredBanner />
      {held && (
        <p className="notice notice-warning" data-testid="notice-heldActions">
          {t('notice.heldActions', { name: held.operatorName, count: String(held.count) })}
        </p>
      )}
      {shellNotices?.map((notice) => (
        <p className="notice notice-warning" key={notice.kind} data-testid={`notice-${notice.kind}`}>
          {notice.kind === 'cacheRebuilt'
            ? t('notice.cacheRebuilt', { movedTo: notice.movedTo, count: String(notice.recoveredActions) })
            : t('notice.rulesOverrideRefused', { detail: notice.detail })}
        </p>
      ))}
      {groups.length > 0 && (
        <div className="notice notice-error" data-testid="notice-failures">
          <div className="notice-body">
            {groups.map((group) => (
              <p className="notice-text" key={group.code} data-code={group.code}>
                {t('error.callFailed', {
                  action: group.calls.map((call) => t(`call.${call}`)).join(t('error.actionSeparator')),
                  reason: t(`error.${group.code}`),
                })}
              </p>
            ))}
            <details className="notice-details">
              <summary>{t('error.details')}</summary>
              <code>
                {groups
                  .flatMap((group) => group.messages.map((message) => `${group.code} ${message}`))
                  .join('\n')}
              </code>
            </details>
          </div>
          <button type="button" className="notice-dismiss" onClick={dismissFailures}>
            {t('error.dismiss')}
          </button>
        </div>
      )}
    </div>
  );
}
