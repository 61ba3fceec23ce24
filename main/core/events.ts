import type { EventName, EventPayloads } from '../../preload/contract';

export type EventListener = <E extends EventName>(event: E, payload: EventPayloads[E]) => void;

/** Fans core events out to every transport (Electron windows, browser-mode sockets). */
export class EventHub {
  readonly #listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    for (const listener of this.#listeners) {
      try {
        listener(event, payload);
      } catch (error) {
        // One broken transport (a closed socket, a destroyed window) must not stop the others.
        console.error(`[events] a listener failed on "${event}":`, error);
      }
    }
  }
}
