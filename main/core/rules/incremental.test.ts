/**
 * The incremental evaluation of undispatched and overdue-closure (between full passes) must decide exactly what a
 * full pass decides. Two caches receive the same random history of alerts (reported, dispatched, closed, deadlines
 * moved, handlers withdrawn, operators resolving prompts, the clock moving on or set back a little); one engine
 * evaluates them incrementally, the other in full on every tick; after every tick both must hold the same prompts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualClock, type Clock } from '../clock';
import { silentLogger } from '../logger';
import { shippedRulesConfig } from './config';
import { createRulesEngine, DEFAULT_TICK_BUDGET, type RulesEngine } from './engine';
import {
  openTestCache,
  setLastSync,
  upsertAlert,
  upsertScene,
  type AlertInput,
  type TestCache,
} from './test-cache';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 8, 15, 2, 0);

type Operation =
  | { kind: 'report'; minutesAgo: number; handler: boolean; limitHours: number }
  | { kind: 'dispatch' | 'withdrawHandler' | 'close'; pick: number }
  | { kind: 'moveDeadline'; pick: number; hours: number }
  | { kind: 'resolvePrompt'; pick: number }
  | { kind: 'advance'; minutes: number }
  | { kind: 'setBack'; minutes: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    kind: fc.constant('report' as const),
    minutesAgo: fc.integer({ min: 0, max: 4 * 24 * 60 }),
    handler: fc.boolean(),
    limitHours: fc.constantFrom(1, 4, 24, 48),
  }),
  fc.record({
    kind: fc.constantFrom('dispatch' as const, 'withdrawHandler' as const, 'close' as const),
    pick: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('moveDeadline' as const),
    pick: fc.nat(),
    hours: fc.integer({ min: -72, max: 72 }),
  }),
  fc.record({ kind: fc.constant('resolvePrompt' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('advance' as const),
    minutes: fc.oneof(
      fc.integer({ min: 0, max: 10 }),
      fc.integer({ min: 50, max: 70 }),
      fc.integer({ min: 600, max: 3000 }),
    ),
  }),
  fc.record({ kind: fc.constant('setBack' as const), minutes: fc.integer({ min: 1, max: 90 }) }),
);

interface Side {
  cache: TestCache;
  engine: RulesEngine;
}

/** Two caches with one scene: the first evaluates incrementally, the second makes a full pass on every tick. */
function openSides(prefix: string, clock: Clock): Side[] {
  return [Number.POSITIVE_INFINITY, 0].map((fullPassEveryMs) => {
    const cache = openTestCache(prefix);
    cache.db.pragma('synchronous = OFF');
    setLastSync(cache.db, T0);
    upsertScene(cache.db, { id: 'S1', lastAlertAt: T0 });
    const engine = createRulesEngine({
      db: cache.db,
      clock,
      config: shippedRulesConfig(),
      logger: silentLogger,
      fullPassEveryMs,
    });
    return { cache, engine };
  });
}

/** Everything about a prompt that does not depend on its random id. */
function promptsOf(side: Side): string[] {
  return side.cache.db
    .prepare<[], Record<string, unknown>>(
      `SELECT rule, subject_id, episode, stage, state, recipient_role, reason, raised_at, due_at, resolved_at,
              resolution_kind, resolution
         FROM local_prompt ORDER BY rule, subject_id, episode, stage`,
    )
    .all()
    .map((row) => JSON.stringify(row));
}

describe('incremental evaluation', () => {
  it('raises, escalates and resolves exactly what a full pass on every tick does', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 5, maxLength: 40 }), (operations) => {
        const clock = createManualClock(T0);
        const sides = openSides('dutydesk-rules-incremental-', clock);
        const alerts: AlertInput[] = [];
        try {
          for (const side of sides) side.engine.tick();
          operations.forEach((op, step) => {
            const open = alerts.filter((alert) => alert.closedAt === undefined || alert.closedAt === null);
            const target = (pick: number): AlertInput | undefined => open[pick % Math.max(open.length, 1)];
            let change: AlertInput | undefined;
            switch (op.kind) {
              case 'report': {
                const reportedAt = clock.now() - op.minutesAgo * MINUTE;
                change = {
                  id: `A${alerts.length}`,
                  reportedAt,
                  handler: op.handler,
                  handlingLimitHours: op.limitHours,
                  deadlineAt: reportedAt + op.limitHours * HOUR,
                };
                alerts.push(change);
                break;
              }
              case 'dispatch':
              case 'withdrawHandler':
              case 'close': {
                const alert = target(op.pick);
                if (!alert) break;
                if (op.kind === 'close') alert.closedAt = clock.now();
                else alert.handler = op.kind === 'dispatch';
                change = alert;
                break;
              }
              case 'moveDeadline': {
                const alert = target(op.pick);
                if (!alert) break;
                alert.deadlineAt = (alert.deadlineAt ?? alert.reportedAt) + op.hours * HOUR;
                change = alert;
                break;
              }
              case 'resolvePrompt': {
                // The same prompt on both sides: the n-th open one in (rule, subject) order.
                const [first] = sides;
                if (!first) break;
                const openPrompts = first.engine
                  .listPrompts({
                    rules: ['undispatched', 'overdue-closure'],
                    includeSnoozed: true,
                    limit: 1000,
                  })
                  .sort((a, b) => `${a.rule}${a.subject.id}`.localeCompare(`${b.rule}${b.subject.id}`));
                const chosen = openPrompts[op.pick % Math.max(openPrompts.length, 1)];
                if (!chosen) break;
                for (const side of sides) {
                  const same = side.engine
                    .listPrompts({ rules: [chosen.rule], includeSnoozed: true, limit: 1000 })
                    .find((prompt) => prompt.subject.id === chosen.subject.id);
                  if (same) side.engine.resolve(same.id, 'op-1', '已电话督促');
                }
                break;
              }
              case 'advance':
                clock.advance(op.minutes * MINUTE);
                break;
              case 'setBack':
                clock.advance(-op.minutes * MINUTE);
                break;
            }
            for (const side of sides) {
              if (change) upsertAlert(side.cache.db, { ...change, version: step + 2 });
              side.engine.tick();
            }
            const [incremental, full] = sides.map(promptsOf);
            expect(incremental, `after step ${step}: ${JSON.stringify(op)}`).toEqual(full);
          });
        } finally {
          for (const side of sides) side.cache.remove();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('after more changes than a tick takes one by one (a large sync), makes a full pass and forgets them all', () => {
    const clock = createManualClock(T0);
    const sides = openSides('dutydesk-rules-overflow-', clock);
    for (const side of sides) side.engine.tick();
    try {
      for (const side of sides) {
        side.cache.db.transaction(() => {
          // 6,000 alerts reported two hours ago, every third one dispatched: a thousand beyond a tick's 5,000.
          for (let index = 0; index < 6_000; index += 1) {
            const reportedAt = T0 - 2 * HOUR;
            upsertAlert(side.cache.db, {
              id: `A${index}`,
              reportedAt,
              handler: index % 3 === 0,
              handlingLimitHours: 24,
              deadlineAt: reportedAt + 24 * HOUR,
            });
          }
        })();
      }
      const noted = (side: Side): number =>
        (side.cache.db.prepare('SELECT count(*) AS n FROM rule_changed_alert').get() as { n: number }).n;
      const [incremental, full] = sides as [Side, Side];
      expect(noted(incremental)).toBe(6_000);
      for (const side of sides) side.engine.tick();
      expect(noted(incremental)).toBe(0);
      expect(promptsOf(incremental)).toEqual(promptsOf(full));
      // A tick raises a bounded number; the ticks after it work the backlog off, alike on both sides.
      const ticksForAll = Math.ceil(4_000 / DEFAULT_TICK_BUDGET.raisesPerTick);
      for (let tick = 1; tick < ticksForAll; tick += 1) for (const side of sides) side.engine.tick();
      expect(promptsOf(incremental)).toEqual(promptsOf(full));
      // Every undispatched alert of the 6,000 has its prompt: 4,000.
      expect(promptsOf(incremental).filter((row) => row.includes('"undispatched"'))).toHaveLength(4_000);
    } finally {
      for (const side of sides) side.cache.remove();
    }
  });
});
