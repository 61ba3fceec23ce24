import { describe, expect, it } from 'vitest';
import { queueIds } from '../../../preload/contract';
import { queueAfterNavigationKey, queueOrder } from './queue-order';

describe('queue order', () => {
  it('is the contract order', () => {
    expect(queueOrder).toEqual(queueIds);
  });
});

describe('queueAfterNavigationKey', () => {
  it('moves down and up and stops at the ends', () => {
    expect(queueAfterNavigationKey('redAlerts', 'ArrowDown')).toBe('undispatched');
    expect(queueAfterNavigationKey('undispatched', 'ArrowUp')).toBe('redAlerts');
    expect(queueAfterNavigationKey('redAlerts', 'ArrowUp')).toBe('redAlerts');
    expect(queueAfterNavigationKey('dutyItems', 'ArrowDown')).toBe('dutyItems');
  });

  it('jumps to the first and the last queue', () => {
    expect(queueAfterNavigationKey('nonStandard', 'Home')).toBe('redAlerts');
    expect(queueAfterNavigationKey('nonStandard', 'End')).toBe('dutyItems');
  });

  it('ignores other keys', () => {
    expect(queueAfterNavigationKey('nonStandard', 'ArrowLeft')).toBeNull();
    expect(queueAfterNavigationKey('nonStandard', 'toString')).toBeNull();
  });
});
