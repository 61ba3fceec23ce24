/**
 * A prompt raised here and issued to the central platform follows the platform's record of it (`work_prompt`,
 * the same id), so that this workstation's queue never shows a step the platform does not have:
 * - the recipient acknowledges or resolves it on the platform: the local prompt takes that step too (and a
 *   resolved one leaves the open queue);
 * - the platform rejects an action of ours on it: the outbox withdraws the action's effect from the document
 *   (sync/outbox.ts), and the local prompt goes back with it. An issue rejected leaves no document at all: the
 *   prompt is raised again, so the operator can issue it again after editing, or dismiss it.
 * The document already has this workstation's pending actions folded over it, so an action not yet confirmed
 * is never undone here.
 *
 * Left alone: prompts closed here by the rules (condition cleared, escalated, ...) or dismissed before they
 * were ever issued, which the platform's record no longer decides; and a resolved prompt whose reopening
 * would stand beside a newer open prompt of the same rule and subject (the newer one supersedes it).
 *
 * Which prompts to look at comes from `local_prompt_follow`, which triggers on work_prompt fill in the
 * writer's transaction (m005); the tick drains it.
 */
import type Database from 'better-sqlite3';
import type { RuleId } from './config';
import type { PromptLifecycle, PromptStore, WorkPromptRecord } from './prompt-store';

/** The queries of a follow pass; prompt-follow.test.ts checks their plans. */
export const PROMPT_FOLLOW_SQL = {
  queued: 'SELECT prompt_id AS id FROM local_prompt_follow',
  dequeue: 'DELETE FROM local_prompt_follow WHERE prompt_id = ?',
  platform: 'SELECT status, data FROM work_prompt WHERE id = ?',
  latestIssue: `SELECT state FROM outbox INDEXED BY outbox_issue_by_prompt
                 WHERE name = 'issueWorkPrompt' AND json_extract(args, '$.promptId') = ?
                 ORDER BY seq DESC LIMIT 1`,
  otherOpen: `SELECT 1 AS found FROM local_prompt
               WHERE rule = ? AND subject_entity = ? AND subject_id = ? AND state <> 'resolved' AND id <> ?`,
} as const;

/** The platform's record of a work prompt, as far as the local prompt follows it (its steps' fields). */
export type PlatformPrompt = Omit<PromptLifecycle, 'state' | 'resolutionKind'> & {
  status: 'issued' | 'acknowledged' | 'resolved';
};

const PLATFORM_STATUSES: ReadonlySet<string> = new Set(['issued', 'acknowledged', 'resolved']);

function platformPromptOf(status: string, data: string): PlatformPrompt | null {
  if (!PLATFORM_STATUSES.has(status)) return null;
  let document: Record<string, unknown>;
  try {
    const parsed = JSON.parse(data) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return null;
    document = parsed as Record<string, unknown>;
  } catch {
    return null;
  }
  const text = (field: string): string | null => {
    const value = document[field];
    return typeof value === 'string' ? value : null;
  };
  const instant = (field: string): number | null => {
    const ms = Date.parse(text(field) ?? '');
    return Number.isFinite(ms) ? ms : null;
  };
  return {
    status: status as PlatformPrompt['status'],
    issuedAt: instant('issuedAt'),
    issuedBy: text('issuedBy'),
    acknowledgedAt: instant('acknowledgedAt'),
    acknowledgedBy: text('acknowledgedBy'),
    acknowledgementNote: text('acknowledgementNote'),
    resolvedAt: instant('resolvedAt'),
    resolvedBy: text('resolvedBy'),
    resolution: text('resolution'),
  };
}

const NO_ACKNOWLEDGEMENT = { acknowledgedAt: null, acknowledgedBy: null, acknowledgementNote: null } as const;
const NO_RESOLUTION = { resolvedAt: null, resolvedBy: null, resolutionKind: null, resolution: null } as const;
const NOT_ISSUED = { issuedAt: null, issuedBy: null, ...NO_ACKNOWLEDGEMENT, ...NO_RESOLUTION } as const;

/**
 * The local prompt's lifecycle once it follows the platform (`withdrawn`: the platform has no such prompt
 * because it rejected the issue). The steps the local prompt keeps keep its own record of them (its own
 * operator and instant); the steps it takes from the platform take the platform's.
 */
export function followedLifecycle(
  local: WorkPromptRecord,
  platform: PlatformPrompt | 'withdrawn',
  at: number,
): PromptLifecycle {
  if (platform === 'withdrawn') return { state: 'raised', ...NOT_ISSUED };
  const state = platform.status;
  // What this workstation recorded of the steps it took (a raised prompt has taken none).
  const own = local.state === 'raised' ? NOT_ISSUED : local;
  // An acknowledgement taken here keeps its own record; otherwise the platform's, if it has one.
  const acknowledged = own.acknowledgedAt !== null ? own : platform;
  const acknowledgement =
    state === 'issued'
      ? NO_ACKNOWLEDGEMENT
      : {
          acknowledgedAt: acknowledged.acknowledgedAt ?? (state === 'acknowledged' ? at : null),
          acknowledgedBy: acknowledged.acknowledgedBy,
          acknowledgementNote: acknowledged.acknowledgementNote,
        };
  const resolution =
    state === 'resolved'
      ? {
          resolvedAt: platform.resolvedAt ?? at,
          resolvedBy: platform.resolvedBy,
          resolutionKind: 'operator' as const,
          resolution: platform.resolution,
        }
      : NO_RESOLUTION;
  return {
    state,
    issuedAt: own.issuedAt ?? platform.issuedAt ?? at,
    issuedBy: own.issuedBy ?? platform.issuedBy,
    ...acknowledgement,
    ...resolution,
  };
}

/** Whether the platform's record still decides the local prompt (see the module's comment). */
function followsPlatform(local: WorkPromptRecord): boolean {
  return local.state !== 'resolved' || (local.resolutionKind === 'operator' && local.issuedAt !== null);
}

export interface PromptFollower {
  /**
   * Takes every noted prompt to the platform's record of it, inside the caller's transaction. Calls
   * `openChanged` with the rule of each prompt that left or re-entered the open queue. Returns how many
   * prompts moved.
   */
  follow(at: number, openChanged: (rule: RuleId) => void): number;
}

export function createPromptFollower(db: Database.Database, store: PromptStore): PromptFollower {
  const sql = {
    queued: db.prepare<[], { id: string }>(PROMPT_FOLLOW_SQL.queued),
    dequeue: db.prepare<[string]>(PROMPT_FOLLOW_SQL.dequeue),
    platform: db.prepare<[string], { status: string; data: string }>(PROMPT_FOLLOW_SQL.platform),
    latestIssue: db.prepare<[string], { state: string }>(PROMPT_FOLLOW_SQL.latestIssue),
    otherOpen: db.prepare<[string, string, string, string], { found: number }>(PROMPT_FOLLOW_SQL.otherOpen),
  };

  /** What the local prompt should follow: the platform's record, its withdrawal, or nothing (null). */
  function targetOf(local: WorkPromptRecord): PlatformPrompt | 'withdrawn' | null {
    const row = sql.platform.get(local.id);
    if (row) return platformPromptOf(row.status, row.data);
    // No document: either the platform rejected the issue (the outbox withdrew its effect), or it applied
    // it and the document is on its way again (a full resync dropped it); only the first moves the prompt.
    const issue = sql.latestIssue.get(local.id);
    return issue?.state === 'rejected' || issue?.state === 'discarded' ? 'withdrawn' : null;
  }

  return {
    follow(at, openChanged) {
      let moved = 0;
      for (const { id } of sql.queued.all()) {
        sql.dequeue.run(id);
        const local = store.get(id);
        if (!local || !followsPlatform(local)) continue;
        const target = targetOf(local);
        if (target === null) continue;
        const lifecycle = followedLifecycle(local, target, at);
        if (lifecycle.state === local.state) continue;
        const reopens = local.state === 'resolved';
        if (
          reopens &&
          sql.otherOpen.get(local.rule, local.subject.entity, local.subject.id, local.id) !== undefined
        ) {
          continue;
        }
        store.follow(id, lifecycle, at, {
          from: local.state,
          to: lifecycle.state,
          cause: target === 'withdrawn' ? 'issueRejected' : 'platform',
        });
        moved += 1;
        if (reopens || lifecycle.state === 'resolved') openChanged(local.rule);
      }
      return moved;
    },
  };
}
