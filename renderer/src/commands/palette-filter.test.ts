import { describe, expect, it } from 'vitest';
import type { Command } from './command-registry';
import { filterPalette, type PaletteEntry } from './palette-filter';

const entry = (id: string, titles: string[], keyLabels: string[]): PaletteEntry => ({
  command: {
    id,
    group: 'navigation',
    title: 'console.command.nextRow',
    keys: [],
    isEnabled: () => true,
    run: () => undefined,
  } satisfies Command,
  titles,
  keyLabels,
});

const entries = [
  entry('next', ['下一条', 'Next row'], ['j', '↓']),
  entry('silent', ['转到 静默场景', 'Go to Silent scenes'], ['6', 'g s']),
  entry('red', ['转到 红色预警', 'Go to Red alerts'], ['1', 'g r']),
  entry('verify', ['核实红色预警', 'Verify the red alert'], ['v']),
  entry('sort', ['按剩余时限排序（最紧迫在前）', 'Sort by time left (most urgent first)'], []),
  entry('palette', ['打开命令面板', 'Open the command palette'], ['Ctrl+K']),
];
const ids = (found: PaletteEntry[]) => found.map((found) => found.command.id);

describe('filterPalette', () => {
  it('lists everything for a blank query, in the given order', () => {
    expect(ids(filterPalette(entries, '  '))).toEqual(ids(entries));
  });

  it('finds by a Chinese title, anywhere in it', () => {
    expect(ids(filterPalette(entries, '静默'))).toEqual(['silent']);
    expect(ids(filterPalette(entries, '剩余时限'))).toEqual(['sort']);
  });

  it('finds by an English title, case-insensitively, every word anywhere', () => {
    expect(ids(filterPalette(entries, 'SILENT'))).toEqual(['silent']);
    expect(ids(filterPalette(entries, 'red go'))).toEqual(['red']);
  });

  it('puts the command whose key is the query first, then titles that start with it', () => {
    expect(ids(filterPalette(entries, 'v'))[0]).toBe('verify');
    // g r is the red queue's key; titles holding a g and an r follow it.
    expect(ids(filterPalette(entries, 'g r'))).toEqual(['red', 'sort']);
    expect(ids(filterPalette(entries, 'ctrl+k'))).toEqual(['palette']);
    expect(ids(filterPalette(entries, '转到'))).toEqual(['silent', 'red']);
    // Titles that start with the text rank before those that merely contain it.
    const withLevelSort = [...entries, entry('level', ['排序：等级', 'Sort: level'], [])];
    expect(ids(filterPalette(withLevelSort, '排序'))).toEqual(['level', 'sort']);
    expect(ids(filterPalette(entries, '红色'))).toEqual(['red', 'verify']);
  });

  it('finds nothing for a text in no title or key', () => {
    expect(filterPalette(entries, '不存在')).toEqual([]);
  });
});
