import type { QueueCodeMatch, QueueId, QueueTextColumn } from '../../../preload/contract';
import { locales } from '../../../preload/contract';
import { messageTables, type MessageKey, type Translate } from './messages';

/** The kinds of code that have names (messages-values.ts `value.<kind>.<code>`; levels use the frame's `level.*`). */
export const valueKinds = [
  'level',
  'alertStatus',
  'promptState',
  'sceneKind',
  'deviceStatus',
  'riskCategory',
  'domain',
  'rule',
  'recipientRole',
  'redStage',
  'majorLoopKind',
  'loop',
  'infoErrorField',
  'timelineKind',
] as const;
export type ValueKind = (typeof valueKinds)[number];

function keyPrefix(kind: ValueKind): string {
  return kind === 'level' ? 'level.' : `value.${kind}.`;
}

function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(messageTables['zh-CN'], key);
}

/**
 * The name of `code` in the operator's language (`valueText(t, 'alertStatus', 'handling')` is 处置中), or the
 * code itself when it has no name (a code newer than this build): the operator then sees what the platform sent.
 */
export function valueText(t: Translate, kind: ValueKind, code: string): string {
  const key = `${keyPrefix(kind)}${code}`;
  return isMessageKey(key) ? t(key) : code;
}

/** Every code of `kind` that has a name. */
export function namedCodes(kind: ValueKind): string[] {
  const prefix = keyPrefix(kind);
  return Object.keys(messageTables['zh-CN'])
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length));
}

/**
 * The codes of `kind` whose name, in any language, contains `text` (case-insensitive): the operator types 红
 * and means the level 'red'. Empty for a blank text.
 */
export function codesNamedBy(kind: ValueKind, text: string): string[] {
  const needle = text.trim().toLocaleLowerCase();
  if (needle === '') return [];
  const prefix = keyPrefix(kind);
  return namedCodes(kind).filter((code) =>
    locales.some((locale) =>
      messageTables[locale][`${prefix}${code}` as MessageKey].toLocaleLowerCase().includes(needle),
    ),
  );
}

const alertQueues: readonly QueueId[] = ['redAlerts', 'undispatched', 'overdueClosure', 'nonStandard'];
const promptQueues: readonly QueueId[] = ['workPrompts', 'dutyItems'];
const sceneQueues: readonly QueueId[] = ['silentScenes', 'syncRate'];

/** Which kind of code a queue's column holds, or null when it holds plain text (titles, names, places). */
export function columnValueKind(queue: QueueId, column: QueueTextColumn): ValueKind | null {
  const alerts = alertQueues.includes(queue);
  const prompts = promptQueues.includes(queue);
  switch (column) {
    case 'level':
      return alerts ? 'level' : null;
    case 'category':
      return prompts ? 'rule' : 'riskCategory';
    case 'status':
      if (alerts) return 'alertStatus';
      if (prompts) return 'promptState';
      if (sceneQueues.includes(queue)) return 'sceneKind';
      return 'deviceStatus';
    case 'handler':
      return prompts ? 'recipientRole' : null;
    case 'detail':
      if (queue === 'redAlerts') return 'redStage';
      if (queue === 'deviceIssues') return 'infoErrorField';
      return null;
    default:
      return null;
  }
}

/** For a text typed in a column's filter: the codes of that column whose names contain it (none: undefined). */
export function columnCodesFor(queue: QueueId, column: QueueTextColumn, text: string): string[] | undefined {
  const kind = columnValueKind(queue, column);
  if (kind === null) return undefined;
  const codes = codesNamedBy(kind, text);
  return codes.length > 0 ? codes : undefined;
}

/** For the quick filter: every coded column of the queue with the codes whose names contain the text. */
export function quickFilterCodesFor(
  queue: QueueId,
  text: string,
  columns: readonly QueueTextColumn[],
): QueueCodeMatch[] {
  return columns.flatMap((column) => {
    const codes = columnCodesFor(queue, column, text);
    return codes ? [{ column, codes }] : [];
  });
}
