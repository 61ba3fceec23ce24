import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dismissPrompt, queueAction } from '../prompt-actions';
import { CacheWriter } from '../sync/cache-writer';
import { Outbox } from '../sync/outbox';
import { alertDocument, workPromptDocument } from '../sync/test-fixtures';
import { validatePage } from '../sync/wire';
import type { RulesEngine } from './index';
import { PROMPT_FOLLOW_SQL } from './prompt-follow';
import type { PromptStore } from './prompt-store';
import type { TestCache } from './test-cache';
import { openPromptBed, undispatchedPrompt, type PromptBed } from './test-prompts';

const T0 = Date.parse('2026-11-24T02:00:00.000Z');
const HOUR = 3_600_000;
const operator = { id: 'op-zhangmin', name: '张敏' };

let cache: TestCache;
let clock: PromptBed['clock'];
let rules: RulesEngine;
let outbox: Outbox;
let store: PromptStore;

beforeEach(() => {
  ({ cache, clock, rules, outbox, store } = openPromptBed('dutydesk-prompt-follow-', T0));
  // The prompts' subjects: open alerts without a handler, so that the ticks keep their prompts open.
  pull(
    [
      alertDocument({
        id: 'A1',
        level: 'yellow',
        reportedAt: iso(T0 - 2 * HOUR),
        occurredAt: iso(T0 - 2 * HOUR),
      }),
      alertDocument({
        id: 'A2',
        level: 'yellow',
        reportedAt: iso(T0 - HOUR - 60_000),
        occurredAt: iso(T0 - 2 * HOUR),
      }),
    ],
    'alert',
  );
});
afterEach(() => {
  cache.remove();
});

/** A prompt as the rules raise it: no handler on alert A1 for over an hour. */
function raisePrompt(subjectId = 'A1', episode = T0 - 2 * HOUR): string {
  return store.raise(undispatchedPrompt(subjectId, episode, T0), T0);
}

const iso = (ms: number) => new Date(ms).toISOString();
const queue = (name: Parameters<typeof queueAction>[1]['name'], args: unknown) =>
  queueAction(
    { db: cache.db, outbox, rules },
    { name, args, operator, at: iso(clock.now()), clientId: 'client-1' },
  );
const issue = (promptId: string, subjectId = 'A1') =>
  queue('issueWorkPrompt', {
    promptId,
    rule: 'undispatched',
    subject: { entity: 'alert', id: subjectId },
    recipientRole: 'sceneOperator',
    message: '请于 1 小时内落实处置人员',
    dueAt: iso(T0 + HOUR),
  });

/** The platform's record of the prompt, as a pulled page carries it. */
function platformPrompt(
  id: string,
  version: number,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  return workPromptDocument({
    id,
    version,
    subject: { entity: 'alert', id: 'A1' },
    dueAt: iso(T0 + HOUR),
    issuedAt: iso(T0),
    issuedBy: operator.id,
    ...fields,
  });
}

/** Writes a pulled page the way the sync engine does (sync-worker connection aside): documents, then rebases. */
function pull(documents: Record<string, unknown>[], entity = 'workPrompt'): void {
  const page = validatePage({
    changes: documents.map((data) => ({ entity, op: 'upsert', id: data.id, version: data.version, data })),
    cursor: 'c-1',
    hasMore: false,
    phase: 'live',
    serverTime: iso(clock.now()),
  });
  const writer = new CacheWriter(cache.db);
  cache.db.transaction(() => {
    writer.apply(page.changes);
    const based = outbox.basedKeys();
    for (const change of page.changes) {
      if (Outbox.isBased(based, change.entity, change.id)) outbox.rebase(change.entity, change.id);
    }
  })();
}

const reject = (mutationId: string, code = 'NOT_FOUND', message = 'alert A1 does not exist') =>
  outbox.markRejected(mutationId, code, message, clock.now());

function followAudits(id: string): unknown[] {
  return (
    cache.db
      .prepare("SELECT detail FROM audit WHERE subject = ? AND action = 'workPrompt.followed' ORDER BY id")
      .all(`localPrompt:${id}`) as { detail: string }[]
  ).map((row) => JSON.parse(row.detail) as unknown);
}

const openIds = () => rules.listPrompts({ scope: 'open', includeSnoozed: true }).map((prompt) => prompt.id);

describe('a prompt issued from here follows the platform’s record of it', () => {
  it('goes back to raised when the platform rejects its issue, and can then be dismissed', () => {
    const id = raisePrompt();
    const entry = issue(id);
    expect(rules.getPrompt(id)?.state).toBe('issued');

    reject(entry.mutationId);
    clock.advance(1_000);
    expect(rules.tick().followed).toBe(1);
    expect(rules.getPrompt(id)).toMatchObject({ state: 'raised', issuedAt: null, issuedBy: null });
    expect(followAudits(id)).toEqual([{ from: 'issued', to: 'raised', cause: 'issueRejected' }]);
    expect(openIds()).toContain(id);

    // The operator may now dismiss it, which an issued prompt refuses.
    expect(
      dismissPrompt(rules, { promptId: id, reason: '场景编号有误，已电话通知' }, operator.id).state,
    ).toBe('resolved');
    expect(rules.tick().followed).toBe(0);
  });

  it('keeps an issue that is still pending or was applied, even when its document is gone meanwhile', () => {
    const id = raisePrompt();
    const entry = issue(id);
    expect(rules.tick().followed).toBe(0);
    outbox.markApplied(entry.mutationId, clock.now());
    // A full resync drops the synced entities; the platform's record comes back with the resync's pages.
    cache.db.prepare('DELETE FROM work_prompt').run();
    expect(rules.tick().followed).toBe(0);
    expect(rules.getPrompt(id)?.state).toBe('issued');
  });

  it('goes back a step when the platform rejects an acknowledgement or a resolution', () => {
    const id = raisePrompt();
    issue(id);
    pull([platformPrompt(id, 1, {})]);
    clock.advance(60_000);
    const acknowledgement = queue('acknowledgeWorkPrompt', { promptId: id, note: '已电话确认' });
    expect(rules.getPrompt(id)?.state).toBe('acknowledged');
    reject(acknowledgement.mutationId, 'INVALID_STATE', 'work prompt is resolved, not issued');
    rules.tick();
    expect(rules.getPrompt(id)).toMatchObject({
      state: 'issued',
      issuedBy: operator.id,
      acknowledgedAt: null,
      acknowledgedBy: null,
      acknowledgementNote: null,
    });

    const resolution = queue('resolveWorkPrompt', { promptId: id, resolution: '处置人员已落实' });
    expect(openIds()).not.toContain(id);
    reject(resolution.mutationId, 'INVALID_STATE', 'rejected for the test');
    rules.tick();
    expect(rules.getPrompt(id)).toMatchObject({ state: 'issued', resolvedAt: null, resolutionKind: null });
    expect(openIds()).toContain(id);
    expect(followAudits(id)).toEqual([
      { from: 'acknowledged', to: 'issued', cause: 'platform' },
      { from: 'resolved', to: 'issued', cause: 'platform' },
    ]);
  });

  it('takes the recipient’s acknowledgement and resolution from the platform', () => {
    const id = raisePrompt();
    const entry = issue(id);
    outbox.markApplied(entry.mutationId, clock.now());
    pull([platformPrompt(id, 1, {})]);
    expect(rules.tick().followed).toBe(0);

    pull([
      platformPrompt(id, 2, {
        status: 'acknowledged',
        acknowledgedAt: iso(T0 + 10 * 60_000),
        acknowledgedBy: 'op-scene-7',
        acknowledgementNote: '已安排人员',
      }),
    ]);
    clock.advance(15 * 60_000);
    expect(rules.tick().followed).toBe(1);
    expect(rules.getPrompt(id)).toMatchObject({
      state: 'acknowledged',
      issuedBy: operator.id,
      acknowledgedAt: T0 + 10 * 60_000,
      acknowledgedBy: 'op-scene-7',
      acknowledgementNote: '已安排人员',
    });

    pull([
      platformPrompt(id, 3, {
        status: 'resolved',
        acknowledgedAt: iso(T0 + 10 * 60_000),
        acknowledgedBy: 'op-scene-7',
        acknowledgementNote: '已安排人员',
        resolvedAt: iso(T0 + 40 * 60_000),
        resolvedBy: 'op-scene-7',
        resolution: '处置人员已到场',
      }),
    ]);
    expect(rules.tick().followed).toBe(1);
    expect(rules.getPrompt(id)).toMatchObject({
      state: 'resolved',
      resolvedAt: T0 + 40 * 60_000,
      resolvedBy: 'op-scene-7',
      resolutionKind: 'operator',
      resolution: '处置人员已到场',
    });
    expect(openIds()).not.toContain(id);
  });

  it('never undoes a pending action of ours when the platform’s older record arrives', () => {
    const id = raisePrompt();
    const entry = issue(id);
    outbox.markApplied(entry.mutationId, clock.now());
    queue('acknowledgeWorkPrompt', { promptId: id, note: '已电话确认' });
    pull([platformPrompt(id, 1, {})]);
    expect(rules.tick().followed).toBe(0);
    expect(rules.getPrompt(id)).toMatchObject({ state: 'acknowledged', acknowledgedBy: operator.id });
  });

  it('leaves a prompt the rules closed here', () => {
    const id = raisePrompt('A1');
    issue(id);
    store.close(id, 'conditionCleared', '已有处置人员', clock.now(), null);
    pull([
      platformPrompt(id, 2, { status: 'acknowledged', acknowledgedAt: iso(T0), acknowledgedBy: 'op-x' }),
    ]);
    expect(rules.tick().followed).toBe(0);
    expect(rules.getPrompt(id)).toMatchObject({ state: 'resolved', resolutionKind: 'conditionCleared' });
  });

  it('leaves resolved a prompt whose reopening a newer open prompt of the same subject supersedes', () => {
    const id = raisePrompt('A2', T0 - 2 * HOUR);
    issue(id, 'A2');
    const resolution = queue('resolveWorkPrompt', { promptId: id, resolution: '已处置' });
    // Alert A2 is still without a handler: the rules raise its current episode's prompt.
    rules.tick();
    const newer = rules.listPrompts({ scope: 'open' }).find((prompt) => prompt.subject.id === 'A2');
    expect(newer?.id).not.toBe(id);
    reject(resolution.mutationId, 'INVALID_STATE', 'rejected for the test');
    expect(rules.tick().followed).toBe(0);
    expect(rules.getPrompt(id)?.state).toBe('resolved');
    expect(rules.getPrompt(newer?.id ?? '')?.state).toBe('raised');
  });

  it('reads each noted prompt by its index, and notes only prompts raised here', () => {
    const plan = (sql: string) =>
      (cache.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('x') as { detail: string }[])
        .map((row) => row.detail)
        .join('; ');
    expect(plan(PROMPT_FOLLOW_SQL.platform)).toMatch(
      /SEARCH work_prompt USING INDEX sqlite_autoindex_work_prompt_1/,
    );
    expect(plan(PROMPT_FOLLOW_SQL.latestIssue)).toMatch(/SEARCH outbox USING INDEX outbox_issue_by_prompt/);
    expect(plan(PROMPT_FOLLOW_SQL.latestIssue)).not.toMatch(/TEMP B-TREE/);
    expect(plan(PROMPT_FOLLOW_SQL.dequeue)).toMatch(/SEARCH local_prompt_follow USING PRIMARY KEY/);

    pull([platformPrompt('issued-elsewhere', 1, {})]);
    const queued = () => cache.db.prepare('SELECT prompt_id FROM local_prompt_follow').all();
    expect(queued()).toEqual([]);
    const id = raisePrompt();
    issue(id);
    expect(queued()).toEqual([{ prompt_id: id }]);
    rules.tick();
    expect(queued()).toEqual([]);
  });
});
