import type { MessageKey } from '../i18n/messages';

/** How the `?` overlay and the Ctrl+K palette group the commands. */
export const commandGroups = ['navigation', 'queues', 'actions', 'alarms', 'view'] as const;
export type CommandGroup = (typeof commandGroups)[number];

/**
 * One thing the operator can do from the keyboard. Every command is listed in the `?` overlay and the
 * Ctrl+K palette with its keys, so the keyboard map has one source: the commands the screen registers.
 */
export interface Command {
  /** Stable and unique, e.g. `action.verify`, `queue.goto.redAlerts`. */
  id: string;
  group: CommandGroup;
  title: MessageKey;
  /**
   * The key sequence as `KeyboardEvent.key` values: `['v']`, `['g', 'r']`, `['?']`, `['Control+k']`
   * (a modifier is written `Control+`, `Alt+` or `Shift+` before the key). Empty: reachable from the palette only.
   */
  keys: readonly string[];
  /** Other sequences that do the same (`[['g', 'r']]` beside `['1']`, `[['ArrowDown']]` beside `['j']`). */
  alternativeKeys?: readonly (readonly string[])[];
  /**
   * Set when a focused widget handles these keys itself (the grid's j/k, Enter, Esc): the overlay and the
   * palette list them, the palette can run the command, and the keyboard dispatcher leaves the keys alone.
   */
  keysHandledBy?: 'grid';
  /** Whether it applies now (verify needs an unverified red alert selected...); disabled commands show, greyed out. */
  isEnabled: () => boolean;
  /** Why it does not apply now, told briefly when its key is pressed anyway (default: not for the selected item). */
  disabledReason?: () => MessageKey | null;
  run: () => void;
}

type Listener = () => void;

/**
 * The commands the mounted components offer. A component registers its commands while mounted and
 * unregisters them when it goes, so the overlay never lists a command that cannot run.
 */
export class CommandRegistry {
  readonly #sources = new Map<symbol, readonly Command[]>();
  readonly #listeners = new Set<Listener>();
  #snapshot: readonly Command[] = [];

  /** Adds a group of commands; returns the function that removes them again. */
  register(commands: readonly Command[]): () => void {
    const source = Symbol('commands');
    this.#sources.set(source, commands);
    this.#changed();
    return () => {
      this.#sources.delete(source);
      this.#changed();
    };
  }

  /** Every registered command, in registration order; the same array until something changes. */
  list(): readonly Command[] {
    return this.#snapshot;
  }

  find(id: string): Command | undefined {
    return this.#snapshot.find((command) => command.id === id);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    this.#snapshot = [...this.#sources.values()].flat();
    for (const listener of this.#listeners) listener();
  }
}
