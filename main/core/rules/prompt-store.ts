/**
 * Work prompts in `local_prompt` and every change of their state in `audit`. A prompt is keyed by rule, subject,
 * episode (when its condition began) and stage, so it is raised once; at most one prompt per rule and subject is
 * open at a time (a unique partial index, migration m002), so escalating means closing one stage and opening the
 * next in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { RecipientRole, RuleId } from './config';

export const PROMPT_STATES = ['raised', 'issued', 'acknowledged', 'resolved'] as const;
export type PromptState = (typeof PROMPT_STATES)[number];
export type OpenPromptState = Exclude<PromptState, 'resolved'>;

/** Why a prompt was closed. */
export type ResolutionKind =
  /** An operator resolved it. */
  | 'operator'
  /** Its condition no longer holds (the alert got a handler, the scene reported again, ...). */
  | 'conditionCleared'
  /** The condition held on to the next threshold: the next stage's prompt replaces it. */
  | 'escalated'
  /** A step of a flow was done (a red alert was verified, its major loop started): the next step's prompt replaces it. */
  | 'stepDone'
  /** The condition cleared and came back unseen between two ticks, or a calendar duty recurred: a new prompt replaces it. */
  | 'superseded'
  /** The site's configuration switched the rule off. */
  | 'ruleDisabled';

export interface PromptSubject {
  entity: string;
  id: string;
}

export interface WorkPromptRecord {
  id: string;
  rule: RuleId;
  subject: PromptSubject;
  /** When the condition began (ms); 0 when the subject has a single episode. */
  episode: number;
  stage: number;
  state: PromptState;
  recipientRole: RecipientRole;
  /** Plain Chinese, with the figures that triggered it. */
  reason: string;
  raisedAt: number;
  dueAt: number | null;
  /** sync_state.last_success_at when it was computed: the data it stands on may be that old. */
  dataAsOf: number | null;
  snoozedUntil: number | null;
  snoozeReason: string | null;
  snoozedBy: string | null;
  issuedAt: number | null;
  issuedBy: string | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  acknowledgementNote: string | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  resolutionKind: ResolutionKind | null;
  resolution: string | null;
  updatedAt: number;
  detail: Record<string, unknown>;
}

/** What the tick needs to know of an open prompt, read from a covering index. */
export interface OpenPromptRef {
  id: string;
  subjectEntity: string;
  subjectId: string;
  episode: number;
  stage: number;
  state: OpenPromptState;
  snoozedUntil: number | null;
}

export interface NewPrompt {
  rule: RuleId;
  subject: PromptSubject;
  episode: number;
  stage: number;
  recipientRole: RecipientRole;
  reason: string;
  dueAt: number | null;
  dataAsOf: number | null;
  detail: Record<string, unknown>;
}

/** A prompt's lifecycle fields, as they stand after one step (prompt-follow.ts computes them). */
export type PromptLifecycle = Pick<
  WorkPromptRecord,
  | 'state'
  | 'issuedAt'
  | 'issuedBy'
  | 'acknowledgedAt'
  | 'acknowledgedBy'
  | 'acknowledgementNote'
  | 'resolvedAt'
  | 'resolvedBy'
  | 'resolutionKind'
  | 'resolution'
>;

export interface ListPromptsQuery {
  /** `open` (default): not resolved; `resolved`; or `all`. */
  scope?: 'open' | 'resolved' | 'all';
  rules?: readonly RuleId[];
  /** Whether open prompts snoozed at `nowMs` are listed (default false). */
  includeSnoozed?: boolean;
  limit?: number;
  offset?: number;
}

/** A row of local_prompt, as `SELECT *` reads it. */
export interface PromptRow {
  id: string;
  rule: string;
  subject_entity: string;
  subject_id: string;
  episode: number;
  stage: number;
  state: string;
  recipient_role: string;
  reason: string;
  raised_at: number;
  due_at: number | null;
  data_as_of: number | null;
  snoozed_until: number | null;
  snooze_reason: string | null;
  snoozed_by: string | null;
  issued_at: number | null;
  issued_by: string | null;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  acknowledgement_note: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  resolution_kind: string | null;
  resolution: string | null;
  updated_at: number;
  detail: string;
}

const AUDIT_ACTION: Record<ResolutionKind, string> = {
  operator: 'workPrompt.resolved',
  conditionCleared: 'workPrompt.selfResolved',
  escalated: 'workPrompt.escalated',
  stepDone: 'workPrompt.stepDone',
  superseded: 'workPrompt.superseded',
  ruleDisabled: 'workPrompt.ruleDisabled',
};

function parseDetail(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function toRecord(row: PromptRow): WorkPromptRecord {
  return {
    id: row.id,
    rule: row.rule as RuleId,
    subject: { entity: row.subject_entity, id: row.subject_id },
    episode: row.episode,
    stage: row.stage,
    state: row.state as PromptState,
    recipientRole: row.recipient_role as RecipientRole,
    reason: row.reason,
    raisedAt: row.raised_at,
    dueAt: row.due_at,
    dataAsOf: row.data_as_of,
    snoozedUntil: row.snoozed_until,
    snoozeReason: row.snooze_reason,
    snoozedBy: row.snoozed_by,
    issuedAt: row.issued_at,
    issuedBy: row.issued_by,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    acknowledgementNote: row.acknowledgement_note,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    resolutionKind: row.resolution_kind as ResolutionKind | null,
    resolution: row.resolution,
    updatedAt: row.updated_at,
    detail: parseDetail(row.detail),
  };
}

/** The prompt queries each tick (or each counts() call) runs; conditions.test.ts checks their plans. */
export const HOT_PROMPT_SQL = {
  openForRule: `SELECT id, subject_entity AS subjectEntity, subject_id AS subjectId, episode, stage, state,
                       snoozed_until AS snoozedUntil
                  FROM local_prompt INDEXED BY local_prompt_open_by_rule
                 WHERE rule = ? AND state <> 'resolved'`,
  exists: `SELECT 1 AS found FROM local_prompt
            WHERE rule = ? AND subject_entity = ? AND subject_id = ? AND episode = ? AND stage = ?`,
  snoozesEnded: `SELECT id, snoozed_until FROM local_prompt INDEXED BY local_prompt_snoozed
                  WHERE snoozed_until IS NOT NULL AND snoozed_until <= ? AND state <> 'resolved'`,
  openCounts: `SELECT rule, COUNT(*) AS count FROM local_prompt INDEXED BY local_prompt_open_by_rule
                WHERE state <> 'resolved' AND (snoozed_until IS NULL OR snoozed_until <= ?)
                GROUP BY rule`,
} as const;

export class PromptStore {
  readonly #db: Database.Database;
  readonly #statements;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#statements = {
      openForRule: db.prepare<[string], OpenPromptRef>(HOT_PROMPT_SQL.openForRule),
      exists: db.prepare<[string, string, string, number, number], { found: number }>(HOT_PROMPT_SQL.exists),
      insert: db.prepare(
        `INSERT INTO local_prompt (id, rule, subject_entity, subject_id, episode, stage, state, recipient_role, reason,
                                   raised_at, due_at, data_as_of, updated_at, detail)
         VALUES (@id, @rule, @subjectEntity, @subjectId, @episode, @stage, 'raised', @recipientRole, @reason,
                 @raisedAt, @dueAt, @dataAsOf, @raisedAt, @detail)`,
      ),
      get: db.prepare<[string], PromptRow>('SELECT * FROM local_prompt WHERE id = ?'),
      close: db.prepare(
        `UPDATE local_prompt
            SET state = 'resolved', resolved_at = @at, resolved_by = @by, resolution_kind = @kind,
                resolution = @reason, snoozed_until = NULL, updated_at = @at
          WHERE id = @id AND state <> 'resolved'`,
      ),
      issue: db.prepare(
        `UPDATE local_prompt SET state = 'issued', issued_at = @at, issued_by = @by, updated_at = @at
          WHERE id = @id AND state = 'raised'`,
      ),
      acknowledge: db.prepare(
        `UPDATE local_prompt
            SET state = 'acknowledged', acknowledged_at = @at, acknowledged_by = @by, acknowledgement_note = @note,
                updated_at = @at
          WHERE id = @id AND state = 'issued'`,
      ),
      follow: db.prepare(
        `UPDATE local_prompt
            SET state = @state, issued_at = @issuedAt, issued_by = @issuedBy, acknowledged_at = @acknowledgedAt,
                acknowledged_by = @acknowledgedBy, acknowledgement_note = @acknowledgementNote,
                resolved_at = @resolvedAt, resolved_by = @resolvedBy, resolution_kind = @resolutionKind,
                resolution = @resolution,
                snoozed_until = CASE WHEN @state = 'resolved' THEN NULL ELSE snoozed_until END, updated_at = @at
          WHERE id = @id`,
      ),
      snooze: db.prepare(
        `UPDATE local_prompt SET snoozed_until = @until, snooze_reason = @reason, snoozed_by = @by, updated_at = @at
          WHERE id = @id AND state <> 'resolved'`,
      ),
      snoozesEnded: db.prepare<[number], { id: string; snoozed_until: number }>(HOT_PROMPT_SQL.snoozesEnded),
      endSnooze: db.prepare<[number, string]>(
        'UPDATE local_prompt SET snoozed_until = NULL, updated_at = ? WHERE id = ?',
      ),
      openCounts: db.prepare<[number], { rule: string; count: number }>(HOT_PROMPT_SQL.openCounts),
      audit: db.prepare<[number, string | null, string, string, string]>(
        'INSERT INTO audit (at, operator_id, action, subject, detail) VALUES (?, ?, ?, ?, ?)',
      ),
    };
  }

  #audit(at: number, operatorId: string | null, action: string, promptId: string, detail: object): void {
    this.#statements.audit.run(at, operatorId, action, `localPrompt:${promptId}`, JSON.stringify(detail));
  }

  openForRule(rule: RuleId): OpenPromptRef[] {
    return this.#statements.openForRule.all(rule);
  }

  /** Whether a prompt (open or closed) was ever raised for this rule, subject, episode and stage. */
  exists(rule: RuleId, subject: PromptSubject, episode: number, stage: number): boolean {
    return this.#statements.exists.get(rule, subject.entity, subject.id, episode, stage) !== undefined;
  }

  get(id: string): WorkPromptRecord | null {
    const row = this.#statements.get.get(id);
    return row ? toRecord(row) : null;
  }

  raise(prompt: NewPrompt, at: number): string {
    const id = randomUUID();
    this.#statements.insert.run({
      id,
      rule: prompt.rule,
      subjectEntity: prompt.subject.entity,
      subjectId: prompt.subject.id,
      episode: prompt.episode,
      stage: prompt.stage,
      recipientRole: prompt.recipientRole,
      reason: prompt.reason,
      raisedAt: at,
      dueAt: prompt.dueAt,
      dataAsOf: prompt.dataAsOf,
      detail: JSON.stringify(prompt.detail),
    });
    this.#audit(at, null, 'workPrompt.raised', id, {
      rule: prompt.rule,
      subject: prompt.subject,
      episode: prompt.episode,
      stage: prompt.stage,
      recipientRole: prompt.recipientRole,
      reason: prompt.reason,
      dueAt: prompt.dueAt,
      dataAsOf: prompt.dataAsOf,
    });
    return id;
  }

  /** Closes an open prompt; false when it was not open. */
  close(id: string, kind: ResolutionKind, reason: string, at: number, operatorId: string | null): boolean {
    const changed = this.#statements.close.run({ id, at, by: operatorId, kind, reason }).changes > 0;
    if (changed) this.#audit(at, operatorId, AUDIT_ACTION[kind], id, { kind, reason });
    return changed;
  }

  markIssued(id: string, at: number, operatorId: string): boolean {
    const changed = this.#statements.issue.run({ id, at, by: operatorId }).changes > 0;
    if (changed) this.#audit(at, operatorId, 'workPrompt.issued', id, {});
    return changed;
  }

  acknowledge(id: string, at: number, operatorId: string, note: string | null): boolean {
    const changed = this.#statements.acknowledge.run({ id, at, by: operatorId, note }).changes > 0;
    if (changed) this.#audit(at, operatorId, 'workPrompt.acknowledged', id, { note });
    return changed;
  }

  /**
   * Sets a prompt's lifecycle to what the central platform's record of it says (prompt-follow.ts), audited as
   * `workPrompt.followed` with `detail` (what moved it). False when there is no such prompt.
   */
  follow(id: string, lifecycle: PromptLifecycle, at: number, detail: object): boolean {
    const changed = this.#statements.follow.run({ id, at, ...lifecycle }).changes > 0;
    if (changed) this.#audit(at, null, 'workPrompt.followed', id, detail);
    return changed;
  }

  snooze(id: string, at: number, operatorId: string, until: number, reason: string): boolean {
    const changed = this.#statements.snooze.run({ id, at, by: operatorId, until, reason }).changes > 0;
    if (changed) this.#audit(at, operatorId, 'workPrompt.snoozed', id, { until, reason });
    return changed;
  }

  /** Brings back the prompts whose snooze has ended; returns how many. */
  endSnoozes(at: number): number {
    const ended = this.#statements.snoozesEnded.all(at);
    for (const { id, snoozed_until: until } of ended) {
      this.#statements.endSnooze.run(at, id);
      this.#audit(at, null, 'workPrompt.snoozeEnded', id, { until });
    }
    return ended.length;
  }

  /** Open prompts per rule, not counting those snoozed at `at`. */
  openCounts(at: number): Map<string, number> {
    return new Map(this.#statements.openCounts.all(at).map((row) => [row.rule, row.count]));
  }

  list(query: ListPromptsQuery, nowMs: number): WorkPromptRecord[] {
    const scope = query.scope ?? 'open';
    const conditions: string[] = [];
    const parameters: (string | number)[] = [];
    if (scope === 'open') conditions.push("state <> 'resolved'");
    if (scope === 'resolved') conditions.push("state = 'resolved'");
    if (query.rules && query.rules.length > 0) {
      conditions.push(`rule IN (${query.rules.map(() => '?').join(', ')})`);
      parameters.push(...query.rules);
    }
    if (scope !== 'resolved' && query.includeSnoozed !== true) {
      conditions.push("(state = 'resolved' OR snoozed_until IS NULL OR snoozed_until <= ?)");
      parameters.push(nowMs);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const order =
      scope === 'resolved'
        ? 'ORDER BY resolved_at DESC, id'
        : 'ORDER BY due_at IS NULL, due_at, raised_at, rule, subject_entity, subject_id, stage';
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? 200), 1), 1000);
    const offset = Math.max(Math.trunc(query.offset ?? 0), 0);
    const rows = this.#db
      .prepare<(string | number)[], PromptRow>(
        `SELECT * FROM local_prompt ${where} ${order} LIMIT ${limit} OFFSET ${offset}`,
      )
      .all(...parameters);
    return rows.map(toRecord);
  }
}
