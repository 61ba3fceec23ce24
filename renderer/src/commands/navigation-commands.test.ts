import { describe, expect, it, vi } from 'vitest';
import { queueIds } from '../../../preload/contract';
import { messageTables } from '../i18n/messages';
import { queueOrder } from '../queues/queue-order';
import { assignedActionKeys, queueLetters } from './key-bindings';
import { findKeyConflicts, normalizeBinding, sequencesOf } from './key-dispatcher';
import { gridCommands, queueCommands, shellCommands, type GridCommandTarget } from './navigation-commands';

const gridTarget = (): GridCommandTarget => ({
  move: vi.fn(),
  hasSelection: () => false,
  openDetail: vi.fn(),
  back: vi.fn(),
  focusQuickFilter: vi.fn(),
  sortBy: vi.fn(),
  hasView: () => false,
  clearView: vi.fn(),
});

/** Every command of the console's keyboard map, with the keys assigned to the actions and alarms. */
function everyCommand() {
  return [
    ...queueCommands(() => undefined),
    ...gridCommands(() => gridTarget()),
    ...shellCommands(() => undefined),
    ...assignedActionKeys,
  ];
}

describe('the keyboard map', () => {
  it('binds no key sequence twice and none that starts another', () => {
    expect(findKeyConflicts(everyCommand())).toEqual([]);
  });

  it('gives every command a unique id and a title in the message tables', () => {
    const commands = [
      ...queueCommands(() => undefined),
      ...gridCommands(() => gridTarget()),
      ...shellCommands(() => undefined),
    ];
    expect(new Set(commands.map((command) => command.id)).size).toBe(commands.length);
    for (const command of commands) expect(messageTables['zh-CN'][command.title], command.id).toBeTruthy();
  });

  it('writes every binding in a form the dispatcher reads', () => {
    for (const command of everyCommand()) {
      for (const binding of command.keys) expect(() => normalizeBinding(binding), command.id).not.toThrow();
    }
  });
});

describe('queueCommands', () => {
  it('switches to the queues by 1-9 in the list order and by g then a letter of its own', () => {
    const chosen: string[] = [];
    const commands = queueCommands((queue) => chosen.push(queue));
    expect(commands.map((command) => command.keys)).toEqual(
      queueOrder.map((_, index) => [String(index + 1)]),
    );
    expect(new Set(Object.values(queueLetters)).size).toBe(queueIds.length);
    expect(sequencesOf(commands[0]!)).toEqual([['1'], ['g', 'r']]);
    for (const command of commands) command.run();
    expect(chosen).toEqual([...queueIds]);
  });
});

describe('gridCommands', () => {
  it('leaves the moving keys to the grid, and binds / itself', () => {
    const commands = gridCommands(() => gridTarget());
    const byId = new Map(commands.map((command) => [command.id, command]));
    for (const id of ['grid.next', 'grid.previous', 'grid.open', 'grid.back']) {
      expect(byId.get(id)?.keysHandledBy, id).toBe('grid');
    }
    expect(byId.get('view.quickFilter')?.keysHandledBy).toBeUndefined();
    expect(byId.get('view.quickFilter')?.keys).toEqual(['/']);
  });

  it('runs from the palette, and says why Enter does nothing without a selection', () => {
    const target = gridTarget();
    const byId = new Map(gridCommands(() => target).map((command) => [command.id, command]));
    byId.get('grid.next')?.run();
    expect(target.move).toHaveBeenCalledWith('next');
    byId.get('view.sortByDueIn')?.run();
    expect(target.sortBy).toHaveBeenCalledWith('dueIn', 'asc');
    byId.get('view.sortByElapsed')?.run();
    expect(target.sortBy).toHaveBeenCalledWith('elapsed', 'desc');
    expect(byId.get('grid.open')?.isEnabled()).toBe(false);
    expect(byId.get('grid.open')?.disabledReason?.()).toBe('console.keys.noSelection');
    expect(byId.get('view.clear')?.isEnabled()).toBe(false);
  });

  it('does nothing once the grid is gone', () => {
    const commands = gridCommands(() => null);
    for (const command of commands) expect(() => command.run(), command.id).not.toThrow();
    expect(commands.find((command) => command.id === 'grid.open')?.isEnabled()).toBe(false);
  });
});
