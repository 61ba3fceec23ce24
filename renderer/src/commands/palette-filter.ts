import type { Command } from './command-registry';

/** A command as the palette searches it: its title in every language and its keys as shown. */
export interface PaletteEntry {
  command: Command;
  /** The title in the operator's language first, then in the others (the palette finds 静默 and "silent"). */
  titles: readonly string[];
  /** Each key sequence as shown (`g r`, `Ctrl+K`). */
  keyLabels: readonly string[];
}

const fold = (text: string) => text.toLocaleLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The entries that match `query`, best first: a command whose key is exactly the query (typing `v` finds
 * verify first), then titles that start with it, then titles that contain every word of it, then keys that
 * contain it. Within a rank, the order given (the overlay's). A blank query lists everything.
 */
export function filterPalette(entries: readonly PaletteEntry[], query: string): PaletteEntry[] {
  const needle = fold(query);
  if (needle === '') return [...entries];
  const words = needle.split(' ');
  const ranked = entries.flatMap((entry) => {
    const titles = entry.titles.map(fold);
    const keys = entry.keyLabels.map(fold);
    let rank: number;
    if (keys.includes(needle)) rank = 0;
    else if (titles.some((title) => title.startsWith(needle))) rank = 1;
    else if (titles.some((title) => words.every((word) => title.includes(word)))) rank = 2;
    else if (keys.some((key) => key.includes(needle))) rank = 3;
    else return [];
    return [{ entry, rank }];
  });
  // Array.prototype.sort is stable: equal ranks keep the given order.
  return ranked.sort((a, b) => a.rank - b.rank).map(({ entry }) => entry);
}
