import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import {
  itemKey,
  type AlertDetail,
  type DeviceSummary,
  type ItemDetail,
  type PromptSummary,
  type QueueRow,
  type SceneSummary,
} from '../../../../preload/contract';
import { detailKey, elementProblemCount, formatRate } from '../../detail/detail-format';
import { formatDateTime, parseInstant } from '../../format/time';
import { usePlatformTimeZone } from '../../format/use-platform-time-zone';
import { useServerNow } from '../../format/use-server-now';
import type { MessageKey } from '../../i18n/messages';
import { useTranslate } from '../../i18n/use-translate';
import { dueIn, formatSpan } from '../../queues/queue-time';
import { detailDataSignature, shouldRefetchReadings } from '../../store/detail-slice';
import { useAppStore } from '../../store/store-context';
import { ActionBar } from '../actions/ActionBar';
import { ReadingsChart } from './ReadingsChart';
import { Timeline } from './Timeline';
import './detail.css';

export interface ItemDetailPaneProps {
  row: QueueRow;
  onClose: () => void;
}

type Field = [label: MessageKey, value: ReactNode];

function Fields({ fields, testId }: { fields: Field[]; testId?: string }) {
  const t = useTranslate();
  return (
    <dl className="detail-fields" data-testid={testId}>
      {fields.map(([label, value]) => (
        <div className="detail-field" key={label}>
          <dt>{t(label)}</dt>
          <dd>{value ?? t('pane.none')}</dd>
        </div>
      ))}
    </dl>
  );
}

function Section({ id, title, children }: { id: string; title: MessageKey; children: ReactNode }) {
  const t = useTranslate();
  return (
    <section className="detail-section" aria-labelledby={`detail-${id}`} data-testid={`detail-${id}`}>
      <h3 id={`detail-${id}`}>{t(title)}</h3>
      {children}
    </section>
  );
}

/** Formatting shared by the sections: instants in the platform's zone, and known values in words. */
function useDetailFormat() {
  const t = useTranslate();
  const timeZone = usePlatformTimeZone();
  const instant = (iso: string | null | undefined): string | null => {
    const ms = parseInstant(iso);
    return ms === null ? null : formatDateTime(ms, timeZone);
  };
  const word = (prefix: string, value: string | null | undefined): string | null => {
    if (value === null || value === undefined || value === '') return null;
    const key = detailKey(`${prefix}.${value}`);
    return key ? t(key) : value;
  };
  return { t, instant, word };
}

function PendingBadge() {
  const t = useTranslate();
  return (
    <span className="pending-badge" title={t('pane.pendingHint')}>
      {t('pane.pending')}
    </span>
  );
}

function Deadline({ iso, closed }: { iso: string | null; closed: boolean }) {
  const { t, instant } = useDetailFormat();
  const now = useServerNow();
  const text = instant(iso);
  if (text === null) return <>{t('pane.none')}</>;
  const due = closed ? null : dueIn(parseInstant(iso), now);
  return (
    <>
      {text}
      {due && (
        <span className={due.overdue ? 'detail-overdue' : 'detail-due'}>
          {' '}
          {t(due.overdue ? 'pane.overdueBy' : 'pane.dueIn', { span: formatSpan(due.spanMs, t('grid.days')) })}
        </span>
      )}
    </>
  );
}

function AlertSections({ alert }: { alert: AlertDetail }) {
  const { t, instant, word } = useDetailFormat();
  const readings = useAppStore((state) => (state.readingsAlertId === alert.id ? state.readings : null));
  const readingsLoading = useAppStore((state) => state.readingsLoading);
  const readingsError = useAppStore((state) => state.readingsError);
  const problems = alert.elements.filter((element) => element.problem !== null).length;
  const order = alert.workOrder;
  return (
    <>
      <Section id="elements" title="pane.section.elements">
        <p className="detail-note">{t('pane.elementsSummary', { total: alert.elements.length, problems })}</p>
        <table className="detail-elements" data-testid="detail-elements-table">
          <tbody>
            {alert.elements.map((element) => (
              <tr
                key={element.key}
                className={element.problem ? `element-problem element-${element.problem}` : undefined}
                data-element={element.key}
                data-problem={element.problem ?? undefined}
              >
                <th scope="row">{element.label}</th>
                <td>
                  {element.value ?? <span className="detail-muted">{t('pane.none')}</span>}
                  {element.problem && (
                    <div className="element-problem-text">
                      <span className={`problem-badge problem-${element.problem}`}>
                        {t(element.problem === 'missing' ? 'pane.problem.missing' : 'pane.problem.malformed')}
                      </span>{' '}
                      {element.problemDetail}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section id="readings" title="pane.section.readings">
        {alert.readings === null && readings === null && !readingsLoading ? (
          <p className="detail-note">{t('pane.none')}</p>
        ) : (
          <ReadingsChart readings={readings} loading={readingsLoading} error={readingsError} />
        )}
      </Section>
      {(alert.level === 'red' || alert.verification || alert.majorLoop) && (
        <Section id="verification" title="pane.section.verification">
          {alert.verification ? (
            <Fields
              fields={[
                ['pane.field.verifiedAt', instant(alert.verification.at)],
                ['pane.field.verifiedBy', alert.verification.by],
                [
                  'pane.field.assessment',
                  `${t(alert.verification.significant ? 'pane.significant' : 'pane.notSignificant')}：${alert.verification.assessment}`,
                ],
              ]}
            />
          ) : (
            <p className="detail-note">{t('pane.notVerified')}</p>
          )}
          {alert.majorLoop && (
            <Fields
              fields={[
                [
                  'pane.field.majorLoop',
                  `${word('pane.majorLoop', alert.majorLoop.kind) ?? ''} ${instant(alert.majorLoop.startedAt) ?? ''}`,
                ],
                ['pane.field.reportedTo', alert.majorLoop.reportedTo],
                ['pane.field.reason', alert.majorLoop.summary],
              ]}
            />
          )}
        </Section>
      )}
      <Section id="workOrder" title="pane.section.workOrder">
        {order ? (
          <Fields
            testId="detail-work-order"
            fields={[
              ['pane.field.id', order.id],
              ['pane.field.status', word('pane.orderStatus', order.status)],
              [
                'pane.field.deadline',
                <Deadline key="deadline" iso={order.deadlineAt} closed={order.closedAt !== null} />,
              ],
              [
                'pane.field.handler',
                order.handler
                  ? [order.handler.name, order.handler.unit, order.handler.phone].filter(Boolean).join(' · ')
                  : null,
              ],
              ['pane.field.dispatchedAt', instant(order.dispatchedAt)],
              ['pane.field.arrivedAt', instant(order.arrivedAt)],
              ['pane.field.closedAt', instant(order.closedAt)],
              ['pane.field.measures', order.measures.length > 0 ? order.measures.join('；') : null],
              ['pane.field.feedback', order.feedback],
            ]}
          />
        ) : (
          <>
            <p className="detail-note">{t('pane.noWorkOrder')}</p>
            <Fields
              testId="detail-work-order"
              fields={[
                [
                  'pane.field.deadline',
                  <Deadline key="deadline" iso={alert.deadlineAt} closed={alert.closedAt !== null} />,
                ],
              ]}
            />
          </>
        )}
      </Section>
    </>
  );
}

function PromptList({ prompts }: { prompts: PromptSummary[] }) {
  const { t, instant, word } = useDetailFormat();
  if (prompts.length === 0) return <p className="detail-note">{t('pane.noPrompts')}</p>;
  return (
    <ul className="detail-prompts">
      {prompts.map((prompt) => (
        <li key={prompt.id} className="detail-prompt" data-testid="detail-prompt">
          <div className="detail-prompt-head">
            <strong>
              {detailKey(`pane.rule.${prompt.rule}`)
                ? word('pane.rule', prompt.rule)
                : (prompt.title ?? prompt.rule)}
            </strong>
            <span className={`prompt-state prompt-state-${prompt.state}`}>
              {word('pane.promptState', prompt.state)}
            </span>
            {prompt.pending && <PendingBadge />}
          </div>
          <Fields
            fields={[
              ['pane.field.reason', prompt.reason],
              ['pane.field.recipient', word('pane.recipient', prompt.recipientRole)],
              ['pane.field.raisedAt', instant(prompt.raisedAt)],
              [
                'pane.field.dueAt',
                prompt.dueAt ? (
                  <Deadline key="due" iso={prompt.dueAt} closed={prompt.state === 'resolved'} />
                ) : null,
              ],
              ...(prompt.snoozedUntil
                ? [['pane.field.snoozedUntil', instant(prompt.snoozedUntil)] as Field]
                : []),
              ...(prompt.message ? [['pane.field.message', prompt.message] as Field] : []),
              ...(prompt.state === 'raised' && prompt.suggestedMessage
                ? [['pane.field.suggestedMessage', prompt.suggestedMessage] as Field]
                : []),
            ]}
          />
        </li>
      ))}
    </ul>
  );
}

function SceneSection({ scene }: { scene: SceneSummary }) {
  const { t, instant, word } = useDetailFormat();
  return (
    <Section id="scene" title="pane.section.scene">
      <Fields
        fields={[
          ['pane.field.scene', `${scene.name}（${word('pane.sceneKind', scene.kind) ?? scene.kind}）`],
          ['pane.field.category', word('pane.category', scene.category)],
          ['pane.field.department', scene.department],
          ['pane.field.street', scene.street],
          ['pane.field.lastAlertAt', instant(scene.lastAlertAt)],
          [
            'pane.field.syncRate',
            scene.syncRate === null
              ? null
              : scene.sync
                ? t('pane.syncCounts', {
                    rate: formatRate(scene.syncRate),
                    reported: scene.sync.reportedByScene,
                    received: scene.sync.receivedByCentral,
                  })
                : formatRate(scene.syncRate),
          ],
          ['pane.field.devices', scene.deviceCount],
          [
            'pane.field.contacts',
            scene.contacts.length > 0 ? (
              <ul className="detail-plain-list">
                {scene.contacts.map((contact) => (
                  <li key={contact.role}>
                    {t('pane.contact', {
                      role: word('pane.recipient', contact.role) ?? contact.role,
                      name: contact.name,
                      phone: contact.phone,
                      unit: contact.unit,
                    })}
                  </li>
                ))}
              </ul>
            ) : null,
          ],
          [
            'pane.field.recentAlerts',
            scene.recentAlerts.length > 0 ? (
              <ul className="detail-plain-list">
                {scene.recentAlerts.map((alert) => (
                  <li key={alert.id}>
                    <span className={`level-dot level-${alert.level}`} aria-hidden="true" />
                    {instant(alert.reportedAt)} {alert.title}（{word('pane.alertStatus', alert.status)}）
                  </li>
                ))}
              </ul>
            ) : null,
          ],
        ]}
      />
    </Section>
  );
}

function DeviceSection({ device }: { device: DeviceSummary }) {
  const { t, instant, word } = useDetailFormat();
  return (
    <Section id="device" title="pane.section.device">
      <Fields
        fields={[
          ['pane.field.code', device.code ?? device.id],
          ['pane.field.model', [device.name, device.model].filter(Boolean).join(' · ') || null],
          ['pane.field.status', word('pane.deviceStatus', device.status)],
          ['pane.field.offlineSince', instant(device.offlineSince)],
          ['pane.field.address', [device.street, device.address].filter(Boolean).join(' ') || null],
          ['pane.field.ownerUnit', device.ownerUnit],
          [
            'pane.field.infoError',
            device.infoError
              ? t('pane.infoError', {
                  field: device.infoError.field,
                  registered: device.infoError.registered,
                  observed: device.infoError.observed,
                })
              : null,
          ],
        ]}
      />
    </Section>
  );
}

function SummaryFields({ row, detail }: { row: QueueRow; detail: ItemDetail | null }) {
  const { t, instant, word } = useDetailFormat();
  const alert = row.entity === 'alert' ? detail?.alert : null;
  const claim = detail?.claim ?? null;
  const claimText = claim ? (
    <>
      {t(claim.mine ? 'pane.claimedByMe' : 'pane.claimedBy', {
        name: claim.operatorName,
        time: instant(claim.expiresAt) ?? '',
      })}
      {claim.pending && (
        <>
          {' '}
          <PendingBadge />
        </>
      )}
    </>
  ) : detail ? (
    t('pane.unclaimed')
  ) : (
    row.claimedBy
  );
  if (alert) {
    return (
      <Fields
        testId="detail-summary"
        fields={[
          ['pane.field.id', alert.id],
          ['pane.field.level', word('pane.level', alert.level)],
          ['pane.field.status', word('pane.alertStatus', alert.status)],
          ['pane.field.category', word('pane.category', alert.category)],
          ['pane.field.scene', alert.sceneName],
          ['pane.field.location', alert.location],
          ['pane.field.occurredAt', instant(alert.occurredAt)],
          ['pane.field.reportedAt', instant(alert.reportedAt)],
          [
            'pane.field.deadline',
            <Deadline key="deadline" iso={alert.deadlineAt} closed={alert.closedAt !== null} />,
          ],
          [
            'pane.field.handler',
            alert.handler
              ? [alert.handler.name, alert.handler.unit, alert.handler.phone].filter(Boolean).join(' · ')
              : null,
          ],
          ['pane.field.claim', claimText],
        ]}
      />
    );
  }
  return (
    <Fields
      testId="detail-summary"
      fields={[
        ['pane.field.id', row.id],
        ['pane.field.scene', row.sceneName],
        ['pane.field.category', word('pane.category', row.category)],
        ['pane.field.location', row.location],
        ['pane.field.claim', claimText],
      ]}
    />
  );
}

/**
 * The detail pane of the selected row: what the cache knows of the item, read through the bridge when the pane
 * opens and again when the data changes, with the actions that apply. Opened with Enter, closed with Esc (focus
 * returns to the grid); the pane itself takes focus so the arrow and page keys scroll it.
 */
export function ItemDetailPane({ row, onClose }: ItemDetailPaneProps) {
  const t = useTranslate();
  const { instant } = useDetailFormat();
  const pane = useRef<HTMLElement>(null);
  const key = itemKey(row);
  const detail = useAppStore((state) => (state.detailKey === key ? state.detail : null));
  const loading = useAppStore((state) => state.detailLoading);
  const error = useAppStore((state) => state.detailError);
  const readings = useAppStore((state) => state.readings);
  const loadDetail = useAppStore((state) => state.loadDetail);
  const reloadDetail = useAppStore((state) => state.reloadDetail);
  const loadReadings = useAppStore((state) => state.loadReadings);
  const clearDetail = useAppStore((state) => state.clearDetail);
  const signature = useAppStore((state) => detailDataSignature(state.status, state.queueCounts));
  const connection = useAppStore((state) => state.status?.connection.state ?? null);
  const loadedSignature = useRef(signature);

  useEffect(() => {
    pane.current?.focus();
  }, []);

  useEffect(() => {
    loadedSignature.current = signature;
    void loadDetail({ entity: row.entity, id: row.id });
    // The signature is read, not followed, here: the effect below follows it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [row.entity, row.id, loadDetail]);

  useEffect(() => {
    if (signature === loadedSignature.current) return;
    loadedSignature.current = signature;
    void reloadDetail();
  }, [signature, reloadDetail]);

  useEffect(() => {
    if (readings && shouldRefetchReadings(readings, connection)) void loadReadings(readings.alertId);
    // Only a change of the connection asks again; a failed fetch while online does not loop.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connection]);

  useEffect(() => () => clearDetail(), [clearDetail]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    onClose();
  };

  const title = detail?.row?.title ?? row.title;
  const level = detail?.alert?.level ?? row.level;
  const problems = elementProblemCount(detail);
  const gone = detail !== null && detail.row === null;

  return (
    <aside
      className="item-detail"
      data-testid="row-detail"
      data-loaded={detail ? 'true' : 'false'}
      aria-label={t('pane.label', { title })}
      tabIndex={0}
      ref={pane}
      onKeyDown={onKeyDown}
    >
      <div className="item-detail-header">
        <h2 className="item-detail-title" id="row-detail-title">
          {level && <span className={`level-dot level-${level}`} aria-hidden="true" />}
          {title}
        </h2>
        <button type="button" className="switch-button" data-testid="row-detail-close" onClick={onClose}>
          {t('detail.close')}
        </button>
      </div>
      <p className="detail-note detail-as-of">
        {detail?.dataAsOf ? t('pane.dataAsOf', { time: instant(detail.dataAsOf) ?? '' }) : null}
        {problems > 0 &&
          ` · ${t('pane.elementsSummary', { total: detail?.alert?.elements.length ?? 0, problems })}`}
      </p>
      {error && (
        <p className="detail-note detail-error" role="alert">
          {t('pane.loadFailed', { reason: t(`error.${error.code}`) })}
        </p>
      )}
      {!detail && loading && <p className="detail-note">{t('pane.loading')}</p>}
      {gone && <p className="detail-note">{t('pane.gone')}</p>}

      <Section id="summary" title="pane.section.summary">
        <SummaryFields row={row} detail={detail} />
      </Section>

      <ActionBar row={row} detail={detail} />

      {detail?.subject && (
        <Section id="subject" title="pane.section.subject">
          <p className="detail-subject">
            {detail.subject.label ?? `${detail.subject.entity}:${detail.subject.id}`}
          </p>
        </Section>
      )}
      {detail?.alert && <AlertSections alert={detail.alert} />}
      {detail && (detail.prompts.length > 0 || row.entity !== 'workPrompt') && (
        <Section id="prompts" title="pane.section.prompts">
          <PromptList prompts={detail.prompts} />
        </Section>
      )}
      {detail?.device && <DeviceSection device={detail.device} />}
      {detail?.scene && <SceneSection scene={detail.scene} />}
      {detail && (
        <Section id="timeline" title="pane.section.timeline">
          <Timeline items={detail.timeline} />
        </Section>
      )}
      <p className="detail-note detail-hint">{t('pane.scrollHint')}</p>
    </aside>
  );
}
