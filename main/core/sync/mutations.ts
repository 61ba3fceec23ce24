/**
 * The operator actions DutyDesk sends to the central platform (POST /mutations, central/openapi.yaml),
 * and the local effect each one has on the cache while it waits for confirmation.
 *
 * A local effect is a pure function from the server's version of one document to the version the
 * operator should see. Effects are folded over the server's state in outbox order (see LocalEffects),
 * so newly pulled server data never makes a pending action flicker away, and a rejected action's
 * effect disappears cleanly.
 */
import { z } from 'zod';
import type { EntityName } from './wire';

const text = (max: number) => z.string().trim().min(1).max(max);
const clientId = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/);
const subject = z.strictObject({
  entity: z.enum(['alert', 'workOrder', 'workPrompt', 'scene', 'device', 'keyPeriod', 'district']),
  id: z.string().min(1).max(100),
});
const isoInstant = z.iso.datetime({ offset: true });

export const mutationArgSchemas = {
  verifyAlert: z.strictObject({
    alertId: z.string().min(1),
    significant: z.boolean(),
    assessment: text(2000),
  }),
  startMajorLoop: z.strictObject({
    alertId: z.string().min(1),
    kind: z.enum(['emergency', 'risk']),
    summary: text(2000),
  }),
  issueWorkPrompt: z.strictObject({
    promptId: clientId,
    rule: z.string().min(1).max(40),
    subject,
    recipientRole: z.enum(['sceneOperator', 'sceneTechnician', 'sceneHead', 'techOps', 'dutyTeam']),
    message: text(2000),
    dueAt: isoInstant,
  }),
  acknowledgeWorkPrompt: z.strictObject({ promptId: clientId, note: text(2000).optional() }),
  resolveWorkPrompt: z.strictObject({ promptId: clientId, resolution: text(2000) }),
  addNote: z.strictObject({ noteId: clientId, subject, text: text(4000) }),
  claimItem: z.strictObject({ subject }),
  releaseItem: z.strictObject({ subject }),
  recordHandover: z.strictObject({
    handoverId: clientId,
    shiftStartedAt: isoInstant,
    shiftEndedAt: isoInstant,
    toOperatorId: z.string().min(1).max(100).nullable(),
    summary: text(8000),
    openItems: z.array(z.strictObject({ subject, note: z.string().max(2000) })).max(500),
  }),
} as const;

export type MutationName = keyof typeof mutationArgSchemas;
export type MutationArgs<N extends MutationName> = z.output<(typeof mutationArgSchemas)[N]>;
export const mutationNames = Object.keys(mutationArgSchemas) as MutationName[];

export function isMutationName(name: string): name is MutationName {
  return Object.hasOwn(mutationArgSchemas, name);
}

/** Who acted, as the local effect records it (the server records the same from the session). */
export interface ActingOperator {
  id: string;
  name: string;
}

export interface EffectContext {
  operator: ActingOperator;
  /** When the operator acted (ISO, server clock). */
  at: string;
  clientId: string;
}

type Doc = Record<string, unknown>;

/** One document an action touches, and how. `null` in or out means absent. */
export interface DocumentEffect {
  entity: EntityName;
  id: string;
  apply(current: Doc | null): Doc | null;
}

/** Who a major loop of each kind is reported to (regulation art. 6). */
export const MAJOR_LOOP_RECIPIENT = {
  emergency: '区应急管理局应急指挥中心',
  risk: '区应急管理局综合减灾处',
} as const;

/** How long a claim holds an item (the reference server's lease; the server's value wins once pulled). */
const CLAIM_LEASE_MS = 30 * 60_000;

const operatorActor = (context: EffectContext) => ({
  kind: 'operator',
  name: context.operator.name,
  operatorId: context.operator.id,
});

/** Changes fields of a document the cache holds; an absent document stays absent. */
function update(entity: EntityName, id: string, fields: (current: Doc) => Doc): DocumentEffect[] {
  return [{ entity, id, apply: (current) => current && { ...current, ...fields(current) } }];
}

/** Creates a document under the id the server will confirm it with; one already there is kept. */
function create(entity: EntityName, id: string, fields: Doc): DocumentEffect[] {
  return [{ entity, id, apply: (current) => current ?? { id, version: 0, ...fields } }];
}

/** The documents an action changes locally while it waits for the server. */
export function localEffects(name: MutationName, rawArgs: unknown, context: EffectContext): DocumentEffect[] {
  switch (name) {
    case 'verifyAlert': {
      const args = mutationArgSchemas.verifyAlert.parse(rawArgs);
      return update('alert', args.alertId, () => ({
        verifiedAt: context.at,
        verifiedBy: context.operator.id,
        verification: { significant: args.significant, assessment: args.assessment },
      }));
    }
    case 'startMajorLoop': {
      const args = mutationArgSchemas.startMajorLoop.parse(rawArgs);
      return update('alert', args.alertId, () => ({
        loop: 'major',
        majorLoopKind: args.kind,
        majorLoopStartedAt: context.at,
        majorLoopReportedTo: MAJOR_LOOP_RECIPIENT[args.kind],
        majorLoopSummary: args.summary,
      }));
    }
    case 'issueWorkPrompt': {
      const args = mutationArgSchemas.issueWorkPrompt.parse(rawArgs);
      return create('workPrompt', args.promptId, {
        rule: args.rule,
        subject: args.subject,
        recipientRole: args.recipientRole,
        message: args.message,
        dueAt: args.dueAt,
        status: 'issued',
        issuedAt: context.at,
        issuedBy: context.operator.id,
        acknowledgedAt: null,
        acknowledgedBy: null,
        acknowledgementNote: null,
        resolvedAt: null,
        resolvedBy: null,
        resolution: null,
      });
    }
    case 'acknowledgeWorkPrompt': {
      const args = mutationArgSchemas.acknowledgeWorkPrompt.parse(rawArgs);
      return update('workPrompt', args.promptId, (prompt) => ({
        status: prompt.status === 'resolved' ? 'resolved' : 'acknowledged',
        acknowledgedAt: context.at,
        acknowledgedBy: context.operator.id,
        acknowledgementNote: args.note ?? null,
      }));
    }
    case 'resolveWorkPrompt': {
      const args = mutationArgSchemas.resolveWorkPrompt.parse(rawArgs);
      return update('workPrompt', args.promptId, () => ({
        status: 'resolved',
        resolvedAt: context.at,
        resolvedBy: context.operator.id,
        resolution: args.resolution,
      }));
    }
    case 'addNote': {
      const args = mutationArgSchemas.addNote.parse(rawArgs);
      return create('timelineEntry', args.noteId, {
        subject: args.subject,
        kind: 'note',
        at: context.at,
        actor: operatorActor(context),
        text: args.text,
      });
    }
    case 'claimItem': {
      const args = mutationArgSchemas.claimItem.parse(rawArgs);
      const claimId = `${args.subject.entity}:${args.subject.id}`;
      // A claim renews: it replaces this workstation's earlier lease rather than keeping it.
      return [
        {
          entity: 'claim',
          id: claimId,
          apply: (existing) => ({
            ...(existing ?? { version: 0 }),
            id: claimId,
            subject: args.subject,
            operatorId: context.operator.id,
            operatorName: context.operator.name,
            clientId: context.clientId,
            claimedAt: context.at,
            expiresAt: new Date(Date.parse(context.at) + CLAIM_LEASE_MS).toISOString(),
          }),
        },
      ];
    }
    case 'releaseItem': {
      const args = mutationArgSchemas.releaseItem.parse(rawArgs);
      return [{ entity: 'claim', id: `${args.subject.entity}:${args.subject.id}`, apply: () => null }];
    }
    case 'recordHandover': {
      const args = mutationArgSchemas.recordHandover.parse(rawArgs);
      return create('handover', args.handoverId, {
        recordedBy: context.operator.id,
        recordedAt: context.at,
        shiftStartedAt: args.shiftStartedAt,
        shiftEndedAt: args.shiftEndedAt,
        toOperatorId: args.toOperatorId,
        summary: args.summary,
        openItems: args.openItems,
      });
    }
  }
}
