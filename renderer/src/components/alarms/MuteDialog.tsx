import { useEffect, useId, useRef, useState, type KeyboardEvent, type SyntheticEvent } from 'react';
import { usePlatformTimeZone } from '../../format/use-platform-time-zone';
import { useServerNow } from '../../format/use-server-now';
import { useTranslate } from '../../i18n/use-translate';
import { useAppStore } from '../../store/store-context';
import { formatHourMinute, nextWallTime } from '../../format/time';
import { activeMuteEnd, parseHourMinute } from './mute-time';

const PRESETS = [
  { key: '1', minutes: 15, label: 'alarms.mute.15m' },
  { key: '2', minutes: 30, label: 'alarms.mute.30m' },
  { key: '3', minutes: 60, label: 'alarms.mute.1h' },
] as const;

/**
 * Choosing the mute's end by keyboard: 1, 2, 3 (15 min, 30 min, 1 h; the first button has focus, so Enter
 * mutes 15 minutes), a time of day on the platform's clock, or unmute. A modal <dialog>: Esc closes it and
 * focus returns to where it was.
 */
export function MuteDialog({ onClose }: { onClose: () => void }) {
  const t = useTranslate();
  const timeZone = usePlatformTimeZone();
  const serverNow = useServerNow();
  const setAlarmMute = useAppStore((state) => state.setAlarmMute);
  const mutedUntil = useAppStore((state) => state.alarms?.mutedUntil ?? null);
  const mutedBy = useAppStore((state) => state.alarms?.mutedBy ?? null);
  const dialog = useRef<HTMLDialogElement>(null);
  const [until, setUntil] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const untilId = useId();
  const muteEnd = activeMuteEnd(mutedUntil, serverNow);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    const returnTo = document.activeElement;
    if (!element.open) element.showModal();
    // The first choice has focus, so Shift+M then Enter mutes for 15 minutes.
    element.querySelector<HTMLButtonElement>('.mute-dialog-presets button')?.focus();
    return () => {
      if (element.open) element.close();
      if (returnTo instanceof HTMLElement) returnTo.focus();
    };
  }, []);

  const submit = async (endMs: number | null) => {
    if (busy) return;
    setBusy(true);
    const result = await setAlarmMute(endMs === null ? null : new Date(endMs).toISOString());
    setBusy(false);
    if (result.ok) {
      onClose();
      return;
    }
    setProblem(t('alarms.mute.refused', { reason: result.error.message }));
  };

  const muteFor = (minutes: number) => {
    if (serverNow === null) {
      setProblem(t('alarms.mute.unknownClock'));
      return;
    }
    void submit(serverNow + minutes * 60_000);
  };

  const muteUntil = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const time = parseHourMinute(until);
    if (time === null) {
      setProblem(t('alarms.mute.invalidTime'));
      return;
    }
    if (serverNow === null) {
      setProblem(t('alarms.mute.unknownClock'));
      return;
    }
    void submit(nextWallTime(time.hour, time.minute, serverNow, timeZone));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    // Keys stay in the dialog: the frame's shortcuts (1-9 switch queues...) must not act behind it.
    event.stopPropagation();
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
      return;
    }
    if (event.target instanceof HTMLInputElement) return;
    const preset = PRESETS.find((candidate) => candidate.key === event.key);
    if (preset) {
      event.preventDefault();
      muteFor(preset.minutes);
    }
  };

  return (
    <dialog
      ref={dialog}
      className="mute-dialog"
      aria-labelledby={titleId}
      data-testid="mute-dialog"
      onKeyDown={onKeyDown}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId} className="mute-dialog-title">
        {t('alarms.mute.title')}
      </h2>
      <p className="mute-dialog-intro">{t('alarms.mute.intro')}</p>
      {muteEnd !== null && (
        <p className="mute-dialog-current">
          {t('alarms.mute.current', { time: formatHourMinute(muteEnd, timeZone), name: mutedBy ?? '' })}
        </p>
      )}
      <div className="mute-dialog-presets">
        {PRESETS.map((preset) => (
          <button
            key={preset.key}
            type="button"
            className="mute-dialog-button"
            disabled={busy}
            data-testid={`mute-${preset.minutes}`}
            onClick={() => muteFor(preset.minutes)}
          >
            <kbd>{preset.key}</kbd> {t(preset.label)}
          </button>
        ))}
      </div>
      <form className="mute-dialog-until" onSubmit={muteUntil}>
        <label htmlFor={untilId}>{t('alarms.mute.untilLabel')}</label>
        <input
          id={untilId}
          type="text"
          inputMode="numeric"
          placeholder="23:30"
          maxLength={5}
          value={until}
          onChange={(event) => {
            setUntil(event.target.value);
            setProblem(null);
          }}
          data-testid="mute-until"
        />
        <button type="submit" className="mute-dialog-button" disabled={busy}>
          {t('alarms.mute.untilSubmit')}
        </button>
      </form>
      {problem !== null && (
        <p className="mute-dialog-problem" role="alert" data-testid="mute-problem">
          {problem}
        </p>
      )}
      <div className="mute-dialog-footer">
        {muteEnd !== null && (
          <button
            type="button"
            className="mute-dialog-button"
            disabled={busy}
            onClick={() => void submit(null)}
            data-testid="mute-unmute"
          >
            {t('alarms.mute.unmute')}
          </button>
        )}
        <button type="button" className="mute-dialog-button" onClick={onClose}>
          {t('alarms.mute.close')}
        </button>
      </div>
      <p className="mute-dialog-keys">{t('alarms.mute.keys')}</p>
    </dialog>
  );
}
