import { queueIds, type QueueId } from '../../../preload/contract';

/** The queues in the order the left column shows them: the contract's order. */
export const queueOrder = queueIds;

/** The queue reached from `current` by an arrow, Home or End key, or null when the key does not move. */
export function queueAfterNavigationKey(current: QueueId, key: string): QueueId | null {
  const index = queueOrder.indexOf(current);
  const last = queueOrder.length - 1;
  switch (key) {
    case 'ArrowDown':
      return queueOrder[Math.min(index + 1, last)] ?? null;
    case 'ArrowUp':
      return queueOrder[Math.max(index - 1, 0)] ?? null;
    case 'Home':
      return queueOrder[0];
    case 'End':
      return queueOrder[last] ?? null;
    default:
      return null;
  }
}
