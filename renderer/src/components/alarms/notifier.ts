/**
 * System notifications for alarms (the Notification API, in Electron and in the browser): one per new alarm,
 * tagged with the alert id so the system replaces rather than piles up, closed again once the alarm is
 * acknowledged. Permission is asked on a user gesture, as browsers require; a refusal is shown, not hidden.
 */
import type { Alarm } from '../../../../preload/contract';

export type NotificationAccess = NotificationPermission | 'unsupported';

export interface NotificationText {
  title: string;
  body: string;
}

function notificationApi(): typeof Notification | null {
  return typeof globalThis.Notification === 'function' ? globalThis.Notification : null;
}

export class AlarmNotifier {
  readonly #open = new Map<string, Notification>();
  readonly #notified = new Set<string>();
  readonly #listeners = new Set<() => void>();
  readonly #onActivate: (alarm: Alarm) => void;

  constructor(onActivate: (alarm: Alarm) => void) {
    this.#onActivate = onActivate;
  }

  get access(): NotificationAccess {
    return notificationApi()?.permission ?? 'unsupported';
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Call from a user gesture: asks once while the operator has not decided. */
  requestPermission(): void {
    const api = notificationApi();
    if (api?.permission !== 'default') return;
    void api.requestPermission().then(() => {
      for (const listener of this.#listeners) listener();
    });
  }

  /** Notifies the alarms not notified yet on this page; closes the notifications of alarms no longer listed. */
  show(alarms: readonly Alarm[], text: (alarm: Alarm) => NotificationText, silent: boolean): void {
    const listed = new Set(alarms.map((alarm) => alarm.alertId));
    for (const [alertId, notification] of this.#open) {
      if (!listed.has(alertId)) {
        notification.close();
        this.#open.delete(alertId);
      }
    }
    const api = notificationApi();
    if (api?.permission !== 'granted') return;
    for (const alarm of alarms) {
      if (this.#notified.has(alarm.alertId)) continue;
      this.#notified.add(alarm.alertId);
      const { title, body } = text(alarm);
      try {
        const notification = new api(title, {
          body,
          tag: alarm.alertId,
          requireInteraction: alarm.level === 'red',
          silent,
        });
        notification.onclick = () => {
          window.focus();
          notification.close();
          this.#onActivate(alarm);
        };
        notification.onclose = () => this.#open.delete(alarm.alertId);
        this.#open.set(alarm.alertId, notification);
      } catch {
        // Some platforms allow notifications only from a service worker: the strip still shows the alarm.
      }
    }
  }

  closeAll(): void {
    for (const notification of this.#open.values()) notification.close();
    this.#open.clear();
  }
}
