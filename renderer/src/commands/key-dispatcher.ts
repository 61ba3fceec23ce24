import type { Command } from './command-registry';

/**
 * The keyboard dispatcher's logic, free of the DOM: how a key press is written (a "chord"), which sequences a
 * command answers to, and a matcher that follows sequences such as `g` then `r` across presses.
 *
 * A chord is the key with its modifiers, in a fixed order: `Control+Alt+Meta+Shift+key`. For letters the key is
 * lower case and Shift is written out (`Shift+m`, whatever Caps Lock says); for other printable characters the
 * character already says whether Shift was held (`?`, `/`, `1`), so Shift is not written; for named keys
 * (`Enter`, `ArrowDown`) it is.
 */

/** The parts of a KeyboardEvent the dispatcher reads. */
export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

const modifierKeys = new Set([
  'Control',
  'Alt',
  'Meta',
  'Shift',
  'AltGraph',
  'CapsLock',
  'Fn',
  'OS',
  'Hyper',
  'Super',
]);
const modifierOrder = ['Control', 'Alt', 'Meta', 'Shift'] as const;
type Modifier = (typeof modifierOrder)[number];

const isLetter = (key: string) => key.length === 1 && key.toLowerCase() !== key.toUpperCase();

function chordFrom(key: string, modifiers: ReadonlySet<Modifier>): string {
  let base = key;
  const held = new Set(modifiers);
  if (isLetter(key)) {
    // An upper-case letter without a written Shift (a binding 'M') means Shift+m.
    if (key !== key.toLowerCase()) held.add('Shift');
    base = key.toLowerCase();
  } else if (key.length === 1) {
    held.delete('Shift');
  }
  return [...modifierOrder.filter((modifier) => held.has(modifier)), base].join('+');
}

/** The chord of a key press, or null for a press of a modifier alone (it starts nothing and cancels nothing). */
export function chordOf(input: KeyInput): string | null {
  if (modifierKeys.has(input.key) || input.key === 'Dead' || input.key === 'Unidentified') return null;
  const modifiers = new Set<Modifier>();
  if (input.ctrlKey) modifiers.add('Control');
  if (input.altKey) modifiers.add('Alt');
  if (input.metaKey) modifiers.add('Meta');
  if (input.shiftKey) modifiers.add('Shift');
  return chordFrom(input.key, modifiers);
}

/** A binding as written in a command (`'Control+k'`, `'Shift+M'`, `'?'`, `'+'`) as a chord. */
export function normalizeBinding(binding: string): string {
  const parts = binding.split('+');
  // A '+' key is written '+' or 'Shift++': the last empty parts are the key itself.
  let key = parts.pop() ?? '';
  if (key === '' && parts.at(-1) === '') {
    parts.pop();
    key = '+';
  }
  const modifiers = new Set<Modifier>();
  for (const part of parts) {
    const modifier = modifierOrder.find((name) => name.toLowerCase() === part.toLowerCase());
    if (!modifier) throw new Error(`Unknown modifier "${part}" in key binding "${binding}"`);
    modifiers.add(modifier);
  }
  return chordFrom(key, modifiers);
}

/** Every key sequence a command answers to, as chords: its keys and its alternatives. */
export function sequencesOf(command: Pick<Command, 'keys' | 'alternativeKeys'>): string[][] {
  return [command.keys, ...(command.alternativeKeys ?? [])]
    .filter((sequence) => sequence.length > 0)
    .map((sequence) => sequence.map(normalizeBinding));
}

/** The commands whose keys the dispatcher binds: those whose keys no focused widget handles itself. */
export function dispatchedCommands(commands: readonly Command[]): Command[] {
  return commands.filter((command) => command.keysHandledBy === undefined);
}

export interface KeyConflict {
  /** The sequence, as chords, bound twice (or bound whole and as the start of a longer one). */
  sequence: string[];
  commandIds: [string, string];
}

/**
 * Bindings that cannot both work: the same sequence twice, or a sequence that is the start of another (after
 * `g` alone the dispatcher could not know whether `g r` is coming). Commands whose keys are handled by a widget
 * are included: their keys must not be taken by another command either.
 */
export function findKeyConflicts(
  commands: readonly Pick<Command, 'id' | 'keys' | 'alternativeKeys'>[],
): KeyConflict[] {
  const bound = commands.flatMap((command) =>
    sequencesOf(command).map((sequence) => ({ id: command.id, sequence })),
  );
  const conflicts: KeyConflict[] = [];
  bound.forEach((first, index) => {
    for (const second of bound.slice(index + 1)) {
      const [shorter, longer] =
        first.sequence.length <= second.sequence.length ? [first, second] : [second, first];
      if (shorter.sequence.every((chord, position) => longer.sequence[position] === chord)) {
        conflicts.push({ sequence: shorter.sequence, commandIds: [first.id, second.id] });
      }
    }
  });
  return conflicts;
}

/** What a key press did. */
export type KeyOutcome =
  /** Nothing is bound to it: the press goes on to the page. */
  | { kind: 'unbound' }
  /** It began (or continued) a sequence: wait for the next key. */
  | { kind: 'pending'; prefix: string[] }
  /** It followed a started sequence with a key that completes none; the sequence is dropped. */
  | { kind: 'broken'; sequence: string[] }
  /** It completed the sequence of this command. */
  | { kind: 'matched'; command: Command };

/** Follows key presses across a sequence; a started sequence lapses after `timeoutMs` without a key. */
export class KeySequenceMatcher {
  #prefix: string[] = [];
  #lastAt = 0;

  constructor(private readonly timeoutMs = 1_500) {}

  /** The chords pressed so far of an unfinished sequence (empty when none). */
  get prefix(): readonly string[] {
    return this.#prefix;
  }

  reset(): void {
    this.#prefix = [];
  }

  press(chord: string, commands: readonly Command[], nowMs: number): KeyOutcome {
    if (this.#prefix.length > 0 && nowMs - this.#lastAt > this.timeoutMs) this.#prefix = [];
    const started = this.#prefix.length > 0;
    const sequence = [...this.#prefix, chord];
    this.#lastAt = nowMs;
    let longer = false;
    for (const command of dispatchedCommands(commands)) {
      for (const candidate of sequencesOf(command)) {
        if (candidate.length < sequence.length) continue;
        if (!sequence.every((part, position) => candidate[position] === part)) continue;
        if (candidate.length === sequence.length) {
          this.#prefix = [];
          return { kind: 'matched', command };
        }
        longer = true;
      }
    }
    if (longer) {
      this.#prefix = sequence;
      return { kind: 'pending', prefix: sequence };
    }
    this.#prefix = [];
    return started ? { kind: 'broken', sequence } : { kind: 'unbound' };
  }
}

const keyLabels: Record<string, string> = {
  Control: 'Ctrl',
  Meta: '⌘',
  Escape: 'Esc',
  ArrowDown: '↓',
  ArrowUp: '↑',
  ArrowLeft: '←',
  ArrowRight: '→',
  ' ': 'Space',
};

/** A chord as the operator reads it on a key cap: `Ctrl+K`, `Shift+M`, `Esc`, `↓`, `?`, and single letters `j`. */
export function chordLabel(chord: string): string {
  const parts = chord === '+' ? ['+'] : chord.split('+');
  if (parts.length === 1) return keyLabels[chord] ?? chord;
  // With a modifier, a letter reads as on the key cap (Ctrl+K).
  return parts.map((part) => keyLabels[part] ?? (part.length === 1 ? part.toUpperCase() : part)).join('+');
}
