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
/**
 * How long a step of a tick takes up work before it leaves the rest to the next tick (engine.ts): a request to the
 * bridge that arrives meanwhile waits about this long, plus what a step must do whatever its size (a full pass of
 * the rules over the open alerts, 10-20 ms with a million-alert history).
 */
export const DEFAULT_STEP_SLICE_MS = 20;

export interface RulesScheduleOptions {
  tickIntervalMs?: number;
  logger: Logger;
  /** Called after each tick (for example to push fresh queue counts to the renderer). */
  onTick?: (report: TickReport) => void;
  /** Monotonic clock, to notice that the machine slept (injectable for tests). */
  monoNow?: () => number;
  /**
   * Runs a step of a tick when it may write: the core's write gate, which waits, without blocking the thread,
   * until the sync worker is between pages (db/write-gate.ts). Without it, a step runs at once.
   */
  whenWritable?: <T>(step: () => T) => Promise<T>;
  /** DEFAULT_STEP_SLICE_MS unless given. */
  stepSliceMs?: number;
}

export interface RulesSchedule {
  /** The cron tasks, one per enabled calendar rule (for inspection). */
  readonly cronTasks: ReadonlyMap<string, ScheduledTask>;
  /**
   * Ticks now (new data arrived), as the schedule ticks: a failure is logged, never thrown at the caller. A tick
   * asked for while one runs follows it.
   */
  tickNow(trigger: string): void;
  stop(): void;
}

/**
 * Lets whatever waits on the event loop (the bridge's requests) run before the next step. Two hops: a request
 * that arrived while a step ran is read in the loop's next poll phase, and an immediate set from a callback of
 * this turn's poll phase runs before that, in this turn's check phase; one set from the check phase runs only
 * after the next poll.
 */
const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

/**
 * Starts ticking now (catching up on whatever fell due while the app was closed) and on every interval. A tick
 * runs in steps, each after the event loop has served what waited, so that a long one (the backlog after a large
 * sync) does not hold up the bridge; one tick runs at a time.
 */
export function startRulesSchedule(
  engine: Pick<RulesEngine, 'startTick'>,
  config: RulesConfig,
  options: RulesScheduleOptions,
): RulesSchedule {
  const { logger } = options;
  const interval = options.tickIntervalMs ?? DEFAULT_TICK_INTERVAL_MS;
  const monoNow = options.monoNow ?? (() => performance.now());
  const whenWritable = options.whenWritable ?? (<T>(step: () => T): Promise<T> => Promise.resolve(step()));
  let lastTickMono = monoNow();
  let catchUp: NodeJS.Timeout | null = null;
  let ticking = false;
  /** What asked for a tick while one ran: it follows that one. */
  let askedWhileTicking: string | null = null;
  let stopped = false;

  const tickInSteps = async (trigger: string): Promise<void> => {
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
      const run = engine.startTick({ sliceMs: options.stepSliceMs ?? DEFAULT_STEP_SLICE_MS });
      let report: TickReport | null = null;
      while (report === null) {
        await yieldToEventLoop();
        // Not once stopped, though: the cache may be closed by the time the step may write.
        const stepped = await whenWritable(() => (stopped ? undefined : run.step()));
        if (stepped === undefined) return;
        report = stepped;
      }
      // What the last step held up goes first, again: the counts onTick reads take a few milliseconds more.
      await yieldToEventLoop();
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

  const runTick = (trigger: string): void => {
    if (stopped) return;
    if (ticking) {
      askedWhileTicking ??= trigger;
      return;
    }
    ticking = true;
    void tickInSteps(trigger).finally(() => {
      ticking = false;
      const next = askedWhileTicking;
      askedWhileTicking = null;
      if (next !== null) runTick(next);
    });
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
    tickNow: runTick,
    stop() {
      stopped = true;
      clearInterval(timer);
      if (catchUp !== null) clearTimeout(catchUp);
      for (const task of cronTasks.values()) void task.destroy();
      cronTasks.clear();
    },
  };
}
