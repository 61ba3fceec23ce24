import type { QueueId } from '../../../preload/contract';
import { queueOrder } from '../queues/queue-order';
import type { Command } from './command-registry';
import { queueLetters } from './key-bindings';

const always = () => true;

/** 1-9 and `g` then a letter switch queues. */
export function queueCommands(chooseQueue: (queue: QueueId) => void): Command[] {
  return queueOrder.map((queue, index): Command => ({
    id: `queue.goto.${queue}`,
    group: 'queues',
    title: `console.command.gotoQueue.${queue}`,
    keys: index < 9 ? [String(index + 1)] : [],
    alternativeKeys: [['g', queueLetters[queue]]],
    isEnabled: always,
    run: () => chooseQueue(queue),
  }));
}

/** What the grid's commands act on. */
export interface GridCommandTarget {
  /** Moves the selection by `delta` rows (or to the first / last row), focus in the grid. */
  move: (to: 'next' | 'previous' | 'first' | 'last') => void;
  hasSelection: () => boolean;
  openDetail: () => void;
  /** Closes the detail when open, else leaves the grid for the queue list. */
  back: () => void;
  focusQuickFilter: () => void;
  sortBy: (column: 'dueIn' | 'elapsed' | 'level', direction: 'asc' | 'desc') => void;
  hasView: () => boolean;
  clearView: () => void;
}

/**
 * The grid's commands. j/k, the arrows, Home/End, Enter and Esc are handled by the grid itself (grid-keys.ts,
 * where focus is): they are listed and can be run from the palette, the dispatcher leaves their keys alone.
 * `current` gives the grid as it is when a command runs (null once it is gone: nothing happens).
 */
export function gridCommands(current: () => GridCommandTarget | null): Command[] {
  const idle: GridCommandTarget = {
    move: () => undefined,
    hasSelection: () => false,
    openDetail: () => undefined,
    back: () => undefined,
    focusQuickFilter: () => undefined,
    sortBy: () => undefined,
    hasView: () => false,
    clearView: () => undefined,
  };
  const target = () => current() ?? idle;
  const hasSelection = () => target().hasSelection();
  const noSelection = () => (target().hasSelection() ? null : 'console.keys.noSelection');
  return [
    {
      id: 'grid.next',
      group: 'navigation',
      title: 'console.command.nextRow',
      keys: ['j'],
      alternativeKeys: [['ArrowDown']],
      keysHandledBy: 'grid',
      isEnabled: always,
      run: () => target().move('next'),
    },
    {
      id: 'grid.previous',
      group: 'navigation',
      title: 'console.command.previousRow',
      keys: ['k'],
      alternativeKeys: [['ArrowUp']],
      keysHandledBy: 'grid',
      isEnabled: always,
      run: () => target().move('previous'),
    },
    {
      id: 'grid.first',
      group: 'navigation',
      title: 'console.command.firstRow',
      keys: ['Home'],
      keysHandledBy: 'grid',
      isEnabled: always,
      run: () => target().move('first'),
    },
    {
      id: 'grid.last',
      group: 'navigation',
      title: 'console.command.lastRow',
      keys: ['End'],
      keysHandledBy: 'grid',
      isEnabled: always,
      run: () => target().move('last'),
    },
    {
      id: 'grid.open',
      group: 'navigation',
      title: 'console.command.openDetail',
      keys: ['Enter'],
      keysHandledBy: 'grid',
      isEnabled: hasSelection,
      disabledReason: noSelection,
      run: () => target().openDetail(),
    },
    {
      id: 'grid.back',
      group: 'navigation',
      title: 'console.command.back',
      keys: ['Escape'],
      keysHandledBy: 'grid',
      isEnabled: always,
      run: () => target().back(),
    },
    {
      id: 'view.quickFilter',
      group: 'view',
      title: 'console.command.quickFilter',
      keys: ['/'],
      isEnabled: always,
      run: () => target().focusQuickFilter(),
    },
    {
      id: 'view.sortByDueIn',
      group: 'view',
      title: 'console.command.sortByDueIn',
      keys: [],
      isEnabled: always,
      run: () => target().sortBy('dueIn', 'asc'),
    },
    {
      id: 'view.sortByElapsed',
      group: 'view',
      title: 'console.command.sortByElapsed',
      keys: [],
      isEnabled: always,
      run: () => target().sortBy('elapsed', 'desc'),
    },
    {
      id: 'view.sortByLevel',
      group: 'view',
      title: 'console.command.sortByLevel',
      keys: [],
      isEnabled: always,
      run: () => target().sortBy('level', 'desc'),
    },
    {
      id: 'view.clear',
      group: 'view',
      title: 'console.command.clearView',
      keys: [],
      isEnabled: () => target().hasView(),
      disabledReason: () => (target().hasView() ? null : 'console.keys.nothingToClear'),
      run: () => target().clearView(),
    },
  ];
}

/** `?` shows every key; Ctrl+K opens the command palette. */
export function shellCommands(open: (dialog: 'keyHelp' | 'palette') => void): Command[] {
  return [
    {
      id: 'shell.keyHelp',
      group: 'navigation',
      title: 'console.command.keyHelp',
      keys: ['?'],
      isEnabled: always,
      run: () => open('keyHelp'),
    },
    {
      id: 'shell.palette',
      group: 'navigation',
      title: 'console.command.palette',
      keys: ['Control+k'],
      isEnabled: always,
      run: () => open('palette'),
    },
  ];
}
