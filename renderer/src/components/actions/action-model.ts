/**
 * The operator's actions as data: which apply to a row, the fields of each form, how a form is prefilled
 * (from the item, or from a rejected action's arguments when it is retried), how it is checked, and what it
 * sends. Pure functions, so that the rules that decide what an operator may do are tested without a screen.
 */
import type {
  ActionName,
  ActionRecord,
  ItemDetail,
  OperatorSummary,
  PromptSummary,
  QueueId,
  QueueRow,
} from '../../../../preload/contract';
import type { MessageKey } from '../../i18n/messages';
import { formatWallClock, parseWallClock } from '../../format/time';

export const actionKinds = [
  'verify',
  'majorLoop',
  'prompt',
  'acknowledge',
  'resolve',
  'note',
  'snooze',
  'dismiss',
  'claim',
  'release',
] as const;
export type ActionKind = (typeof actionKinds)[number];

export const recipientRoles = [
  'sceneOperator',
  'sceneTechnician',
  'sceneHead',
  'techOps',
  'dutyTeam',
] as const;
export type RecipientRole = (typeof recipientRoles)[number];

type SubjectEntity = 'alert' | 'workOrder' | 'workPrompt' | 'scene' | 'device' | 'keyPeriod' | 'district';
export interface Subject {
  entity: SubjectEntity;
  id: string;
}

/** What an action is taken on: the selected row, its detail once read, and the queue it was seen in. */
export interface ActionTarget {
  row: QueueRow;
  detail: ItemDetail | null;
  queue: QueueId;
}

export interface ActionEnvironment {
  operator: OperatorSummary | null;
  /** The server's time now (ms), or null before it is known. */
  nowMs: number | null;
  timeZone: string;
}

// ------------------------------------------------------------------------------------------ fields

export type FieldKind = 'choice' | 'select' | 'multiline' | 'datetime';

export interface FieldOption {
  value: string;
  label: MessageKey;
  hint?: MessageKey;
}

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  label: MessageKey;
  required: boolean;
  maxLength?: number;
  options?: readonly FieldOption[];
  hint?: MessageKey;
  /** A datetime that must lie after the server's time now. */
  future?: boolean;
}

export type FormValues = Record<string, string>;

/** The prompt record keeps reasons and resolutions of up to 500 characters (the rules engine's limit). */
const LOCAL_TEXT_MAX = 500;

const ROLE_OPTIONS: readonly FieldOption[] = recipientRoles.map((role) => ({
  value: role,
  label: `actions.role.${role}`,
}));

export const actionFields: Record<ActionKind, readonly FieldSpec[]> = {
  verify: [
    {
      name: 'significant',
      kind: 'choice',
      label: 'actions.field.significant',
      required: true,
      options: [
        { value: 'yes', label: 'actions.significant.yes', hint: 'actions.significant.yesHint' },
        { value: 'no', label: 'actions.significant.no', hint: 'actions.significant.noHint' },
      ],
    },
    {
      name: 'assessment',
      kind: 'multiline',
      label: 'actions.field.assessment',
      required: true,
      maxLength: 2000,
      hint: 'actions.field.assessmentHint',
    },
  ],
  majorLoop: [
    {
      name: 'kind',
      kind: 'choice',
      label: 'actions.field.loopKind',
      required: true,
      options: [
        { value: 'emergency', label: 'actions.loopKind.emergency', hint: 'actions.loopKind.emergencyHint' },
        { value: 'risk', label: 'actions.loopKind.risk', hint: 'actions.loopKind.riskHint' },
      ],
    },
    { name: 'summary', kind: 'multiline', label: 'actions.field.summary', required: true, maxLength: 2000 },
  ],
  prompt: [
    {
      name: 'recipientRole',
      kind: 'select',
      label: 'actions.field.recipientRole',
      required: true,
      options: ROLE_OPTIONS,
    },
    { name: 'message', kind: 'multiline', label: 'actions.field.message', required: true, maxLength: 2000 },
    {
      name: 'dueAt',
      kind: 'datetime',
      label: 'actions.field.dueAt',
      required: true,
      future: true,
      hint: 'actions.field.dateTimeHint',
    },
  ],
  acknowledge: [
    {
      name: 'note',
      kind: 'multiline',
      label: 'actions.field.ackNote',
      required: false,
      maxLength: LOCAL_TEXT_MAX,
    },
  ],
  resolve: [
    {
      name: 'resolution',
      kind: 'multiline',
      label: 'actions.field.resolution',
      required: true,
      maxLength: LOCAL_TEXT_MAX,
    },
  ],
  note: [
    { name: 'text', kind: 'multiline', label: 'actions.field.noteText', required: true, maxLength: 4000 },
  ],
  snooze: [
    {
      name: 'until',
      kind: 'datetime',
      label: 'actions.field.snoozeUntil',
      required: true,
      future: true,
      hint: 'actions.field.dateTimeHint',
    },
    {
      name: 'reason',
      kind: 'multiline',
      label: 'actions.field.snoozeReason',
      required: true,
      maxLength: LOCAL_TEXT_MAX,
    },
  ],
  dismiss: [
    {
      name: 'reason',
      kind: 'multiline',
      label: 'actions.field.dismissReason',
      required: true,
      maxLength: LOCAL_TEXT_MAX,
      hint: 'actions.field.dismissHint',
    },
  ],
  claim: [],
  release: [],
};

// ------------------------------------------------------------------------------------------ keys

export const actionKeys: Record<Exclude<ActionKind, 'release'>, string> = {
  verify: 'v',
  majorLoop: 'm',
  prompt: 'p',
  acknowledge: 'a',
  resolve: 'r',
  note: 'n',
  snooze: 's',
  dismiss: 'd',
  claim: 'c',
};

/** The bridge's action for each kind that goes to the platform (snooze and dismiss stay here). */
export const actionNameOfKind: Record<Exclude<ActionKind, 'snooze' | 'dismiss'>, ActionName> = {
  verify: 'verifyAlert',
  majorLoop: 'startMajorLoop',
  prompt: 'issueWorkPrompt',
  acknowledge: 'acknowledgeWorkPrompt',
  resolve: 'resolveWorkPrompt',
  note: 'addNote',
  claim: 'claimItem',
  release: 'releaseItem',
};

/** The form a rejected action reopens in; null: it has no form here (a handover is retried as it was). */
export function kindOfActionName(name: ActionName): ActionKind | null {
  const found = (Object.entries(actionNameOfKind) as [ActionKind, ActionName][]).find(
    ([, actionName]) => actionName === name,
  );
  return found ? found[0] : null;
}

// ------------------------------------------------------------------------------------------ subjects

const SUBJECT_ENTITIES: readonly SubjectEntity[] = [
  'alert',
  'workOrder',
  'workPrompt',
  'scene',
  'device',
  'keyPeriod',
  'district',
];

/** A prompt row names its subject as `<entity>:<id>` in its detail column (main/core/queues.ts). */
export function promptSubjectOf(row: QueueRow): Subject | null {
  if (row.entity !== 'workPrompt' || row.detail === null) return null;
  const separator = row.detail.indexOf(':');
  if (separator <= 0) return null;
  const entity = row.detail.slice(0, separator) as SubjectEntity;
  const id = row.detail.slice(separator + 1);
  return SUBJECT_ENTITIES.includes(entity) && id !== '' ? { entity, id } : null;
}

/** Only a prompt raised here and not yet issued is unknown to the platform. */
const isLocalOnlyPrompt = (row: QueueRow) => row.entity === 'workPrompt' && row.status === 'raised';
const OPEN_PROMPT_STATES = new Set(['raised', 'issued', 'acknowledged']);

/**
 * What a note is written on. A prompt the platform does not know yet cannot carry a note there: the note goes
 * on the prompt's subject (the alert, the scene) instead, where everyone sees it.
 */
export function noteSubjectOf(row: QueueRow): Subject | null {
  if (row.entity !== 'workPrompt') return { entity: row.entity, id: row.id };
  return isLocalOnlyPrompt(row) ? promptSubjectOf(row) : { entity: 'workPrompt', id: row.id };
}

/**
 * What a claim holds. Each workstation's rules raise their own prompts, under their own ids, for the same
 * subject; what two workstations share is the subject, so claiming a prompt row claims its alert, scene or
 * device. A calendar duty's subject (the district) is not a thing one workstation works alone.
 */
export function claimSubjectOf(row: QueueRow): Subject | null {
  const subject = row.entity === 'workPrompt' ? promptSubjectOf(row) : { entity: row.entity, id: row.id };
  return subject && ['alert', 'scene', 'device'].includes(subject.entity) ? subject : null;
}

// ------------------------------------------------------------------------------------------ enablement

type RedAlertStage = 'unverified' | 'verified' | 'majorLoop' | 'unknown';

/** Where a red alert is in its flow: from its detail when read, else from the red queue's detail column. */
function redAlertStage(target: ActionTarget): RedAlertStage {
  const alert = target.detail?.alert;
  if (alert) {
    if (alert.majorLoop) return 'majorLoop';
    return alert.verification ? 'verified' : 'unverified';
  }
  const code = target.row.detail;
  if (code === 'unverified' || code === 'verified') return code;
  if (code?.startsWith('majorLoop')) return 'majorLoop';
  return 'unknown';
}

const detailOfRow = (target: ActionTarget) =>
  target.detail && target.detail.ref.entity === target.row.entity && target.detail.ref.id === target.row.id
    ? target.detail
    : null;

/** Whether this workstation's operator holds the claim on the row's subject; null when unknown. */
export function claimedByMe(target: ActionTarget, operator: OperatorSummary | null): boolean | null {
  const claim = detailOfRow(target)?.claim;
  if (claim !== undefined && target.row.entity !== 'workPrompt') return claim === null ? false : claim.mine;
  if (target.row.entity === 'workPrompt') return null;
  if (target.row.claimedBy === null) return false;
  return operator !== null && target.row.claimedBy === operator.name;
}

/** Whether someone else holds the claim now (the platform would refuse ours until their lease ends). */
function claimedByOther(target: ActionTarget, env: ActionEnvironment): boolean {
  const claim = detailOfRow(target)?.claim;
  if (claim && target.row.entity !== 'workPrompt') {
    const expires = Date.parse(claim.expiresAt);
    return !claim.mine && (env.nowMs === null || Number.isNaN(expires) || expires > env.nowMs);
  }
  return target.row.claimedBy !== null && claimedByMe(target, env.operator) === false;
}

const isClosedAlert = (target: ActionTarget) => {
  const alert = detailOfRow(target)?.alert;
  return alert ? alert.closedAt !== null : false;
};

/** Whether `kind` applies to the target now (the command's isEnabled and the action bar's buttons). */
export function isActionAvailable(
  kind: ActionKind,
  target: ActionTarget | null,
  env: ActionEnvironment,
): boolean {
  if (target === null || env.operator === null) return false;
  const { row } = target;
  const detail = detailOfRow(target);
  const scoped: ActionTarget = { ...target, detail };
  const redAlert = row.entity === 'alert' && row.level === 'red' && !isClosedAlert(scoped);
  switch (kind) {
    case 'verify': {
      // Only unverified red alerts; a red alert seen outside the red queue with no detail read is offered,
      // and the platform refuses a second verification.
      const stage = redAlertStage(scoped);
      return redAlert && (stage === 'unverified' || stage === 'unknown');
    }
    case 'majorLoop': {
      // Regulation art. 6: a red alert verified as a significant risk (确构成较大风险) starts a major loop,
      // once. While the verification's conclusion is not known here, the form says it is required.
      if (!redAlert || redAlertStage(scoped) !== 'verified') return false;
      const verification = detail?.alert?.verification;
      return verification ? verification.significant : true;
    }
    case 'prompt':
      return row.entity === 'alert' || isLocalOnlyPrompt(row);
    case 'acknowledge':
      // The platform acknowledges only an issued prompt.
      return row.entity === 'workPrompt' && row.status === 'issued';
    case 'resolve':
      return row.entity === 'workPrompt' && (row.status === 'issued' || row.status === 'acknowledged');
    case 'snooze':
      return row.entity === 'workPrompt' && OPEN_PROMPT_STATES.has(row.status);
    case 'dismiss':
      return isLocalOnlyPrompt(row);
    case 'note':
      return noteSubjectOf(row) !== null;
    case 'claim':
      return (
        claimSubjectOf(row) !== null &&
        claimedByMe(scoped, env.operator) !== true &&
        !claimedByOther(scoped, env)
      );
    case 'release':
      return claimSubjectOf(row) !== null && claimedByMe(scoped, env.operator) === true;
  }
}

/** `c` toggles: it releases what this operator holds, and claims otherwise. */
export function claimToggleKind(target: ActionTarget | null, env: ActionEnvironment): 'claim' | 'release' {
  return target !== null && isActionAvailable('release', target, env) ? 'release' : 'claim';
}

// ------------------------------------------------------------------------------------------ drafts

/** A form being filled: the visible fields' values, and the arguments the operator does not edit. */
export interface ActionDraft {
  kind: ActionKind;
  /** Arguments carried as they are (alertId, promptId, subject...). */
  fixed: Record<string, unknown>;
  values: FormValues;
  /** A short description of what the action is on, for the dialog's heading. */
  subjectLabel: string;
  /** Set when the draft edits a rejected action: submitting retries it. */
  retryOf: string | null;
  /** Why a prompt would be issued with these defaults (the rule), shown above the form. */
  rule: string | null;
}

/** Default recipient, time to respond (minutes) and the queue each rule belongs to (resources/rules). */
const RULE_DEFAULTS: Record<string, { role: RecipientRole; dueMinutes: number }> = {
  undispatched: { role: 'sceneOperator', dueMinutes: 60 },
  'overdue-closure': { role: 'sceneOperator', dueMinutes: 48 * 60 },
  'non-standard': { role: 'sceneHead', dueMinutes: 48 * 60 },
  'red-alert': { role: 'dutyTeam', dueMinutes: 30 },
  'scene-silent': { role: 'sceneTechnician', dueMinutes: 24 * 60 },
  'device-offline': { role: 'sceneOperator', dueMinutes: 24 * 60 },
  'device-info-error': { role: 'sceneOperator', dueMinutes: 24 * 60 },
  'sync-rate-low': { role: 'techOps', dueMinutes: 24 * 60 },
  manual: { role: 'sceneOperator', dueMinutes: 24 * 60 },
};
const QUEUE_RULE: Partial<Record<QueueId, string>> = {
  redAlerts: 'red-alert',
  undispatched: 'undispatched',
  overdueClosure: 'overdue-closure',
  nonStandard: 'non-standard',
};

export interface PromptPrefill {
  promptId: string;
  rule: string;
  subject: Subject;
  recipientRole: RecipientRole;
  /** The message, or null: the form then fills the rule's template with the alert's title. */
  message: string | null;
  dueAtMs: number | null;
}

/** What a prompt's form is prefilled from: the prompt's summary in the detail, or its queue row. */
type PromptSeed = Pick<
  PromptSummary,
  'id' | 'rule' | 'reason' | 'recipientRole' | 'dueAt' | 'suggestedMessage'
>;

const isRole = (value: string | null | undefined): value is RecipientRole =>
  recipientRoles.includes(value as RecipientRole);

/**
 * How a prompt is prefilled. From a prompt the rules raised here (the row itself, or one of the alert's open
 * prompts in its detail): its id (issuing it marks it issued), rule, recipient, message and due time. From an
 * alert with none: the rule of the queue it was seen in (manual elsewhere), that rule's recipient and time.
 */
export function promptPrefill(
  target: ActionTarget,
  env: ActionEnvironment,
  newId: () => string,
): PromptPrefill | null {
  const { row } = target;
  const detail = detailOfRow(target);
  const fromSummary = (
    summary: PromptSeed | undefined,
    subject: Subject,
    fallbackId: string,
    rule: string,
  ) => {
    const defaults = RULE_DEFAULTS[summary?.rule ?? rule] ?? RULE_DEFAULTS.manual;
    const role = summary?.recipientRole;
    const dueMs = summary?.dueAt ? Date.parse(summary.dueAt) : Number.NaN;
    return {
      promptId: summary?.id ?? fallbackId,
      rule: summary?.rule ?? rule,
      subject,
      recipientRole: isRole(role) ? role : (defaults?.role ?? 'sceneOperator'),
      message: summary ? (summary.suggestedMessage ?? summary.reason) : null,
      dueAtMs: Number.isFinite(dueMs) && (env.nowMs === null || dueMs > env.nowMs) ? dueMs : null,
    };
  };
  if (row.entity === 'workPrompt') {
    if (!isLocalOnlyPrompt(row)) return null;
    const subject = promptSubjectOf(row);
    if (subject === null) return null;
    const summary: PromptSeed = detail?.prompts.find((prompt) => prompt.id === row.id) ?? {
      id: row.id,
      rule: row.category ?? 'manual',
      reason: row.title,
      recipientRole: row.handler,
      dueAt: row.dueAt,
      suggestedMessage: null,
    };
    return fromSummary(summary, subject, row.id, summary.rule);
  }
  if (row.entity !== 'alert') return null;
  const raisedHere = detail?.prompts.find((prompt) => prompt.state === 'raised');
  return fromSummary(
    raisedHere,
    { entity: 'alert', id: row.id },
    newId(),
    QUEUE_RULE[target.queue] ?? 'manual',
  );
}

/** The due time the rule gives, from now (server clock). */
export function defaultDueMs(rule: string, nowMs: number): number {
  return nowMs + (RULE_DEFAULTS[rule] ?? RULE_DEFAULTS.manual ?? { dueMinutes: 1440 }).dueMinutes * 60_000;
}

const DEFAULT_SNOOZE_MS = 60 * 60_000;

/** A draft for a new action on the target; null when the action does not apply. */
export function newDraft(
  kind: ActionKind,
  target: ActionTarget,
  env: ActionEnvironment,
  words: { templateMessage: (rule: string, title: string) => string },
  newId: () => string,
): ActionDraft | null {
  if (!isActionAvailable(kind, target, env)) return null;
  const { row } = target;
  // A prompt's own title is its reason: the dialog names what it is about (the alert, the scene) instead.
  const subjectLabel =
    row.entity === 'workPrompt' ? (detailOfRow(target)?.subject?.label ?? row.title) : row.title;
  const base = { kind, subjectLabel, retryOf: null, rule: null };
  const now = env.nowMs;
  switch (kind) {
    case 'verify':
      return { ...base, fixed: { alertId: row.id }, values: { significant: '', assessment: '' } };
    case 'majorLoop':
      return {
        ...base,
        fixed: { alertId: row.id },
        values: { kind: '', summary: detailOfRow(target)?.alert?.verification?.assessment ?? '' },
      };
    case 'prompt': {
      const prefill = promptPrefill(target, env, newId);
      if (prefill === null) return null;
      const dueMs = prefill.dueAtMs ?? (now === null ? null : defaultDueMs(prefill.rule, now));
      return {
        ...base,
        rule: prefill.rule,
        fixed: { promptId: prefill.promptId, rule: prefill.rule, subject: prefill.subject },
        values: {
          recipientRole: prefill.recipientRole,
          message: prefill.message ?? words.templateMessage(prefill.rule, row.title),
          dueAt: dueMs === null ? '' : formatWallClock(dueMs, env.timeZone),
        },
      };
    }
    case 'acknowledge':
      return { ...base, fixed: { promptId: row.id }, values: { note: '' } };
    case 'resolve':
      return { ...base, fixed: { promptId: row.id }, values: { resolution: '' } };
    case 'note':
      return { ...base, fixed: { noteId: newId(), subject: noteSubjectOf(row) }, values: { text: '' } };
    case 'snooze':
      return {
        ...base,
        fixed: { promptId: row.id },
        values: {
          until: now === null ? '' : formatWallClock(now + DEFAULT_SNOOZE_MS, env.timeZone),
          reason: '',
        },
      };
    case 'dismiss':
      return { ...base, fixed: { promptId: row.id }, values: { reason: '' } };
    case 'claim':
    case 'release':
      return { ...base, fixed: { subject: claimSubjectOf(row) }, values: {} };
  }
}

const stringOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A draft that edits a rejected action: its arguments back into the form. Null when it has no form here. */
export function retryDraft(record: ActionRecord, timeZone: string): ActionDraft | null {
  const kind = kindOfActionName(record.name);
  if (kind === null || typeof record.args !== 'object' || record.args === null) return null;
  const args = record.args as Record<string, unknown>;
  const fieldNames = new Set(actionFields[kind].map((field) => field.name));
  const fixed = Object.fromEntries(Object.entries(args).filter(([name]) => !fieldNames.has(name)));
  const values: FormValues = {};
  for (const field of actionFields[kind]) {
    const value = args[field.name];
    if (field.kind === 'choice' && typeof value === 'boolean') values[field.name] = value ? 'yes' : 'no';
    else if (field.kind === 'datetime') {
      const ms = Date.parse(stringOf(value));
      values[field.name] = Number.isNaN(ms) ? '' : formatWallClock(ms, timeZone);
    } else values[field.name] = stringOf(value);
  }
  return {
    kind,
    fixed,
    values,
    subjectLabel: describeActionSubject(record.args),
    retryOf: record.mutationId,
    rule: typeof args.rule === 'string' ? args.rule : null,
  };
}

/** `entity:id` of what an action is about, from its arguments (the panel's subject column). */
export function describeActionSubject(args: unknown): string {
  if (typeof args !== 'object' || args === null) return '';
  const record = args as Record<string, unknown>;
  if (typeof record.alertId === 'string') return `alert:${record.alertId}`;
  const subject = record.subject as { entity?: unknown; id?: unknown } | undefined;
  if (subject && typeof subject.entity === 'string' && typeof subject.id === 'string')
    return `${subject.entity}:${subject.id}`;
  if (typeof record.promptId === 'string') return `workPrompt:${record.promptId}`;
  return '';
}

// ------------------------------------------------------------------------------------------ validation

export type FieldProblem =
  | { problem: 'required' }
  | { problem: 'choose' }
  | { problem: 'tooLong'; max: number }
  | { problem: 'badDateTime' }
  | { problem: 'notFuture'; nowMs: number };

/** The problems of a draft's values, by field; empty when it may be sent. */
export function validateDraft(
  draft: ActionDraft,
  env: Pick<ActionEnvironment, 'nowMs' | 'timeZone'>,
): Record<string, FieldProblem> {
  const problems: Record<string, FieldProblem> = {};
  for (const field of actionFields[draft.kind]) {
    const raw = draft.values[field.name] ?? '';
    const value = raw.trim();
    if (value === '') {
      if (field.required) problems[field.name] = { problem: field.options ? 'choose' : 'required' };
      continue;
    }
    if (field.options && !field.options.some((option) => option.value === value)) {
      problems[field.name] = { problem: 'choose' };
    } else if (field.maxLength !== undefined && value.length > field.maxLength) {
      problems[field.name] = { problem: 'tooLong', max: field.maxLength };
    } else if (field.kind === 'datetime') {
      const ms = parseWallClock(value, env.timeZone);
      if (ms === null) problems[field.name] = { problem: 'badDateTime' };
      else if (field.future && env.nowMs !== null && ms <= env.nowMs)
        problems[field.name] = { problem: 'notFuture', nowMs: env.nowMs };
    }
  }
  return problems;
}

/** What a valid draft sends through the bridge. */
export type ActionSubmission =
  | { call: 'submitAction'; name: ActionName; args: Record<string, unknown> }
  | { call: 'retryAction'; mutationId: string; args: Record<string, unknown> }
  | { call: 'snoozeWorkPrompt'; args: { promptId: string; until: string; reason: string } }
  | { call: 'dismissWorkPrompt'; args: { promptId: string; reason: string } };

/** The arguments of a valid draft (call validateDraft first). */
export function buildSubmission(draft: ActionDraft, timeZone: string): ActionSubmission {
  const args: Record<string, unknown> = { ...draft.fixed };
  for (const field of actionFields[draft.kind]) {
    const value = (draft.values[field.name] ?? '').trim();
    if (value === '') continue;
    if (draft.kind === 'verify' && field.name === 'significant') args[field.name] = value === 'yes';
    else if (field.kind === 'datetime') {
      const ms = parseWallClock(value, timeZone);
      args[field.name] = ms === null ? value : new Date(ms).toISOString();
    } else args[field.name] = value;
  }
  if (draft.kind === 'snooze') {
    return {
      call: 'snoozeWorkPrompt',
      args: { promptId: stringOf(args.promptId), until: stringOf(args.until), reason: stringOf(args.reason) },
    };
  }
  if (draft.kind === 'dismiss') {
    return {
      call: 'dismissWorkPrompt',
      args: { promptId: stringOf(args.promptId), reason: stringOf(args.reason) },
    };
  }
  if (draft.retryOf !== null) return { call: 'retryAction', mutationId: draft.retryOf, args };
  return { call: 'submitAction', name: actionNameOfKind[draft.kind], args };
}
