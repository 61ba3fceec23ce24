import { describe, expect, it } from 'vitest';
import { gridKeyCommand, rowAfterAction } from './grid-keys';

describe('gridKeyCommand', () => {
  it('moves down with j and ArrowDown', () => {
    expect(gridKeyCommand('j', 3, 10)).toEqual({ kind: 'move', rowIndex: 4 });
    expect(gridKeyCommand('ArrowDown', 3, 10)).toEqual({ kind: 'move', rowIndex: 4 });
  });

  it('moves up with k and ArrowUp', () => {
    expect(gridKeyCommand('k', 3, 10)).toEqual({ kind: 'move', rowIndex: 2 });
    expect(gridKeyCommand('ArrowUp', 3, 10)).toEqual({ kind: 'move', rowIndex: 2 });
  });

  it('starts at the first row when nothing is selected', () => {
    expect(gridKeyCommand('j', null, 10)).toEqual({ kind: 'move', rowIndex: 0 });
    expect(gridKeyCommand('k', null, 10)).toEqual({ kind: 'move', rowIndex: 0 });
  });

  it('stays within the rows', () => {
    expect(gridKeyCommand('k', 0, 10)).toBeNull();
    expect(gridKeyCommand('j', 9, 10)).toBeNull();
    expect(gridKeyCommand('j', 0, 0)).toBeNull();
  });

  it('moves on while the row count is unknown', () => {
    expect(gridKeyCommand('j', 41, null)).toEqual({ kind: 'move', rowIndex: 42 });
    expect(gridKeyCommand('End', 41, null)).toBeNull();
  });

  it('jumps with Home and End', () => {
    expect(gridKeyCommand('Home', 5, 10)).toEqual({ kind: 'move', rowIndex: 0 });
    expect(gridKeyCommand('End', 5, 10)).toEqual({ kind: 'move', rowIndex: 9 });
  });

  it('opens the selected row with Enter, and only a selected one', () => {
    expect(gridKeyCommand('Enter', 2, 10)).toEqual({ kind: 'open' });
    expect(gridKeyCommand('Enter', null, 10)).toBeNull();
  });

  it('leaves for the queue list with Escape', () => {
    expect(gridKeyCommand('Escape', 2, 10)).toEqual({ kind: 'leave' });
  });

  it('ignores other keys', () => {
    expect(gridKeyCommand('x', 2, 10)).toBeNull();
    expect(gridKeyCommand('5', 2, 10)).toBeNull();
  });
});

describe('rowAfterAction', () => {
  it('selects the next row', () => {
    expect(rowAfterAction(3, 10)).toBe(4);
    expect(rowAfterAction(0, 2)).toBe(1);
  });

  it('selects the row before when the acted row was the last', () => {
    expect(rowAfterAction(9, 10)).toBe(8);
  });

  it('keeps the only row, and selects nothing in an empty grid', () => {
    expect(rowAfterAction(0, 1)).toBe(0);
    expect(rowAfterAction(null, 0)).toBeNull();
    expect(rowAfterAction(4, 0)).toBeNull();
  });

  it('starts at the first row when none was selected', () => {
    expect(rowAfterAction(null, 10)).toBe(0);
  });

  it('moves on when the row count is not known yet', () => {
    expect(rowAfterAction(7, null)).toBe(8);
  });

  it('falls back to the last row when the count fell below the acted row', () => {
    expect(rowAfterAction(12, 10)).toBe(9);
  });
});
