import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { Alarm } from '../../../../preload/contract';
import { useCommands } from '../../commands/use-commands';
import { formatInstant, parseInstant } from '../../format/time';
import { usePlatformTimeZone } from '../../format/use-platform-time-zone';
import { useServerNow } from '../../format/use-server-now';
import { useTranslate } from '../../i18n/use-translate';
import { useAppStore } from '../../store/store-context';
import './alarms.css';
import { MuteDialog } from './MuteDialog';
import { formatHourMinute } from '../../format/time';
import { activeMuteEnd } from './mute-time';
import { AlarmNotifier } from './notifier';
import { AlarmSoundScheduler } from './sound-scheduler';
import { WebAudioAlarmSink } from './web-audio-sink';

/**
 * The alarm centre: reads and follows the alarms, sounds them (Web Audio, after the first gesture), raises a
 * system notification per new alarm, and shows the strip of sounding alarms with x to acknowledge them and
 * Shift+M to mute. Mounted once in the frame.
 */
export function AlarmCentre() {
  const t = useTranslate();
  const timeZone = usePlatformTimeZone();
  const serverNow = useServerNow();
  const alarms = useAppStore((state) => state.alarms);
  const eventLink = useAppStore((state) => state.eventLink);
  const watchAlarms = useAppStore((state) => state.watchAlarms);
  const loadAlarms = useAppStore((state) => state.loadAlarms);
  const acknowledgeListedAlarms = useAppStore((state) => state.acknowledgeListedAlarms);
  const revealItem = useAppStore((state) => state.revealItem);
  const [muteOpen, setMuteOpen] = useState(false);

  const [sink] = useState(() => new WebAudioAlarmSink());
  const [scheduler] = useState(() => new AlarmSoundScheduler(sink));
  const audioState = useSyncExternalStore(
    useCallback((listener: () => void) => sink.subscribe(listener), [sink]),
    () => sink.state,
  );
  // The alarm's alert, its row selected and its detail open: red alerts in their own queue; an orange one,
  // which no queue holds as such, in the detail pane alone.
  const showAlarm = useCallback(
    (alarm: Alarm) => {
      void revealItem({ entity: 'alert', id: alarm.alertId }, alarm.level === 'red' ? 'redAlerts' : null);
    },
    [revealItem],
  );
  const [notifier] = useState(() => new AlarmNotifier((alarm) => showAlarm(alarm)));
  const notificationAccess = useSyncExternalStore(
    useCallback((listener: () => void) => notifier.subscribe(listener), [notifier]),
    () => notifier.access,
  );

  useEffect(() => watchAlarms(), [watchAlarms]);

  // Events sent while the socket was down are lost: read the alarms again when it reopens.
  const previousLink = useRef(eventLink);
  useEffect(() => {
    if (previousLink.current === 'down' && eventLink === 'open') void loadAlarms();
    previousLink.current = eventLink;
  }, [eventLink, loadAlarms]);

  // The first key or click of the page unlocks audio and asks for the notification permission.
  useEffect(() => {
    const onGesture = () => {
      sink.unlock();
      notifier.requestPermission();
    };
    window.addEventListener('keydown', onGesture, true);
    window.addEventListener('pointerdown', onGesture, true);
    return () => {
      window.removeEventListener('keydown', onGesture, true);
      window.removeEventListener('pointerdown', onGesture, true);
    };
  }, [sink, notifier]);

  const active = useMemo(() => alarms?.active ?? [], [alarms]);
  const muteEnd = activeMuteEnd(alarms?.mutedUntil, serverNow);
  const muted = muteEnd !== null;

  // The sound: at once for a new alarm, then at its level's interval, silent while muted. Audio unlocked late
  // starts over, so the operator hears at once what was waiting for the gesture.
  const audioWas = useRef(audioState);
  useEffect(() => {
    if (audioWas.current !== 'ready' && audioState === 'ready') scheduler.dispose();
    audioWas.current = audioState;
    scheduler.update(active, muted);
  }, [scheduler, active, muted, audioState]);
  useEffect(() => () => scheduler.dispose(), [scheduler]);

  useEffect(() => {
    notifier.show(
      active,
      (alarm) => ({
        title: t('alarms.notification.title', {
          level: t(`alarms.level.${alarm.level}`),
          title: alarm.title,
        }),
        body: t('alarms.notification.body', {
          scene: alarm.sceneName ?? t('alarms.noScene'),
          time: formatHourMinute(parseInstant(alarm.reportedAt) ?? 0, timeZone),
        }),
      }),
      muted,
    );
  }, [notifier, active, muted, t, timeZone, notificationAccess]);
  useEffect(() => () => notifier.closeAll(), [notifier]);

  const acknowledge = useCallback(() => void acknowledgeListedAlarms(), [acknowledgeListedAlarms]);
  const openMute = useCallback(() => setMuteOpen(true), []);
  useCommands([
    {
      id: 'alarms.acknowledge',
      group: 'alarms',
      title: 'alarms.command.acknowledge',
      keys: ['x'],
      isEnabled: () => active.length > 0,
      run: acknowledge,
    },
    {
      id: 'alarms.mute',
      group: 'alarms',
      title: 'alarms.command.mute',
      keys: ['Shift+M'],
      isEnabled: () => true,
      run: openMute,
    },
  ]);

  const total = alarms?.total ?? 0;
  const hidden = Math.max(0, total - active.length);
  const topLevel = active.some((alarm) => alarm.level === 'red') ? 'red' : 'orange';

  return (
    <section className="alarm-centre" aria-label={t('alarms.region')} data-testid="alarm-centre">
      {audioState === 'locked' && active.length > 0 && !muted && (
        <p className="alarm-hint alarm-hint-sound" role="status" data-testid="alarm-enable-sound">
          {t('alarms.enableSound')}
        </p>
      )}
      {audioState === 'unsupported' && active.length > 0 && (
        <p className="alarm-hint" role="status">
          {t('alarms.soundUnsupported')}
        </p>
      )}
      {notificationAccess === 'denied' && active.length > 0 && (
        <p className="alarm-hint" role="status" data-testid="alarm-notifications-blocked">
          {t('alarms.notificationsBlocked')}
        </p>
      )}
      {active.length > 0 && (
        <div
          className="alarm-strip"
          data-level={topLevel}
          data-muted={muted ? 'true' : 'false'}
          data-testid="alarm-strip"
          role="alert"
        >
          <div className="alarm-strip-head">
            <span className="alarm-strip-count">{t('alarms.count', { count: total })}</span>
            {muteEnd !== null && (
              <span className="alarm-strip-muted">
                {t('alarms.mutedNote', {
                  time: formatHourMinute(muteEnd, timeZone),
                  name: alarms?.mutedBy ?? '',
                })}
              </span>
            )}
            <span className="alarm-strip-actions">
              <button
                type="button"
                className="alarm-button"
                onClick={acknowledge}
                data-testid="alarm-acknowledge"
              >
                {t('alarms.acknowledgeButton')}
              </button>
              <button type="button" className="alarm-button" onClick={openMute}>
                {t('alarms.muteButton')}
              </button>
            </span>
          </div>
          <ul className="alarm-list">
            {active.map((alarm) => (
              <li
                key={alarm.alertId}
                className="alarm-item"
                data-level={alarm.level}
                data-alert-id={alarm.alertId}
              >
                <span className="alarm-level">{t(`alarms.level.${alarm.level}`)}</span>
                <button
                  type="button"
                  className="alarm-title"
                  title={t('alarms.showHint')}
                  onClick={() => showAlarm(alarm)}
                  data-testid="alarm-show"
                >
                  {alarm.title}
                </button>
                <span className="alarm-scene">{alarm.sceneName ?? t('alarms.noScene')}</span>
                <time className="alarm-time" dateTime={alarm.reportedAt}>
                  {t('alarms.reportedAt', {
                    time: formatInstant(parseInstant(alarm.reportedAt) ?? 0, serverNow, timeZone),
                  })}
                </time>
              </li>
            ))}
          </ul>
          {hidden > 0 && <p className="alarm-more">{t('alarms.more', { count: hidden })}</p>}
        </div>
      )}
      {muteOpen && <MuteDialog onClose={() => setMuteOpen(false)} />}
    </section>
  );
}

/** The status bar's mute item: "静音至 HH:mm" while a mute is in force, nothing otherwise. */
export function AlarmMuteStatus() {
  const t = useTranslate();
  const timeZone = usePlatformTimeZone();
  const serverNow = useServerNow();
  const mutedUntil = useAppStore((state) => state.alarms?.mutedUntil ?? null);
  const mutedBy = useAppStore((state) => state.alarms?.mutedBy ?? null);
  const end = activeMuteEnd(mutedUntil, serverNow);
  if (end === null) return null;
  return (
    <div
      className="status-item alarm-mute-status"
      data-testid="status-alarm-mute"
      data-state="attention"
      title={t('alarms.status.mutedHint', { name: mutedBy ?? '' })}
    >
      <span className="status-label">{t('alarms.status.label')}</span>
      <span className="status-value">
        {t('alarms.status.mutedUntil', { time: formatHourMinute(end, timeZone) })}
      </span>
    </div>
  );
}
