/**
 * POST /mutations: operators' actions from DutyDesk workstations.
 *
 * Each mutation has a client-generated id and a per-client sequence number. The server processes a client's
 * mutations strictly in sequence order, each in its own transaction together with the record of its outcome, so:
 * - an id seen before answers `duplicate` with the first outcome and changes nothing (a retry after a lost
 *   response is safe);
 * - the next expected seq is processed: `applied`, or `rejected` with a code (either way the seq is consumed);
 * - a seq beyond the next expected one (a gap, or mutations arriving out of order) is `rejected` with
 *   SEQUENCE_GAP and `expectedSeq`, and nothing of it is kept: the client resends from `expectedSeq`, in order;
 * - a seq already consumed by a different id is `rejected` with SEQUENCE_REUSED (a client bug or a restored
 *   database: the client should start a new clientId).
 * openapi.yaml documents the same rules for the platform's implementers.
 */
import { z } from 'zod';
import type { District, OperatorProfile } from './district';
import {
  MAJOR_LOOP_KINDS,
  MUTATION_NAMES,
  RECIPIENT_ROLES,
  SUBJECT_KINDS,
  WORK_PROMPT_RULES,
  type MutationName,
  type MutationRejectionCode,
  type MutationStatus,
} from './domain';
import type {
  AlertData,
  ClaimData,
  HandoverData,
  Subject,
  TimelineEntryData,
  Unversioned,
  WorkOrderData,
  WorkPromptData,
} from './entities';
import { iso, majorLoopEntry, startMajorLoopOn } from './lifecycle';
import type { Store } from './store';
import { boundedText, clientIdentifier, describeProblems, fieldProblems, isoInstant } from './validation';

/** How long a claim holds an item for one workstation without being renewed (simulated time). */
export const CLAIM_LEASE_MS = 30 * 60_000;

const subjectSchema = z.strictObject({ entity: z.enum(SUBJECT_KINDS), id: z.string().min(1).max(100) });

const argumentSchemas = {
  verifyAlert: z.strictObject({
    alertId: z.string().min(1),
    significant: z.boolean(),
    assessment: boundedText(2000),
  }),
  startMajorLoop: z.strictObject({
    alertId: z.string().min(1),
    kind: z.enum(MAJOR_LOOP_KINDS),
    summary: boundedText(2000),
  }),
  issueWorkPrompt: z.strictObject({
    promptId: clientIdentifier,
    rule: z.enum(WORK_PROMPT_RULES),
    subject: subjectSchema,
    recipientRole: z.enum(RECIPIENT_ROLES),
    message: boundedText(2000),
    dueAt: isoInstant,
  }),
  acknowledgeWorkPrompt: z.strictObject({ promptId: clientIdentifier, note: boundedText(2000).optional() }),
  resolveWorkPrompt: z.strictObject({ promptId: clientIdentifier, resolution: boundedText(2000) }),
  addNote: z.strictObject({ noteId: clientIdentifier, subject: subjectSchema, text: boundedText(4000) }),
  claimItem: z.strictObject({ subject: subjectSchema }),
  releaseItem: z.strictObject({ subject: subjectSchema }),
  recordHandover: z.strictObject({
    handoverId: clientIdentifier,
    shiftStartedAt: isoInstant,
    shiftEndedAt: isoInstant,
    toOperatorId: z.string().min(1).max(100).nullable(),
    summary: boundedText(8000),
    openItems: z.array(z.strictObject({ subject: subjectSchema, note: z.string().max(2000) })).max(500),
  }),
} satisfies Record<MutationName, z.ZodType>;

/** The request envelope; each mutation's name, args and createdAt are checked one by one (see processBatch). */
export const mutationRequestSchema = z.strictObject({
  clientId: clientIdentifier,
  mutations: z
    .array(
      z.object({
        id: clientIdentifier,
        seq: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
        name: z.unknown(),
        args: z.unknown(),
        createdAt: z.unknown(),
      }),
    )
    .min(1)
    .max(100),
});
export type MutationRequest = z.infer<typeof mutationRequestSchema>;

export interface MutationOutcome {
  status: Exclude<MutationStatus, 'duplicate'>;
  code?: MutationRejectionCode;
  message?: string;
}

export interface MutationResult {
  id: string;
  seq: number;
  status: MutationStatus;
  code?: MutationRejectionCode;
  message?: string;
  expectedSeq?: number;
  original?: MutationOutcome & { processedAt: string };
}

interface Context {
  store: Store;
  district: District;
  operator: OperatorProfile;
  clientId: string;
  mutationId: string;
  /** When the operator acted, on the server clock: the mutation's createdAt, never later than now. */
  at: string;
  now: number;
}

class Rejection extends Error {
  constructor(
    readonly code: MutationRejectionCode,
    message: string,
  ) {
    super(message);
  }
}

export class MutationProcessor {
  readonly #store: Store;
  readonly #district: District;
  readonly #statements;

  constructor(store: Store, district: District) {
    this.#store = store;
    this.#district = district;
    this.#statements = {
      prior: store.db.prepare(
        'SELECT status, code, message, processed_at AS processedAt FROM mutation WHERE id = ?',
      ),
      lastSeq: store.db.prepare('SELECT last_seq AS lastSeq FROM client WHERE id = ?'),
      bySeq: store.db.prepare('SELECT id FROM mutation WHERE client_id = ? AND seq = ?'),
      record: store.db.prepare(
        'INSERT INTO mutation (id, client_id, seq, name, operator_id, status, code, message, processed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      advance: store.db.prepare(
        'INSERT INTO client (id, last_seq, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at',
      ),
    };
  }

  /** Processes a batch in array order; `now` is the simulated time. */
  processBatch(request: MutationRequest, operator: OperatorProfile, now: number): MutationResult[] {
    return request.mutations.map((mutation) =>
      this.#store.transaction(() => this.#processOne(request.clientId, mutation, operator, now)),
    );
  }

  #processOne(
    clientId: string,
    mutation: MutationRequest['mutations'][number],
    operator: OperatorProfile,
    now: number,
  ): MutationResult {
    const { id, seq } = mutation;
    const prior = this.#statements.prior.get(id) as
      | {
          status: MutationOutcome['status'];
          code: MutationRejectionCode | null;
          message: string | null;
          processedAt: number;
        }
      | undefined;
    if (prior) {
      const original: MutationResult['original'] = {
        status: prior.status,
        processedAt: iso(prior.processedAt),
      };
      if (prior.code) original.code = prior.code;
      if (prior.message) original.message = prior.message;
      return { id, seq, status: 'duplicate', original };
    }
    const lastSeq = (this.#statements.lastSeq.get(clientId) as { lastSeq: number } | undefined)?.lastSeq ?? 0;
    if (seq > lastSeq + 1) {
      return {
        id,
        seq,
        status: 'rejected',
        code: 'SEQUENCE_GAP',
        message: `client ${clientId} is at seq ${lastSeq}; send seq ${lastSeq + 1} first (mutations apply in seq order)`,
        expectedSeq: lastSeq + 1,
      };
    }
    if (seq <= lastSeq) {
      const holder = this.#statements.bySeq.get(clientId, seq) as { id: string } | undefined;
      return {
        id,
        seq,
        status: 'rejected',
        code: 'SEQUENCE_REUSED',
        message: `seq ${seq} of client ${clientId} was already used by mutation ${holder?.id ?? '(unknown)'}; a restored client should use a new clientId`,
        expectedSeq: lastSeq + 1,
      };
    }

    const outcome = this.#apply(clientId, mutation, operator, now);
    this.#statements.record.run(
      id,
      clientId,
      seq,
      typeof mutation.name === 'string' ? mutation.name.slice(0, 100) : '(invalid)',
      operator.id,
      outcome.status,
      outcome.code ?? null,
      outcome.message ?? null,
      now,
    );
    this.#statements.advance.run(clientId, seq, now);
    return { id, seq, ...outcome };
  }

  #apply(
    clientId: string,
    mutation: MutationRequest['mutations'][number],
    operator: OperatorProfile,
    now: number,
  ): MutationOutcome {
    const name = z.enum(MUTATION_NAMES).safeParse(mutation.name);
    if (!name.success) {
      return {
        status: 'rejected',
        code: 'UNKNOWN_MUTATION',
        message: `name: expected one of ${MUTATION_NAMES.join(', ')}, got ${mutation.name === undefined ? 'nothing' : JSON.stringify(mutation.name)}`,
      };
    }
    const createdAt = isoInstant.safeParse(mutation.createdAt);
    if (!createdAt.success) {
      return {
        status: 'rejected',
        code: 'VALIDATION_FAILED',
        message: describeProblems(fieldProblems(createdAt.error, 'createdAt')),
      };
    }
    const args = argumentSchemas[name.data].safeParse(mutation.args);
    if (!args.success) {
      return {
        status: 'rejected',
        code: 'VALIDATION_FAILED',
        message: describeProblems(fieldProblems(args.error, 'args')),
      };
    }
    const context: Context = {
      store: this.#store,
      district: this.#district,
      operator,
      clientId,
      mutationId: mutation.id,
      at: iso(Math.min(Date.parse(createdAt.data), now)),
      now,
    };
    // A savepoint lets a rejection discard half-made writes while the outcome itself is still recorded.
    const savepoint = this.#store.db.transaction(() => HANDLERS[name.data](args.data as never, context));
    try {
      savepoint();
      return { status: 'applied' };
    } catch (error) {
      if (error instanceof Rejection) return { status: 'rejected', code: error.code, message: error.message };
      throw error;
    }
  }
}

type Handlers = {
  [N in MutationName]: (args: z.infer<(typeof argumentSchemas)[N]>, context: Context) => void;
};

const HANDLERS: Handlers = {
  verifyAlert(args, context) {
    const alert = requireAlert(context, args.alertId);
    if (alert.verifiedAt) {
      throw new Rejection(
        'INVALID_STATE',
        `alert ${alert.id} was already verified by ${alert.verifiedBy ?? '?'} at ${alert.verifiedAt}`,
      );
    }
    alert.verifiedAt = context.at;
    alert.verifiedBy = context.operator.id;
    alert.verification = { significant: args.significant, assessment: args.assessment };
    writeAlert(context, alert);
    addTimeline(
      context,
      {
        id: `${alert.id}-verify`,
        subject: { entity: 'alert', id: alert.id },
        kind: 'verification',
        at: context.at,
        actor: operatorActor(context),
        text: `核实：${args.assessment}${args.significant ? '（构成较大风险）' : ''}`,
      },
      alert.status !== 'closed',
    );
  },

  startMajorLoop(args, context) {
    const alert = requireAlert(context, args.alertId);
    if (alert.status === 'closed')
      throw new Rejection('INVALID_STATE', `alert ${alert.id} was closed at ${alert.closedAt ?? '?'}`);
    if (alert.majorLoopKind) {
      throw new Rejection(
        'INVALID_STATE',
        `alert ${alert.id} is already in a ${alert.majorLoopKind} major loop since ${alert.majorLoopStartedAt ?? '?'}`,
      );
    }
    if (alert.verification?.significant !== true) {
      throw new Rejection(
        'INVALID_STATE',
        `alert ${alert.id} must first be verified as significant (verifyAlert with significant: true) before a major loop starts`,
      );
    }
    startMajorLoopOn(alert, args.kind, args.summary, context.at);
    writeAlert(context, alert);
    if (alert.workOrderId) {
      const workOrder = context.store.get<WorkOrderData>('workOrder', alert.workOrderId);
      if (workOrder)
        context.store.put<WorkOrderData>(
          'workOrder',
          { ...workOrder, loop: 'major' },
          workOrder.status !== 'closed',
        );
    }
    addTimeline(
      context,
      majorLoopEntry(alert, args.kind, args.summary, context.at, operatorActor(context)),
      true,
    );
  },

  issueWorkPrompt(args, context) {
    if (context.store.get('workPrompt', args.promptId)) {
      throw new Rejection('ALREADY_EXISTS', `work prompt ${args.promptId} already exists`);
    }
    requireSubject(context, args.subject);
    const prompt: Unversioned<WorkPromptData> = {
      id: args.promptId,
      rule: args.rule,
      subject: args.subject,
      recipientRole: args.recipientRole,
      message: args.message,
      dueAt: new Date(args.dueAt).toISOString(),
      status: 'issued',
      issuedAt: context.at,
      issuedBy: context.operator.id,
      acknowledgedAt: null,
      acknowledgedBy: null,
      acknowledgementNote: null,
      resolvedAt: null,
      resolvedBy: null,
      resolution: null,
    };
    context.store.put<WorkPromptData>('workPrompt', prompt, true);
  },

  acknowledgeWorkPrompt(args, context) {
    const prompt = requirePrompt(context, args.promptId);
    if (prompt.status !== 'issued') {
      throw new Rejection('INVALID_STATE', `work prompt ${prompt.id} is ${prompt.status}, not issued`);
    }
    context.store.put<WorkPromptData>(
      'workPrompt',
      {
        ...prompt,
        status: 'acknowledged',
        acknowledgedAt: context.at,
        acknowledgedBy: context.operator.id,
        acknowledgementNote: args.note ?? null,
      },
      true,
    );
  },

  resolveWorkPrompt(args, context) {
    const prompt = requirePrompt(context, args.promptId);
    if (prompt.status === 'resolved') {
      throw new Rejection(
        'INVALID_STATE',
        `work prompt ${prompt.id} was already resolved at ${prompt.resolvedAt ?? '?'}`,
      );
    }
    context.store.put<WorkPromptData>(
      'workPrompt',
      {
        ...prompt,
        status: 'resolved',
        resolvedAt: context.at,
        resolvedBy: context.operator.id,
        resolution: args.resolution,
      },
      false,
    );
  },

  addNote(args, context) {
    if (context.store.get('timelineEntry', args.noteId)) {
      throw new Rejection('ALREADY_EXISTS', `timeline entry ${args.noteId} already exists`);
    }
    requireSubject(context, args.subject);
    const alert =
      args.subject.entity === 'alert' ? context.store.get<AlertData>('alert', args.subject.id) : undefined;
    addTimeline(
      context,
      {
        id: args.noteId,
        subject: args.subject,
        kind: 'note',
        at: context.at,
        actor: operatorActor(context),
        text: args.text,
      },
      alert ? alert.status !== 'closed' : true,
    );
  },

  claimItem(args, context) {
    requireSubject(context, args.subject);
    const claimId = `${args.subject.entity}:${args.subject.id}`;
    const existing = context.store.get<ClaimData>('claim', claimId);
    if (existing && existing.clientId !== context.clientId && Date.parse(existing.expiresAt) > context.now) {
      throw new Rejection(
        'CLAIMED_ELSEWHERE',
        `${claimId} is being worked by ${existing.operatorName} on workstation ${existing.clientId} until ${existing.expiresAt}`,
      );
    }
    const claim: Unversioned<ClaimData> = {
      id: claimId,
      subject: args.subject,
      operatorId: context.operator.id,
      operatorName: context.operator.name,
      clientId: context.clientId,
      claimedAt: existing && existing.clientId === context.clientId ? existing.claimedAt : iso(context.now),
      expiresAt: iso(context.now + CLAIM_LEASE_MS),
    };
    context.store.put<ClaimData>('claim', claim, true);
  },

  releaseItem(args, context) {
    const claimId = `${args.subject.entity}:${args.subject.id}`;
    const existing = context.store.get<ClaimData>('claim', claimId);
    if (!existing || Date.parse(existing.expiresAt) <= context.now) {
      throw new Rejection('NOT_CLAIMED', `${claimId} is not claimed by anyone`);
    }
    if (existing.clientId !== context.clientId) {
      throw new Rejection(
        'NOT_CLAIMANT',
        `${claimId} is claimed by ${existing.operatorName} on workstation ${existing.clientId}, not by this workstation`,
      );
    }
    context.store.remove('claim', claimId);
  },

  recordHandover(args, context) {
    if (context.store.get('handover', args.handoverId)) {
      throw new Rejection('ALREADY_EXISTS', `handover ${args.handoverId} already exists`);
    }
    if (Date.parse(args.shiftEndedAt) < Date.parse(args.shiftStartedAt)) {
      throw new Rejection('VALIDATION_FAILED', 'args.shiftEndedAt: must not be before args.shiftStartedAt');
    }
    if (
      args.toOperatorId !== null &&
      !context.district.operators.some((operator) => operator.id === args.toOperatorId)
    ) {
      throw new Rejection('NOT_FOUND', `args.toOperatorId: no operator ${args.toOperatorId}`);
    }
    for (const item of args.openItems) requireSubject(context, item.subject);
    const handover: Unversioned<HandoverData> = {
      id: args.handoverId,
      recordedBy: context.operator.id,
      recordedAt: context.at,
      shiftStartedAt: new Date(args.shiftStartedAt).toISOString(),
      shiftEndedAt: new Date(args.shiftEndedAt).toISOString(),
      toOperatorId: args.toOperatorId,
      summary: args.summary,
      openItems: args.openItems,
    };
    context.store.put<HandoverData>('handover', handover, true);
  },
};

function requireAlert(context: Context, alertId: string): AlertData {
  const alert = context.store.get<AlertData>('alert', alertId);
  if (!alert) throw new Rejection('NOT_FOUND', `no alert ${alertId}`);
  return alert;
}

function requirePrompt(context: Context, promptId: string): WorkPromptData {
  const prompt = context.store.get<WorkPromptData>('workPrompt', promptId);
  if (!prompt) throw new Rejection('NOT_FOUND', `no work prompt ${promptId}`);
  return prompt;
}

function requireSubject(context: Context, subject: Subject): void {
  if (subject.entity === 'district') return;
  if (!context.store.get(subject.entity, subject.id)) {
    throw new Rejection('NOT_FOUND', `no ${subject.entity} ${subject.id}`);
  }
}

function writeAlert(context: Context, alert: AlertData): void {
  context.store.put<AlertData>('alert', alert, alert.status !== 'closed');
}

function addTimeline(context: Context, entry: Unversioned<TimelineEntryData>, open: boolean): void {
  context.store.put<TimelineEntryData>('timelineEntry', entry, open);
}

function operatorActor(context: Context): TimelineEntryData['actor'] {
  return { kind: 'operator', name: context.operator.name, operatorId: context.operator.id };
}
