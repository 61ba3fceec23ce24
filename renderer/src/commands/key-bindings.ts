import type { QueueId } from '../../../preload/contract';

/**
 * The keyboard map of the whole console in one place, so that a unit test can prove no two commands share a
 * key. Navigation is the console's (its commands use these); the action and alarm keys are those assigned to
 * the detail pane's actions and to the alarms, listed here so that no navigation key ever takes one of them.
 */

/** `g` then the queue's letter switches to it (the digits 1-9 too, in the list's order). */
export const queueLetters: Record<QueueId, string> = {
  redAlerts: 'r',
  undispatched: 'u',
  overdueClosure: 'o',
  nonStandard: 'n',
  workPrompts: 'p',
  silentScenes: 's',
  deviceIssues: 'd',
  syncRate: 'y',
  dutyItems: 'i',
};

/** The keys of the actions and alarms, by command id, as assigned to them (see the commands they register). */
export const assignedActionKeys: readonly { id: string; keys: readonly string[] }[] = [
  { id: 'action.verify', keys: ['v'] },
  { id: 'action.majorLoop', keys: ['m'] },
  { id: 'action.issuePrompt', keys: ['p'] },
  { id: 'action.acknowledgePrompt', keys: ['a'] },
  { id: 'action.resolvePrompt', keys: ['r'] },
  { id: 'action.note', keys: ['n'] },
  { id: 'action.snooze', keys: ['s'] },
  { id: 'action.dismissPrompt', keys: ['d'] },
  { id: 'action.claim', keys: ['c'] },
  { id: 'action.unfinishedActions', keys: ['u'] },
  { id: 'alarms.acknowledge', keys: ['x'] },
  { id: 'alarms.mute', keys: ['Shift+M'] },
];
