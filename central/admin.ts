/**
 * The admin API (only with --test-admin): drives the simulated clock, pauses generation, raises alerts on demand
 * and switches faults on and off. Tests and demos use it; the real platform has nothing like it.
 */
import { z } from 'zod';
import type { SimClock } from './clock';
import type { District } from './district';
import { ALERT_LEVELS } from './domain';
import type { EventHub } from './events';
import { parseFaultUpdate, type FaultInjector } from './faults';
import { HttpError, json, type JsonReply } from './http';
import { iso } from './lifecycle';
import type { Simulator } from './simulator';
import type { Store } from './store';
import { fieldProblems, isoInstant } from './validation';

export interface AdminContext {
  clock: () => SimClock;
  simulator: Simulator;
  store: Store;
  faults: FaultInjector;
  hub: EventHub;
  district: District;
}

/** The longest single jump: a year of a large district is already minutes of generation. */
const MAX_ADVANCE_SECONDS = 120 * 86_400;

const clockSchema = z
  .strictObject({
    setTo: isoInstant.optional(),
    advanceBySeconds: z.number().min(0).max(MAX_ADVANCE_SECONDS).optional(),
    frozen: z.boolean().optional(),
  })
  .refine((body) => body.setTo === undefined || body.advanceBySeconds === undefined, {
    message: 'give setTo or advanceBySeconds, not both',
  });

const generationSchema = z.strictObject({ paused: z.boolean() });

const injectAlertSchema = z.strictObject({
  sceneId: z.string().min(1).optional(),
  level: z.enum(ALERT_LEVELS).optional(),
  nonStandard: z.boolean().optional(),
  dispatch: z.enum(['normal', 'never']).optional(),
});

export function handleAdmin(admin: AdminContext, action: string, body: unknown): JsonReply {
  switch (action) {
    case 'GET /state':
      return json(200, {
        clock: clockState(admin),
        faults: { settings: admin.faults.settings, fired: admin.faults.fired },
        feed: {
          head: admin.store.head,
          purgeHorizon: admin.store.purgeHorizon,
          entities: admin.store.countByKind(),
        },
        eventStreams: admin.hub.size,
      });
    case 'POST /clock': {
      const request = parse(clockSchema, body);
      const clock = admin.clock();
      if (request.setTo !== undefined) clock.set(Date.parse(request.setTo));
      if (request.advanceBySeconds !== undefined) clock.advance(Math.round(request.advanceBySeconds * 1000));
      if (request.frozen !== undefined) clock.setFrozen(request.frozen);
      // Generation catches up before answering, so the caller can pull the conditions the new time brought.
      if (admin.simulator.advanceTo(clock.now())) admin.hub.poke();
      return json(200, clockState(admin));
    }
    case 'POST /generation': {
      const request = parse(generationSchema, body);
      admin.simulator.setPaused(request.paused, admin.clock().now());
      admin.hub.poke();
      return json(200, clockState(admin));
    }
    case 'GET /faults':
      return json(200, { settings: admin.faults.settings, fired: admin.faults.fired });
    case 'PUT /faults': {
      const update = parseFaultUpdate(body);
      if (!update.ok) throw new HttpError(400, 'VALIDATION_FAILED', update.message);
      admin.faults.update(update.update);
      return json(200, { settings: admin.faults.settings, fired: admin.faults.fired });
    }
    case 'DELETE /faults':
      admin.faults.reset();
      return json(200, { settings: admin.faults.settings, fired: admin.faults.fired });
    case 'POST /alerts': {
      const request = parse(injectAlertSchema, body);
      if (request.sceneId !== undefined && !admin.district.sceneById.has(request.sceneId)) {
        throw new HttpError(400, 'VALIDATION_FAILED', `sceneId: no scene ${request.sceneId}`, [
          { field: 'sceneId', problem: `no scene ${request.sceneId}` },
        ]);
      }
      const clock = admin.clock();
      admin.simulator.advanceTo(clock.now());
      const alert = admin.simulator.injectAlert(clock.now(), request);
      admin.hub.poke();
      return json(200, { alert });
    }
    default:
      throw new HttpError(404, 'NOT_FOUND', `no admin action ${action}`);
  }
}

function clockState(admin: AdminContext): object {
  const clock = admin.clock();
  return {
    serverTime: iso(clock.now()),
    simulatedThrough: iso(admin.simulator.simulatedThrough),
    frozen: clock.frozen,
    generationPaused: admin.simulator.paused,
  };
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const details = fieldProblems(result.error);
    throw new HttpError(
      400,
      'VALIDATION_FAILED',
      details.map((detail) => `${detail.field}: ${detail.problem}`).join('; '),
      details,
    );
  }
  return result.data;
}
