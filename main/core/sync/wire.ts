/**
 * The central API's change feed as the client checks it (central/openapi.yaml is the source of truth).
 *
 * Every change is validated before anything is written. Each entity's schema checks strictly the fields
 * the cache copies into columns (what queues and rules filter and sort on) and the fields the UI relies
 * on; the rest of the document is kept as received in `data`. A failure names the entity, its id and
 * the field.
 */
import { z } from 'zod';

const isoInstant = z.iso.datetime({ offset: true });
const nullableInstant = isoInstant.nullable();
const id = z.string().min(1).max(200);
const subject = z.object({ entity: z.string().min(1).max(40), id });

const entitySchemas = {
  scene: z.looseObject({
    name: z.string(),
    kind: z.enum(['scene', 'subplatform', 'regional']),
    category: z.string().min(1),
    lastAlertAt: nullableInstant,
    sync: z.looseObject({ rate: z.number().min(0).max(1).nullable() }),
  }),
  device: z.looseObject({
    sceneId: id,
    status: z.enum(['online', 'offline']),
    offlineSince: nullableInstant,
    infoError: z.looseObject({ field: z.string() }).nullable(),
  }),
  alert: z.looseObject({
    sceneId: id,
    deviceId: id.nullable(),
    category: z.string().min(1),
    level: z.enum(['blue', 'yellow', 'orange', 'red']),
    status: z.enum(['pending', 'dispatched', 'handling', 'closed']),
    occurredAt: isoInstant,
    reportedAt: isoInstant,
    handler: z.looseObject({ name: z.string() }).nullable(),
    dispatchedAt: nullableInstant,
    deadlineAt: isoInstant,
    closedAt: nullableInstant,
    loop: z.enum(['enterprise', 'sector', 'major']),
    majorLoopKind: z.enum(['emergency', 'risk']).nullable(),
    verifiedAt: nullableInstant,
    elementIssues: z.array(z.looseObject({ key: z.string() })),
  }),
  workOrder: z.looseObject({
    alertId: id,
    status: z.string().min(1),
    deadlineAt: isoInstant,
    closedAt: nullableInstant,
  }),
  workPrompt: z.looseObject({
    rule: z.string().min(1),
    subject,
    status: z.enum(['issued', 'acknowledged', 'resolved']),
    dueAt: isoInstant,
  }),
  timelineEntry: z.looseObject({ subject, at: isoInstant }),
  commandManual: z.looseObject({ sceneId: id, level: z.enum(['blue', 'yellow', 'orange', 'red']) }),
  keyPeriod: z.looseObject({ startsAt: isoInstant, endsAt: isoInstant }),
  operator: z.looseObject({ name: z.string(), role: z.enum(['operator', 'shiftLead']) }),
  claim: z.looseObject({ subject, operatorId: id, expiresAt: isoInstant }),
  handover: z.looseObject({ recordedAt: isoInstant }),
} as const;

export type EntityName = keyof typeof entitySchemas;
export const entityNames = Object.keys(entitySchemas) as EntityName[];
export type EntityDocument<E extends EntityName> = z.output<(typeof entitySchemas)[E]> & {
  id: string;
  version: number;
};

const changeEnvelope = z.object({
  entity: z.string(),
  op: z.enum(['upsert', 'delete']),
  id,
  version: z.int().min(0),
  data: z.unknown(),
});

const pageEnvelope = z.object({
  changes: z.array(z.unknown()),
  cursor: z.string().min(1).max(1000),
  hasMore: z.boolean(),
  phase: z.enum(['open', 'history', 'live']).optional(),
  serverTime: isoInstant,
});

export type ValidChange =
  | {
      [E in EntityName]: {
        entity: E;
        op: 'upsert';
        id: string;
        version: number;
        document: EntityDocument<E>;
      };
    }[EntityName]
  | { entity: EntityName; op: 'delete'; id: string; version: number };

export interface ValidPage {
  changes: ValidChange[];
  cursor: string;
  hasMore: boolean;
  phase: 'open' | 'history' | 'live';
  serverTimeMs: number;
}

export class PageRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PageRejected';
  }
}

function pathOf(issue: z.core.$ZodIssue): string {
  return issue.path
    .map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`))
    .join('');
}

function isEntityName(value: string): value is EntityName {
  return Object.hasOwn(entitySchemas, value);
}

/** Validates a parsed page; throws PageRejected naming the entity, id and field of the first fault. */
export function validatePage(body: unknown): ValidPage {
  const envelope = pageEnvelope.safeParse(body);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    throw new PageRejected(
      `the page is malformed at ${issue ? pathOf(issue) || '(root)' : '(root)'}: ${issue?.message ?? ''}`,
    );
  }
  const changes: ValidChange[] = [];
  envelope.data.changes.forEach((raw, index) => {
    const change = changeEnvelope.safeParse(raw);
    if (!change.success) {
      const issue = change.error.issues[0];
      throw new PageRejected(
        `change [${index}] is malformed at ${issue ? pathOf(issue) : ''}: ${issue?.message ?? ''}`,
      );
    }
    const { entity, op, id: entityId, version, data } = change.data;
    if (!isEntityName(entity))
      throw new PageRejected(`change [${index}] (${entity} ${entityId}): unknown entity "${entity}"`);
    if (op === 'delete') {
      changes.push({ entity, op, id: entityId, version });
      return;
    }
    const document = entitySchemas[entity].safeParse(data);
    if (!document.success) {
      const issue = document.error.issues[0];
      throw new PageRejected(
        `${entity} ${entityId}: field ${issue ? pathOf(issue).slice(1) || '(data)' : '(data)'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    changes.push({
      entity,
      op,
      id: entityId,
      version,
      document: { ...document.data, id: entityId, version },
    } as ValidChange);
  });
  return {
    changes,
    cursor: envelope.data.cursor,
    hasMore: envelope.data.hasMore,
    phase: envelope.data.phase ?? 'live',
    serverTimeMs: Date.parse(envelope.data.serverTime),
  };
}
