/**
 * The operator's actions on the work prompts the rules raised on this workstation (`local_prompt`), and how
 * the actions that go to the central platform keep those prompts in step.
 *
 * A prompt the rules raise lives here only until an operator issues it (`issueWorkPrompt`, under the same id):
 * from then on the platform holds a work prompt of that id, and the acknowledgement and resolution go to the
 * platform through the outbox. So that this workstation's queue shows at once what the operator did, the
 * local prompt takes the same step in the same transaction as the outbox entry: either both happen or
 * neither, and a refusal (the prompt is in the wrong state, a text is too long for the local record) leaves
 * nothing behind.
 *
 * Two actions have no counterpart on the platform and stay on this workstation:
 * - snooze: the platform has no snooze; hiding a prompt from this workstation's queue for a while is a local
 *   matter (the rules bring it back when the snooze ends, if its condition still holds);
 * - dismiss: a prompt raised here and never issued is unknown to the platform, so it cannot be acknowledged or
 *   resolved there; closing it here, with the operator's reason, is its resolution.
 * Both are audited by the prompt store (`workPrompt.snoozed`, `workPrompt.resolved` with the operator's id).
 *
 * Every refusal is an ActionRejectedLocally whose message names the field (the bridge answers ACTION_REFUSED).
 */
import type Database from 'better-sqlite3';
import type { RulesActionResult, RulesEngine } from './rules';
import type { WorkPromptRecord } from './rules/prompt-store';
import { ActionRejectedLocally, type Outbox, type OutboxEntry } from './sync/outbox';
import type { ActingOperator, MutationName } from './sync/mutations';

export interface PromptActionDependencies {
  db: Database.Database;
  outbox: Outbox;
  rules: RulesEngine;
}

/** Whether an action is taken for the first time or retried after the platform rejected it. */
type LinkMode = 'submit' | 'retry';

const STATE_WORDS: Record<WorkPromptRecord['state'], string> = {
  raised: 'raised here and not yet issued',
  issued: 'issued',
  acknowledged: 'acknowledged',
  resolved: 'already resolved',
};

/** A rules-engine refusal as the operator's action names its fields. */
function unwrap(
  result: RulesActionResult<WorkPromptRecord>,
  fieldNames: Record<string, string> = {},
): WorkPromptRecord {
  if (result.ok) return result.value;
  const message = result.error.message.replace(/^(\w+):/, (whole, field: string) =>
    Object.hasOwn(fieldNames, field) ? `${fieldNames[field]}:` : whole,
  );
  throw new ActionRejectedLocally(
    result.error.code === 'NOT_FOUND' ? `promptId: ${result.error.message}` : message,
  );
}

function promptIdOf(args: unknown): string | null {
  if (typeof args !== 'object' || args === null) return null;
  const id = (args as { promptId?: unknown }).promptId;
  return typeof id === 'string' ? id : null;
}

function textOf(args: unknown, field: string): string | null {
  const value = (args as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : null;
}

/**
 * Takes the local prompt's step for an action on it, inside the caller's transaction. Prompts the platform
 * issued from elsewhere (not in local_prompt) have nothing to follow. On a retry the local prompt may already
 * have taken the step (it did when the action was first queued): it is then left as it is.
 */
function followLocalPrompt(
  rules: RulesEngine,
  name: MutationName,
  args: unknown,
  operatorId: string,
  mode: LinkMode,
): void {
  if (name !== 'issueWorkPrompt' && name !== 'acknowledgeWorkPrompt' && name !== 'resolveWorkPrompt') return;
  const promptId = promptIdOf(args);
  const prompt = promptId === null ? null : rules.getPrompt(promptId);
  if (prompt === null) return;
  const refuse = (why: string): never => {
    throw new ActionRejectedLocally(`promptId: the work prompt is ${STATE_WORDS[prompt.state]}; ${why}`);
  };

  switch (name) {
    case 'issueWorkPrompt':
      if (prompt.state === 'raised') unwrap(rules.markIssued(prompt.id, operatorId));
      else if (mode === 'submit') refuse('it cannot be issued again');
      return;
    case 'acknowledgeWorkPrompt':
      if (prompt.state === 'issued') {
        unwrap(rules.acknowledge(prompt.id, operatorId, textOf(args, 'note')));
      } else if (prompt.state === 'raised') {
        // The platform does not know the prompt yet: acknowledging it there could only be rejected.
        refuse('issue it first (p), or dismiss it (d)');
      } else if (mode === 'submit') {
        refuse('only an issued prompt is acknowledged');
      }
      return;
    case 'resolveWorkPrompt':
      if (prompt.state === 'issued' || prompt.state === 'acknowledged') {
        unwrap(rules.resolve(prompt.id, operatorId, textOf(args, 'resolution') ?? ''), {
          reason: 'resolution',
        });
      } else if (prompt.state === 'raised') {
        // Unknown to the platform: closing it here is the dismiss action, which says so in the audit.
        refuse('dismiss it (d) instead: the central platform does not know it');
      } else if (mode === 'submit') {
        refuse('it cannot be resolved again');
      }
      return;
  }
}

/** Queues an operator's action in the outbox together with its local prompt's step (one transaction). */
export function queueAction(
  deps: PromptActionDependencies,
  input: { name: MutationName; args: unknown; operator: ActingOperator; at: string; clientId: string },
): OutboxEntry {
  return deps.db
    .transaction(() => {
      const entry = deps.outbox.enqueue(input);
      followLocalPrompt(deps.rules, entry.name, entry.args, input.operator.id, 'submit');
      return entry;
    })
    .immediate();
}

/**
 * Sends a rejected action again with the operator's edited arguments (the outbox audits `outbox.retry` and
 * the new entry's `action.<name>`), with its local prompt's step when the prompt has not taken it yet.
 */
export function retryAction(
  deps: PromptActionDependencies,
  input: { mutationId: string; args: unknown; operator: ActingOperator; at: string; clientId: string },
): OutboxEntry {
  return deps.db
    .transaction(() => {
      const entry = deps.outbox.retryEdited(
        input.mutationId,
        input.args,
        input.operator,
        input.at,
        input.clientId,
      );
      followLocalPrompt(deps.rules, entry.name, entry.args, input.operator.id, 'retry');
      return entry;
    })
    .immediate();
}

function requireOpenLocalPrompt(rules: RulesEngine, promptId: string): WorkPromptRecord {
  const prompt = rules.getPrompt(promptId);
  if (prompt === null) {
    throw new ActionRejectedLocally(`promptId: no work prompt ${promptId} was raised on this workstation`);
  }
  if (prompt.state === 'resolved') {
    throw new ActionRejectedLocally(`promptId: the work prompt ${promptId} is already resolved`);
  }
  return prompt;
}

/**
 * Hides an open prompt of this workstation until `until` (server clock), with the operator's reason; the rules
 * bring it back then if its condition still holds. The end must be in the future and within the rules'
 * longest snooze.
 */
export function snoozePrompt(
  rules: RulesEngine,
  input: { promptId: string; until: string; reason: string },
  operatorId: string,
  nowMs: number,
): WorkPromptRecord {
  const prompt = requireOpenLocalPrompt(rules, input.promptId);
  const untilMs = Date.parse(input.until);
  if (!Number.isFinite(untilMs)) throw new ActionRejectedLocally('until: must be a date and time');
  if (untilMs <= nowMs) {
    throw new ActionRejectedLocally(
      `until: must be later than the server's time now (${new Date(nowMs).toISOString()})`,
    );
  }
  return unwrap(rules.snooze(prompt.id, input.reason, untilMs, operatorId), { untilMs: 'until' });
}

/**
 * Closes a prompt raised here and never issued, with the operator's reason (the rules will not raise it again
 * for the same episode and stage). An issued prompt is known to the platform: it is resolved there (r).
 */
export function dismissPrompt(
  rules: RulesEngine,
  input: { promptId: string; reason: string },
  operatorId: string,
): WorkPromptRecord {
  const prompt = requireOpenLocalPrompt(rules, input.promptId);
  if (prompt.state !== 'raised') {
    throw new ActionRejectedLocally(
      `promptId: the work prompt ${prompt.id} is ${STATE_WORDS[prompt.state]}: the central platform knows it, so resolve it (r) instead`,
    );
  }
  return unwrap(rules.resolve(prompt.id, operatorId, input.reason));
}
