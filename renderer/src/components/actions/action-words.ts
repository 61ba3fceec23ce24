/** How the actions' problems and outcomes are put to the operator in their language. */
import type { BridgeError } from '../../../../preload/contract';
import { messageTables, type MessageKey, type Translate } from '../../i18n/messages';
import { actionFields, type ActionDraft, type FieldProblem, type FieldSpec } from './action-model';
import { formatWallClock } from '../../format/time';

export function problemText(t: Translate, field: FieldSpec, problem: FieldProblem, timeZone: string): string {
  const name = t(field.label);
  switch (problem.problem) {
    case 'required':
      return t('actions.error.required', { field: name });
    case 'choose':
      return t('actions.error.choose', { field: name });
    case 'tooLong':
      return t('actions.error.tooLong', { field: name, max: problem.max });
    case 'badDateTime':
      return t('actions.error.badDateTime', { field: name });
    case 'notFuture':
      return t('actions.error.notFuture', { field: name, now: formatWallClock(problem.nowMs, timeZone) });
  }
}

/**
 * Why a submit failed, in words. The core names the field first (`until: must be within 72 hours`), in
 * English for the log: the field becomes its label, and the refusals an operator meets most are worded here.
 */
export function failureText(t: Translate, error: BridgeError, draft: ActionDraft | null): string {
  if (error.code !== 'ACTION_REFUSED') return t(`error.${error.code}`);
  const match = /^(?:args\.)?(\w+): (.*)$/s.exec(error.message);
  const field = match && draft ? actionFields[draft.kind].find((spec) => spec.name === match[1]) : undefined;
  const detail = match?.[2] ?? error.message;
  if (field) {
    const name = t(field.label);
    const hours = /must be within (\d+) hours/.exec(detail);
    if (hours?.[1]) return t('actions.refused.tooLongSnooze', { field: name, hours: hours[1] });
    if (/later than|in the future/.test(detail)) return t('actions.refused.notFuture', { field: name });
    return t('actions.refused.field', { field: name, detail });
  }
  if (match?.[1] === 'promptId' || match?.[1] === 'alertId') return t('actions.refused.state', { detail });
  return `${t('error.ACTION_REFUSED')} ${error.message}`;
}

/** The message a rule's prompt starts from (the operator edits it). */
export function templateMessage(t: Translate, rule: string, title: string): string {
  const key = `actions.template.${rule}`;
  return t(isMessageKey(key) ? key : 'actions.template.manual', { title });
}

const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(messageTables['zh-CN'], key);

/** A rule's name in words, or its identifier when this version does not know it. */
export function ruleWords(t: Translate, rule: string): string {
  const key = `actions.rule.${rule}`;
  return isMessageKey(key) ? t(key) : rule;
}

/** The platform's rejection code with what it means: "对象状态已变化，INVALID_STATE". */
export function rejectionCodeWords(t: Translate, code: string | null): string {
  if (code === null) return '—';
  const key = `actions.rejectCode.${code}`;
  return isMessageKey(key) ? t('actions.panel.codeWithWords', { words: t(key), code }) : code;
}
