import { describe, expect, it } from 'vitest';
import { queueIds } from '../../../preload/contract';
import { queueAfterNavigationKey, queueForShortcut, queueOrder } from './queue-order';

describe('queue order', () => {
  it('is the contract order', () => {
    expect(queueOrder).toEqual(queueIds);
  });
});

describe('queueForShortcut', () => {
  it('maps 1-8 to the queues in order', () => {
    expect(['1', '2', '3', '4', '5', '6', '7', '8'].map(queueForShortcut)).toEqual([...queueIds]);
  });

  it('ignores other keys', () => {
    for (const key of ['0', '9', 'a', 'F1', 'Enter', '10', '']) expect(queueForShortcut(key)).toBeNull();
  });
});

describe('queueAfterNavigationKey', () => {
  it('moves down and up and stops at the ends', () => {
    expect(queueAfterNavigationKey('redAlerts', 'ArrowDown')).toBe('undispatched');
    expect(queueAfterNavigationKey('undispatched', 'ArrowUp')).toBe('redAlerts');
    expect(queueAfterNavigationKey('redAlerts', 'ArrowUp')).toBe('redAlerts');
    expect(queueAfterNavigationKey('syncRate', 'ArrowDown')).toBe('syncRate');
  });

  it('jumps to the first and the last queue', () => {
    expect(queueAfterNavigationKey('nonStandard', 'Home')).toBe('redAlerts');
    expect(queueAfterNavigationKey('nonStandard', 'End')).toBe('syncRate');
  });

  it('ignores other keys', () => {
    expect(queueAfterNavigationKey('nonStandard', 'ArrowLeft')).toBeNull();
    expect(queueAfterNavigationKey('nonStandard', 'toString')).toBeNull();
  });
});
