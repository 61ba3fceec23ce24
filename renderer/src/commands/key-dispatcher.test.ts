import { describe, expect, it } from 'vitest';
import type { Command } from './command-registry';
import {
  chordLabel,
  chordOf,
  findKeyConflicts,
  KeySequenceMatcher,
  normalizeBinding,
  sequencesOf,
  type KeyInput,
} from './key-dispatcher';

const press = (key: string, modifiers: Partial<Omit<KeyInput, 'key'>> = {}): KeyInput => ({
  key,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  shiftKey: false,
  ...modifiers,
});

const command = (id: string, keys: string[], extra: Partial<Command> = {}): Command => ({
  id,
  group: 'navigation',
  title: 'console.command.nextRow',
  keys,
  isEnabled: () => true,
  run: () => undefined,
  ...extra,
});

describe('chordOf', () => {
  it('writes plain keys as they are, letters in lower case', () => {
    expect(chordOf(press('j'))).toBe('j');
    expect(chordOf(press('Enter'))).toBe('Enter');
    expect(chordOf(press('1'))).toBe('1');
  });

  it('writes Shift for a shifted letter, which arrives as the capital', () => {
    expect(chordOf(press('M', { shiftKey: true }))).toBe('Shift+m');
    // Caps Lock alone gives a capital without Shift: the letter, not Shift+letter.
    expect(chordOf(press('M'))).toBe('Shift+m');
    expect(chordOf(press('m', { shiftKey: true }))).toBe('Shift+m');
  });

  it('drops Shift for a printable character that already says it (? is Shift+/)', () => {
    expect(chordOf(press('?', { shiftKey: true }))).toBe('?');
    expect(chordOf(press('/'))).toBe('/');
  });

  it('keeps Shift on named keys and orders the modifiers', () => {
    expect(chordOf(press('Tab', { shiftKey: true }))).toBe('Shift+Tab');
    expect(chordOf(press('k', { ctrlKey: true }))).toBe('Control+k');
    expect(chordOf(press('K', { ctrlKey: true, shiftKey: true, altKey: true }))).toBe('Control+Alt+Shift+k');
  });

  it('ignores a modifier pressed alone', () => {
    for (const key of ['Shift', 'Control', 'Alt', 'Meta', 'CapsLock', 'Dead'])
      expect(chordOf(press(key))).toBeNull();
  });
});

describe('normalizeBinding', () => {
  it('reads bindings the way chordOf writes presses', () => {
    expect(normalizeBinding('Control+k')).toBe(chordOf(press('k', { ctrlKey: true })));
    // Bindings are KeyboardEvent.key values: a capital is a shifted letter, Ctrl+Shift+K.
    expect(normalizeBinding('Control+K')).toBe('Control+Shift+k');
    expect(normalizeBinding('Shift+M')).toBe(chordOf(press('M', { shiftKey: true })));
    expect(normalizeBinding('Shift+m')).toBe('Shift+m');
    expect(normalizeBinding('?')).toBe(chordOf(press('?', { shiftKey: true })));
    expect(normalizeBinding('shift+Tab')).toBe('Shift+Tab');
    expect(normalizeBinding('+')).toBe('+');
    expect(normalizeBinding('Control++')).toBe('Control++');
  });

  it('refuses an unknown modifier', () => {
    expect(() => normalizeBinding('Hyper+k')).toThrow(/Hyper/);
  });
});

describe('KeySequenceMatcher', () => {
  const verify = command('verify', ['v']);
  const gotoRed = command('goto.red', ['1'], { alternativeKeys: [['g', 'r']] });
  const gotoUndispatched = command('goto.undispatched', ['2'], { alternativeKeys: [['g', 'u']] });
  const mute = command('mute', ['Shift+M']);
  const palette = command('palette', ['Control+k']);
  const next = command('next', ['j'], { keysHandledBy: 'grid' });
  const commands = [verify, gotoRed, gotoUndispatched, mute, palette, next];

  it('matches a single key and a chord with modifiers', () => {
    const matcher = new KeySequenceMatcher();
    expect(matcher.press('v', commands, 0)).toEqual({ kind: 'matched', command: verify });
    expect(matcher.press('Control+k', commands, 0)).toEqual({ kind: 'matched', command: palette });
    expect(matcher.press(chordOf(press('M', { shiftKey: true }))!, commands, 0)).toEqual({
      kind: 'matched',
      command: mute,
    });
    // m without Shift is not Shift+M.
    expect(matcher.press('m', commands, 0)).toEqual({ kind: 'unbound' });
  });

  it('follows a two-key sequence, and an alternative beside the main keys', () => {
    const matcher = new KeySequenceMatcher();
    expect(matcher.press('g', commands, 0)).toEqual({ kind: 'pending', prefix: ['g'] });
    expect(matcher.prefix).toEqual(['g']);
    expect(matcher.press('u', commands, 500)).toEqual({ kind: 'matched', command: gotoUndispatched });
    expect(matcher.prefix).toEqual([]);
    expect(matcher.press('1', commands, 600)).toEqual({ kind: 'matched', command: gotoRed });
  });

  it('drops a started sequence on a key that completes none, without running that key', () => {
    const matcher = new KeySequenceMatcher();
    matcher.press('g', commands, 0);
    expect(matcher.press('v', commands, 100)).toEqual({ kind: 'broken', sequence: ['g', 'v'] });
    // The next press starts afresh.
    expect(matcher.press('v', commands, 200)).toEqual({ kind: 'matched', command: verify });
  });

  it('lets a started sequence lapse after the timeout', () => {
    const matcher = new KeySequenceMatcher(1_000);
    matcher.press('g', commands, 0);
    expect(matcher.press('r', commands, 1_001)).toEqual({ kind: 'unbound' });
    matcher.press('g', commands, 2_000);
    expect(matcher.press('r', commands, 2_999)).toEqual({ kind: 'matched', command: gotoRed });
  });

  it('leaves the keys a widget handles itself to that widget', () => {
    expect(new KeySequenceMatcher().press('j', commands, 0)).toEqual({ kind: 'unbound' });
  });

  it('forgets a started sequence on reset', () => {
    const matcher = new KeySequenceMatcher();
    matcher.press('g', commands, 0);
    matcher.reset();
    expect(matcher.press('r', commands, 10)).toEqual({ kind: 'unbound' });
  });
});

describe('findKeyConflicts', () => {
  it('finds a sequence bound twice, however it is written', () => {
    expect(findKeyConflicts([command('a', ['Shift+M']), command('b', ['M']), command('c', ['m'])])).toEqual([
      { sequence: ['Shift+m'], commandIds: ['a', 'b'] },
    ]);
  });

  it('finds a sequence that starts another, and an alternative that clashes', () => {
    expect(
      findKeyConflicts([command('g', ['g']), command('goto', ['1'], { alternativeKeys: [['g', 'r']] })]),
    ).toEqual([{ sequence: ['g'], commandIds: ['g', 'goto'] }]);
    expect(
      findKeyConflicts([command('next', ['j'], { keysHandledBy: 'grid' }), command('other', ['j'])]),
    ).toHaveLength(1);
  });

  it('accepts the same second key after different first keys, and palette-only commands', () => {
    expect(
      findKeyConflicts([
        command('resolve', ['r']),
        command('goto', ['1'], { alternativeKeys: [['g', 'r']] }),
        command('sort', []),
        command('clear', []),
      ]),
    ).toEqual([]);
  });
});

describe('sequencesOf and chordLabel', () => {
  it('lists the keys and the alternatives as chords', () => {
    expect(sequencesOf(command('x', ['1'], { alternativeKeys: [['g', 'R']] }))).toEqual([
      ['1'],
      ['g', 'Shift+r'],
    ]);
    expect(sequencesOf(command('x', []))).toEqual([]);
  });

  it('shows chords as on the key caps', () => {
    expect(chordLabel('Control+k')).toBe('Ctrl+K');
    expect(chordLabel('Shift+m')).toBe('Shift+M');
    expect(chordLabel('Escape')).toBe('Esc');
    expect(chordLabel('ArrowDown')).toBe('↓');
    expect(chordLabel('j')).toBe('j');
    expect(chordLabel('?')).toBe('?');
    expect(chordLabel('+')).toBe('+');
  });
});
