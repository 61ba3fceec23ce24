/**
 * Runs the engine: a tick every few seconds (condition rules, and any calendar duty that fell due while the
 * machine slept), plus node-cron tasks that wake it exactly when a calendar duty falls due in the platform's time
 * zone, whatever zone the machine is set to. node-cron reads the machine's clock while the engine judges by the
 * platform's clock; the two differ by the measured offset at most, and the next tick settles any difference.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger';
import { cronExpressionFor } from './calendar';
import { CALENDAR_RULE_IDS, type RulesConfig } from './config';
import type { RulesEngine, TickReport } from './engine';

export const DEFAULT_TICK_INTERVAL_MS = 5_000;

export interface RulesScheduleOptions {
  tickIntervalMs?: number;
  logger: Logger;
  /** Called after each tick (for example to push fresh queue counts to the renderer). */
  onTick?: (report: TickReport) => void;
  /** Monotonic clock, to notice that the machine slept (injectable for tests). */
  monoNow?: () => number;
}

export interface RulesSchedule {
  /** The cron tasks, one per enabled calendar rule (for inspection). */
  readonly cronTasks: ReadonlyMap<string, ScheduledTask>;
  /** Ticks now (new data arrived), as the schedule ticks: a failure is logged, never thrown at the caller. */
  tickNow(trigger: string): void;
  stop(): void;
}

/** Starts ticking now (catching up on whatever fell due while the app was closed) and on every interval. */
export function startRulesSchedule(
  engine: Pick<RulesEngine, 'tick'>,
  config: RulesConfig,
  options: RulesScheduleOptions,
): RulesSchedule {
  const { logger } = options;
  const interval = options.tickIntervalMs ?? DEFAULT_TICK_INTERVAL_MS;
  const monoNow = options.monoNow ?? (() => performance.now());
  let lastTickMono = monoNow();
  let catchUp: NodeJS.Timeout | null = null;
  let stopped = false;

  const runTick = (trigger: string): void => {
    const mono = monoNow();
    // A gap much longer than the interval means the machine slept (or the process was stopped): say so, since
    // the prompts raised now are catch-ups.
    if (trigger === 'interval' && mono - lastTickMono > interval * 3) {
      logger.info(
        `rules: resumed after ${Math.round((mono - lastTickMono) / 1000)} s without ticking; catching up`,
      );
    }
    lastTickMono = mono;
    try {
      const report = engine.tick();
      options.onTick?.(report);
      // Work left over by the tick budget (after a large initial sync): carry on as soon as the event loop has
      // served whatever waited, rather than an interval later.
      if (report.backlog && catchUp === null && !stopped) {
        catchUp = setTimeout(() => {
          catchUp = null;
          runTick('backlog');
        }, 0);
        catchUp.unref();
      }
    } catch (error) {
      logger.error(`rules: tick (${trigger}) failed`, error);
    }
  };

  const cronTasks = new Map<string, ScheduledTask>();
  for (const ruleId of CALENDAR_RULE_IDS) {
    if (!config.rules[ruleId].enabled) continue;
    const task = cron.createTask(cronExpressionFor(config, ruleId), () => runTick(`cron:${ruleId}`), {
      name: `dutydesk-rules-${ruleId}`,
      timezone: config.timeZone,
      noOverlap: true,
      // A missed cron run needs no warning of node-cron's: the interval tick catches it up.
      suppressMissedWarning: true,
      unref: true,
    });
    void task.start();
    cronTasks.set(ruleId, task);
  }

  runTick('start');
  const timer = setInterval(() => runTick('interval'), interval);
  timer.unref();

  return {
    cronTasks,
    tickNow: (trigger) => {
      if (!stopped) runTick(trigger);
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      if (catchUp !== null) clearTimeout(catchUp);
      for (const task of cronTasks.values()) void task.destroy();
      cronTasks.clear();
    },
  };
}
