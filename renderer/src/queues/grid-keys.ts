/** What a key does in a queue's grid. */
export type GridKeyCommand = { kind: 'move'; rowIndex: number } | { kind: 'open' } | { kind: 'leave' } | null;

/**
 * The command for `key` with row `current` selected (null: none yet) in a grid of `rowCount` rows
 * (null: not known yet). j/k and the arrows move by one, Home/End jump, Enter opens the detail,
 * Esc leaves for the queue list. A move never leaves the grid's rows.
 */
export function gridKeyCommand(key: string, current: number | null, rowCount: number | null): GridKeyCommand {
  if (key === 'Enter') return current === null ? null : { kind: 'open' };
  if (key === 'Escape') return { kind: 'leave' };
  if (rowCount === 0) return null;
  const last = rowCount === null ? Number.POSITIVE_INFINITY : rowCount - 1;
  let target: number;
  switch (key) {
    case 'j':
    case 'ArrowDown':
      target = current === null ? 0 : current + 1;
      break;
    case 'k':
    case 'ArrowUp':
      target = current === null ? 0 : current - 1;
      break;
    case 'Home':
      target = 0;
      break;
    case 'End':
      if (rowCount === null) return null;
      target = last;
      break;
    default:
      return null;
  }
  target = Math.min(Math.max(target, 0), last);
  return target === current ? null : { kind: 'move', rowIndex: target };
}

/**
 * The row to select once an action has been taken on row `acted` (null: none selected) of a grid of `rowCount`
 * rows (null: not known yet): the next one, or the one before when it was the last; the row itself when it is
 * the only one, or null in an empty grid. The first row when none was selected.
 */
export function rowAfterAction(acted: number | null, rowCount: number | null): number | null {
  if (rowCount === 0) return null;
  if (acted === null) return 0;
  if (rowCount === null || acted + 1 < rowCount) return acted + 1;
  // The count may have fallen since the row was selected: the last row stands for one now gone.
  if (acted >= rowCount) return rowCount - 1;
  return Math.max(0, acted - 1);
}
