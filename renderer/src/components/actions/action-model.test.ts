import { describe, expect, it } from 'vitest';
import type { ActionRecord, AlertDetail, ItemDetail, QueueRow } from '../../../../preload/contract';
import {
  actionKinds,
  buildSubmission,
  claimToggleKind,
  isActionAvailable,
  newDraft,
  noteSubjectOf,
  retryDraft,
  validateDraft,
  type ActionEnvironment,
  type ActionKind,
  type ActionTarget,
} from './action-model';
import { alertRow, promptRow } from '../../queues/test-rows';

const ZONE = 'Asia/Shanghai';
const NOW = Date.parse('2025-07-10T02:00:00.000Z'); // 10:00 in Shanghai
const env: ActionEnvironment = {
  operator: { id: 'op-zhangmin', name: '张敏', role: 'operator' },
  nowMs: NOW,
  timeZone: ZONE,
};
const words = { templateMessage: (rule: string, title: string) => `[${rule}] ${title}` };
let ids = 0;
const newId = () => `id-${String((ids += 1))}`;

function alertDetail(overrides: Partial<AlertDetail>): AlertDetail {
  return {
    id: 'A1',
    level: 'red',
    title: '燃气管网压力超限',
    category: 'gasPipeline',
    sceneId: 'S1',
    sceneName: null,
    deviceId: null,
    location: null,
    occurredAt: '2025-07-10T01:00:00.000Z',
    reportedAt: '2025-07-10T01:00:00.000Z',
    status: 'reported',
    handler: null,
    dispatchedAt: null,
    deadlineAt: '2025-07-11T01:00:00.000Z',
    closedAt: null,
    elements: [],
    readings: null,
    verification: null,
    majorLoop: null,
    workOrder: null,
    ...overrides,
  };
}

function detailOf(row: QueueRow, overrides: Partial<ItemDetail> = {}): ItemDetail {
  return {
    ref: { entity: row.entity, id: row.id },
    row,
    alert: null,
    timeline: [],
    claim: null,
    prompts: [],
    dataAsOf: null,
    ...overrides,
  } as ItemDetail;
}

const target = (
  row: QueueRow,
  detail: ItemDetail | null = null,
  queue: ActionTarget['queue'] = 'redAlerts',
) => ({
  row,
  detail,
  queue,
});

function available(t: ActionTarget): ActionKind[] {
  return actionKinds.filter((kind) => isActionAvailable(kind, t, env));
}

describe('which actions apply', () => {
  it('an unverified red alert: verify, prompt, note, claim', () => {
    expect(available(target(alertRow()))).toEqual(['verify', 'prompt', 'note', 'claim']);
  });

  it('a verified red alert offers a major loop only when verified significant (regulation art. 6)', () => {
    const row = alertRow({ detail: 'verified' });
    expect(available(target(row))).toContain('majorLoop');
    const significant = detailOf(row, {
      alert: alertDetail({ verification: { at: '', by: null, significant: true, assessment: '有燃气泄漏' } }),
    });
    expect(available(target(row, significant))).toEqual(['majorLoop', 'prompt', 'note', 'claim']);
    const minor = detailOf(row, {
      alert: alertDetail({ verification: { at: '', by: null, significant: false, assessment: '误报' } }),
    });
    expect(available(target(row, minor))).not.toContain('majorLoop');
    expect(available(target(alertRow({ detail: 'majorLoop:risk' })))).not.toContain('majorLoop');
  });

  it('the detail of another row does not decide for the selected one', () => {
    const row = alertRow({ detail: 'verified' });
    const other = detailOf(alertRow({ key: 'alert:A2', id: 'A2' }), {
      alert: alertDetail({ verification: { at: '', by: null, significant: false, assessment: '误报' } }),
    });
    expect(available(target(row, other))).toContain('majorLoop');
  });

  it('a closed red alert (read in its detail) takes no verification', () => {
    const row = alertRow();
    const closed = detailOf(row, { alert: alertDetail({ closedAt: '2025-07-10T01:30:00.000Z' }) });
    expect(available(target(row, closed))).not.toContain('verify');
  });

  it('a non-red alert takes no verification', () => {
    expect(available(target(alertRow({ level: 'orange', detail: null }), null, 'undispatched'))).toEqual([
      'prompt',
      'note',
      'claim',
    ]);
  });

  it('prompt rows by state: raised here, issued, acknowledged', () => {
    expect(available(target(promptRow(), null, 'workPrompts'))).toEqual([
      'prompt',
      'note',
      'snooze',
      'dismiss',
      'claim',
    ]);
    expect(available(target(promptRow({ status: 'issued' }), null, 'workPrompts'))).toEqual([
      'acknowledge',
      'resolve',
      'note',
      'snooze',
      'claim',
    ]);
    expect(available(target(promptRow({ status: 'acknowledged' }), null, 'workPrompts'))).toEqual([
      'resolve',
      'note',
      'snooze',
      'claim',
    ]);
  });

  it('a calendar duty (subject: the district) is noted, snoozed and dismissed, never claimed', () => {
    const duty = promptRow({ category: 'weekly-report', detail: 'district:pudong' });
    expect(available(target(duty, null, 'dutyItems'))).toEqual(['prompt', 'note', 'snooze', 'dismiss']);
  });

  it('claim toggles: mine is released, someone else’s is neither claimed nor released', () => {
    const mine = target(alertRow({ claimedBy: '张敏' }));
    expect(claimToggleKind(mine, env)).toBe('release');
    expect(available(mine)).toContain('release');
    const theirs = target(alertRow({ claimedBy: '李强' }));
    expect(available(theirs)).not.toContain('claim');
    expect(available(theirs)).not.toContain('release');
    expect(claimToggleKind(target(alertRow()), env)).toBe('claim');
  });

  it('an expired claim of someone else (read in the detail) may be taken over', () => {
    const row = alertRow({ claimedBy: '李强' });
    const expired = detailOf(row, {
      claim: {
        operatorId: 'op-liqiang',
        operatorName: '李强',
        expiresAt: new Date(NOW - 1).toISOString(),
        mine: false,
        pending: false,
      },
    });
    expect(available(target(row, expired))).toContain('claim');
  });

  it('nothing applies when no one is signed in', () => {
    expect(available(target(alertRow())).length).toBeGreaterThan(0);
    expect(isActionAvailable('verify', target(alertRow()), { ...env, operator: null })).toBe(false);
  });
});

describe('prefill', () => {
  it('a prompt on a prompt raised here keeps its id, rule, subject, recipient, reason and due time', () => {
    const draft = newDraft('prompt', target(promptRow(), null, 'workPrompts'), env, words, newId);
    expect(draft?.fixed).toEqual({
      promptId: 'P1',
      rule: 'undispatched',
      subject: { entity: 'alert', id: 'A9' },
    });
    expect(draft?.values).toEqual({
      recipientRole: 'sceneOperator',
      message: '预警超过 1 小时无处置人员',
      dueAt: '2025-07-10 11:00',
    });
  });

  it('the rule’s suggested message wins over the reason when the detail has it', () => {
    const row = promptRow();
    const detail = detailOf(row, {
      prompts: [
        {
          id: 'P1',
          rule: 'undispatched',
          state: 'raised',
          reason: 'reason',
          recipientRole: 'sceneHead',
          dueAt: null,
          snoozedUntil: null,
          suggestedMessage: '请于 1 小时内落实处置人员',
          title: '超期未派单',
          raisedAt: null,
          message: null,
          pending: false,
        },
      ],
    });
    const draft = newDraft('prompt', target(row, detail, 'workPrompts'), env, words, newId);
    // No due time given: the rule's (1 hour from the server's now).
    expect(draft?.values).toEqual({
      recipientRole: 'sceneHead',
      message: '请于 1 小时内落实处置人员',
      dueAt: '2025-07-10 11:00',
    });
  });

  it('an alert with no prompt raised here gets a new prompt under the queue’s rule and its template', () => {
    const draft = newDraft(
      'prompt',
      target(alertRow({ level: 'yellow' }), null, 'overdueClosure'),
      env,
      words,
      () => 'wp-new',
    );
    expect(draft?.fixed).toEqual({
      promptId: 'wp-new',
      rule: 'overdue-closure',
      subject: { entity: 'alert', id: 'A1' },
    });
    expect(draft?.values).toEqual({
      recipientRole: 'sceneOperator',
      message: '[overdue-closure] 燃气管网压力超限',
      dueAt: '2025-07-12 10:00',
    });
  });

  it('an alert’s own raised prompt (from its detail) is the one issued', () => {
    const row = alertRow({ level: 'yellow' });
    const detail = detailOf(row, {
      prompts: [
        {
          id: 'P7',
          rule: 'non-standard',
          state: 'raised',
          reason: '缺少联系电话',
          recipientRole: 'sceneHead',
          dueAt: '2025-07-12T02:00:00.000Z',
          snoozedUntil: null,
          suggestedMessage: null,
          title: null,
          raisedAt: null,
          message: null,
          pending: false,
        },
      ],
    });
    const draft = newDraft('prompt', target(row, detail, 'nonStandard'), env, words, newId);
    expect(draft?.fixed).toMatchObject({ promptId: 'P7', rule: 'non-standard' });
    expect(draft?.values.message).toBe('缺少联系电话');
  });

  it('a note on a prompt the platform does not know goes on its subject; on an issued one, on the prompt', () => {
    expect(noteSubjectOf(promptRow())).toEqual({ entity: 'alert', id: 'A9' });
    expect(noteSubjectOf(promptRow({ status: 'issued' }))).toEqual({ entity: 'workPrompt', id: 'P1' });
  });

  it('a form on a prompt names what the prompt is about, once its detail is read', () => {
    const row = promptRow();
    const detail = detailOf(row, {
      subject: { entity: 'alert', id: 'A9', label: '预警 A9 燃气管网压力超限' },
    });
    expect(newDraft('snooze', target(row, detail, 'workPrompts'), env, words, newId)?.subjectLabel).toBe(
      '预警 A9 燃气管网压力超限',
    );
    expect(newDraft('snooze', target(row, null, 'workPrompts'), env, words, newId)?.subjectLabel).toBe(
      '预警超过 1 小时无处置人员',
    );
  });

  it('a snooze starts an hour from the server’s now', () => {
    expect(newDraft('snooze', target(promptRow(), null, 'workPrompts'), env, words, newId)?.values).toEqual({
      until: '2025-07-10 11:00',
      reason: '',
    });
  });

  it('no draft for an action that does not apply', () => {
    expect(newDraft('acknowledge', target(alertRow()), env, words, newId)).toBeNull();
  });
});

describe('validation and what is sent', () => {
  it('names every required field left empty', () => {
    const draft = newDraft('verify', target(alertRow()), env, words, newId);
    if (!draft) throw new Error('verify applies');
    expect(validateDraft(draft, env)).toEqual({
      significant: { problem: 'choose' },
      assessment: { problem: 'required' },
    });
    const filled = { ...draft, values: { significant: 'yes', assessment: '  现场确有燃气泄漏  ' } };
    expect(validateDraft(filled, env)).toEqual({});
    expect(buildSubmission(filled, ZONE)).toEqual({
      call: 'submitAction',
      name: 'verifyAlert',
      args: { alertId: 'A1', significant: true, assessment: '现场确有燃气泄漏' },
    });
  });

  it('checks lengths and times: a snooze must end after the server’s now, written on the platform clock', () => {
    const draft = newDraft('snooze', target(promptRow(), null, 'workPrompts'), env, words, newId);
    if (!draft) throw new Error('snooze applies');
    const at = (until: string, reason = '等待回复') =>
      validateDraft({ ...draft, values: { until, reason } }, env);
    expect(at('2025-07-10 10:00')).toEqual({ until: { problem: 'notFuture', nowMs: NOW } });
    expect(at('2025-07-10 9:30')).toEqual({ until: { problem: 'badDateTime' } });
    expect(at('2025-02-30 10:00')).toEqual({ until: { problem: 'badDateTime' } });
    expect(at('2025-07-10 10:01', 'x'.repeat(501))).toEqual({ reason: { problem: 'tooLong', max: 500 } });
    expect(at('2025-07-10 12:30')).toEqual({});
    expect(
      buildSubmission({ ...draft, values: { until: '2025-07-10 12:30', reason: '等待回复' } }, ZONE),
    ).toEqual({
      call: 'snoozeWorkPrompt',
      args: { promptId: 'P1', until: '2025-07-10T04:30:00.000Z', reason: '等待回复' },
    });
  });

  it('an optional field left empty is not sent', () => {
    const draft = newDraft(
      'acknowledge',
      target(promptRow({ status: 'issued' }), null, 'workPrompts'),
      env,
      words,
      newId,
    );
    if (!draft) throw new Error('acknowledge applies');
    expect(validateDraft(draft, env)).toEqual({});
    expect(buildSubmission(draft, ZONE)).toEqual({
      call: 'submitAction',
      name: 'acknowledgeWorkPrompt',
      args: { promptId: 'P1' },
    });
  });

  it('dismiss goes to the workstation, not the platform', () => {
    const draft = newDraft('dismiss', target(promptRow(), null, 'workPrompts'), env, words, newId);
    if (!draft) throw new Error('dismiss applies');
    expect(buildSubmission({ ...draft, values: { reason: '误报' } }, ZONE)).toEqual({
      call: 'dismissWorkPrompt',
      args: { promptId: 'P1', reason: '误报' },
    });
  });
});

describe('retrying a rejected action', () => {
  const rejected = (name: ActionRecord['name'], args: unknown): ActionRecord => ({
    mutationId: 'm-1',
    name,
    args,
    createdAt: '2025-07-10T01:59:00.000Z',
    operatorId: 'op-zhangmin',
    operatorName: '张敏',
    state: 'rejected',
    attempts: 1,
    lastError: null,
    rejectedCode: 'INVALID_STATE',
    rejectedMessage: 'alert A1 was already verified',
  });

  it('reopens the form with what was sent and retries the same action with the edits', () => {
    const draft = retryDraft(
      rejected('verifyAlert', { alertId: 'A1', significant: false, assessment: '误报' }),
      ZONE,
    );
    expect(draft).toMatchObject({
      kind: 'verify',
      fixed: { alertId: 'A1' },
      values: { significant: 'no', assessment: '误报' },
      retryOf: 'm-1',
    });
    if (!draft) throw new Error('verify has a form');
    expect(
      buildSubmission({ ...draft, values: { significant: 'yes', assessment: '燃气泄漏' } }, ZONE),
    ).toEqual({
      call: 'retryAction',
      mutationId: 'm-1',
      args: { alertId: 'A1', significant: true, assessment: '燃气泄漏' },
    });
  });

  it('shows a prompt’s due time on the platform clock and keeps its id, rule and subject', () => {
    const args = {
      promptId: 'P1',
      rule: 'undispatched',
      subject: { entity: 'alert', id: 'A9' },
      recipientRole: 'sceneOperator',
      message: '请落实处置人员',
      dueAt: '2025-07-10T03:00:00.000Z',
    };
    const draft = retryDraft(rejected('issueWorkPrompt', args), ZONE);
    expect(draft?.values).toEqual({
      recipientRole: 'sceneOperator',
      message: '请落实处置人员',
      dueAt: '2025-07-10 11:00',
    });
    expect(draft?.fixed).toEqual({
      promptId: 'P1',
      rule: 'undispatched',
      subject: { entity: 'alert', id: 'A9' },
    });
  });

  it('has no form for a handover', () => {
    expect(retryDraft(rejected('recordHandover', {}), ZONE)).toBeNull();
  });
});
