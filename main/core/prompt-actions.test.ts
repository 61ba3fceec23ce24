import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dismissPrompt, queueAction, retryAction, snoozePrompt } from './prompt-actions';
import type { RulesEngine } from './rules';
import type { PromptStore } from './rules/prompt-store';
import type { TestCache } from './rules/test-cache';
import { openPromptBed, undispatchedPrompt, type PromptBed } from './rules/test-prompts';
import { ActionRejectedLocally, type Outbox } from './sync/outbox';

const T0 = Date.parse('2026-09-15T02:00:00.000Z');
const HOUR = 3_600_000;
const operator = { id: 'op-zhangmin', name: '张敏' };

let cache: TestCache;
let clock: PromptBed['clock'];
let rules: RulesEngine;
let outbox: Outbox;
let store: PromptStore;

beforeEach(() => {
  ({ cache, clock, rules, outbox, store } = openPromptBed('dutydesk-prompt-actions-', T0));
});
afterEach(() => {
  cache.remove();
});

/** A prompt as the rules raise it: no handler on alert A1 for over an hour. */
function raisePrompt(subjectId = 'A1'): string {
  return store.raise(undispatchedPrompt(subjectId, T0 - 2 * HOUR, T0), T0);
}

const deps = () => ({ db: cache.db, outbox, rules });
const at = () => new Date(clock.now()).toISOString();
const queue = (name: Parameters<typeof queueAction>[1]['name'], args: unknown) =>
  queueAction(deps(), { name, args, operator, at: at(), clientId: 'client-1' });

function issueArgs(promptId: string) {
  return {
    promptId,
    rule: 'undispatched',
    subject: { entity: 'alert', id: 'A1' },
    recipientRole: 'sceneOperator',
    message: '请于 1 小时内落实处置人员',
    dueAt: new Date(T0 + HOUR).toISOString(),
  };
}

function audits(subject: string): { action: string; operator_id: string | null; detail: string }[] {
  return cache.db
    .prepare('SELECT action, operator_id, detail FROM audit WHERE subject = ? ORDER BY id')
    .all(subject) as { action: string; operator_id: string | null; detail: string }[];
}

const outboxCount = () => (cache.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ActionRejectedLocally) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('actions on a prompt raised here follow it in the same transaction', () => {
  it('issue, acknowledge and resolve move the local prompt with their outbox entries', () => {
    const id = raisePrompt();
    queue('issueWorkPrompt', issueArgs(id));
    expect(rules.getPrompt(id)?.state).toBe('issued');

    clock.advance(60_000);
    queue('acknowledgeWorkPrompt', { promptId: id, note: '场景运营人员已电话确认' });
    const acknowledged = rules.getPrompt(id);
    expect(acknowledged).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: operator.id,
      acknowledgementNote: '场景运营人员已电话确认',
    });

    clock.advance(60_000);
    queue('resolveWorkPrompt', { promptId: id, resolution: '处置人员已落实' });
    expect(rules.getPrompt(id)).toMatchObject({
      state: 'resolved',
      resolvedBy: operator.id,
      resolutionKind: 'operator',
      resolution: '处置人员已落实',
    });
    expect(outbox.unfinished().map((entry) => entry.name)).toEqual([
      'issueWorkPrompt',
      'acknowledgeWorkPrompt',
      'resolveWorkPrompt',
    ]);
    expect(audits(`localPrompt:${id}`).map((row) => row.action)).toEqual([
      'workPrompt.raised',
      'workPrompt.issued',
      'workPrompt.acknowledged',
      'workPrompt.resolved',
    ]);
  });

  it('an issued prompt may be resolved without an acknowledgement', () => {
    const id = raisePrompt();
    queue('issueWorkPrompt', issueArgs(id));
    queue('resolveWorkPrompt', { promptId: id, resolution: '已派单' });
    expect(rules.getPrompt(id)?.state).toBe('resolved');
  });

  it('refuses acknowledging or resolving a prompt the platform does not know yet, and queues nothing', () => {
    const id = raisePrompt();
    expect(refusal(() => queue('acknowledgeWorkPrompt', { promptId: id }))).toMatch(
      /^promptId: .*not yet issued.*issue it first/,
    );
    expect(refusal(() => queue('resolveWorkPrompt', { promptId: id, resolution: '已处理' }))).toMatch(
      /^promptId: .*dismiss it \(d\)/,
    );
    expect(outboxCount()).toBe(0);
    expect(rules.getPrompt(id)?.state).toBe('raised');
  });

  it('refuses a second acknowledgement or resolution, rolling the outbox entry back', () => {
    const id = raisePrompt();
    queue('issueWorkPrompt', issueArgs(id));
    queue('resolveWorkPrompt', { promptId: id, resolution: '已派单' });
    expect(refusal(() => queue('resolveWorkPrompt', { promptId: id, resolution: '再次' }))).toMatch(
      /^promptId: the work prompt is already resolved/,
    );
    expect(refusal(() => queue('acknowledgeWorkPrompt', { promptId: id }))).toMatch(/^promptId: /);
    expect(refusal(() => queue('issueWorkPrompt', issueArgs(id)))).toMatch(/cannot be issued again/);
    expect(outboxCount()).toBe(2);
  });

  it('names the field when the local record cannot hold the text, and keeps nothing', () => {
    const id = raisePrompt();
    queue('issueWorkPrompt', issueArgs(id));
    expect(
      refusal(() => queue('resolveWorkPrompt', { promptId: id, resolution: '很长'.repeat(300) })),
    ).toMatch(/^resolution: /);
    expect(rules.getPrompt(id)?.state).toBe('issued');
    expect(outbox.unfinished().map((entry) => entry.name)).toEqual(['issueWorkPrompt']);
  });

  it('leaves prompts issued elsewhere (not raised here) to the platform', () => {
    const entry = queue('acknowledgeWorkPrompt', { promptId: 'wp-from-another-workstation' });
    expect(entry.state).toBe('pending');
  });

  it('a retried action takes the local step only when the prompt has not taken it yet', () => {
    const id = raisePrompt();
    const issued = queue('issueWorkPrompt', issueArgs(id));
    outbox.markRejected(issued.mutationId, 'VALIDATION_FAILED', 'args.message: too vague', T0);
    const retried = retryAction(deps(), {
      mutationId: issued.mutationId,
      args: { ...issueArgs(id), message: '请于 1 小时内落实处置人员并回复' },
      operator,
      at: at(),
      clientId: 'client-1',
    });
    expect(retried.state).toBe('pending');
    expect(rules.getPrompt(id)?.state).toBe('issued');
    expect(outbox.get(issued.mutationId)?.state).toBe('discarded');
    // Both the retry and the new entry are audited under the operator.
    expect(audits(issued.mutationId).map((row) => [row.action, row.operator_id])).toEqual([
      ['action.issueWorkPrompt', operator.id],
      ['outbox.rejected', null],
      ['outbox.retry', operator.id],
    ]);
    expect(JSON.parse(audits(issued.mutationId)[2]?.detail ?? '{}')).toEqual({
      replacedBy: retried.mutationId,
    });
    expect(audits(retried.mutationId).map((row) => row.action)).toEqual(['action.issueWorkPrompt']);
  });

  it('discarding a rejected action is audited under the operator', () => {
    const entry = queue('addNote', {
      noteId: 'note-1',
      subject: { entity: 'alert', id: 'A1' },
      text: '已联系',
    });
    outbox.markRejected(entry.mutationId, 'NOT_FOUND', 'no alert A1', T0);
    outbox.discard(entry.mutationId, operator, T0 + 1);
    expect(audits(entry.mutationId).map((row) => [row.action, row.operator_id])).toEqual([
      ['action.addNote', operator.id],
      ['outbox.rejected', null],
      ['outbox.discard', operator.id],
    ]);
    expect(outbox.unfinished()).toEqual([]);
  });
});

describe('snooze', () => {
  it('hides an open prompt until the end time, audited with the reason', () => {
    const id = raisePrompt();
    const until = new Date(T0 + 2 * HOUR).toISOString();
    const snoozed = snoozePrompt(rules, { promptId: id, until, reason: '等待场景回复' }, operator.id, T0);
    expect(snoozed).toMatchObject({ snoozedUntil: T0 + 2 * HOUR, snoozeReason: '等待场景回复' });
    expect(rules.listPrompts({ scope: 'open' }).map((prompt) => prompt.id)).not.toContain(id);
    const audit = audits(`localPrompt:${id}`).at(-1);
    expect(audit?.action).toBe('workPrompt.snoozed');
    expect(audit?.operator_id).toBe(operator.id);
    expect(JSON.parse(audit?.detail ?? '{}')).toEqual({ until: T0 + 2 * HOUR, reason: '等待场景回复' });
  });

  it('refuses an end time that is not in the future of the server clock, naming the field', () => {
    const id = raisePrompt();
    for (const until of [T0, T0 - 1]) {
      expect(
        refusal(() =>
          snoozePrompt(
            rules,
            { promptId: id, until: new Date(until).toISOString(), reason: '稍后' },
            operator.id,
            T0,
          ),
        ),
      ).toMatch(/^until: must be later than the server's time now/);
    }
    expect(rules.getPrompt(id)?.snoozedUntil).toBeNull();
  });

  it('refuses a snooze longer than the rules allow, naming the field', () => {
    const id = raisePrompt();
    const until = new Date(T0 + 100 * HOUR).toISOString();
    expect(refusal(() => snoozePrompt(rules, { promptId: id, until, reason: '长假' }, operator.id, T0))).toBe(
      'until: must be within 72 hours',
    );
  });

  it('refuses an unknown or resolved prompt', () => {
    const until = new Date(T0 + HOUR).toISOString();
    expect(
      refusal(() => snoozePrompt(rules, { promptId: 'nope', until, reason: 'x' }, operator.id, T0)),
    ).toBe('promptId: no work prompt nope was raised on this workstation');
    const id = raisePrompt();
    dismissPrompt(rules, { promptId: id, reason: '误报' }, operator.id);
    expect(refusal(() => snoozePrompt(rules, { promptId: id, until, reason: 'x' }, operator.id, T0))).toBe(
      `promptId: the work prompt ${id} is already resolved`,
    );
  });

  it('snoozes an issued prompt too (the platform has no snooze: it is this queue only)', () => {
    const id = raisePrompt();
    queue('issueWorkPrompt', issueArgs(id));
    const until = new Date(T0 + HOUR).toISOString();
    expect(snoozePrompt(rules, { promptId: id, until, reason: '已催办' }, operator.id, T0).state).toBe(
      'issued',
    );
  });
});

describe('dismiss', () => {
  it('closes a prompt raised here with the reason, audited under the operator', () => {
    const id = raisePrompt();
    const dismissed = dismissPrompt(rules, { promptId: id, reason: '场景已确认为误报' }, operator.id);
    expect(dismissed).toMatchObject({
      state: 'resolved',
      resolutionKind: 'operator',
      resolution: '场景已确认为误报',
      resolvedBy: operator.id,
    });
    const audit = audits(`localPrompt:${id}`).at(-1);
    expect(audit?.action).toBe('workPrompt.resolved');
    expect(audit?.operator_id).toBe(operator.id);
    expect(outboxCount()).toBe(0);
  });

  it('refuses an issued prompt (resolve it on the platform instead), an unknown one and a resolved one', () => {
    const id = raisePrompt();
    queue('issueWorkPrompt', issueArgs(id));
    expect(refusal(() => dismissPrompt(rules, { promptId: id, reason: 'x' }, operator.id))).toMatch(
      /^promptId: .* is issued: the central platform knows it, so resolve it \(r\) instead/,
    );
    expect(refusal(() => dismissPrompt(rules, { promptId: 'nope', reason: 'x' }, operator.id))).toMatch(
      /^promptId: no work prompt nope/,
    );
    const other = raisePrompt('A2');
    dismissPrompt(rules, { promptId: other, reason: '误报' }, operator.id);
    expect(refusal(() => dismissPrompt(rules, { promptId: other, reason: 'x' }, operator.id))).toMatch(
      /already resolved/,
    );
  });

  it('names the reason when it is empty', () => {
    const id = raisePrompt();
    expect(refusal(() => dismissPrompt(rules, { promptId: id, reason: '  ' }, operator.id))).toMatch(
      /^reason: /,
    );
  });
});
