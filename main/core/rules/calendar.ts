/**
 * Calendar rules (November's annual updates, Friday's weekly report, the monthly report before the 5th, the
 * outlook before each key period, the weekly meeting) as pure functions of instants and the configuration.
 * node-cron only wakes the engine at the right wall-clock times (schedule.ts); what is due is decided here, from
 * the last evaluation to now, so an occurrence the machine slept through is raised when it wakes.
 */
import type {
  BeforeKeyPeriodRuleConfig,
  CalendarRuleId,
  MonthlyRuleConfig,
  RulesConfig,
  WeeklyRuleConfig,
  YearlyRuleConfig,
} from './config';
import {
  addDays,
  addMonths,
  civilDateAt,
  instantOfWallTime,
  parseWallClock,
  startOfDay,
  weekdayOf,
  type CivilDate,
} from './zoned-time';

export interface KeyPeriodRef {
  id: string;
  name: string;
  startsAt: number;
  endsAt: number;
}

export interface CalendarOccurrence {
  rule: CalendarRuleId;
  /** The local date the duty falls on. */
  date: CivilDate;
  /** When it fell due (ms, UTC). */
  at: number;
  /** Its deadline: midnight `dueAfterDays` after `date` (ms, UTC). */
  dueAt: number;
  /** Raised at or after its deadline: the workstation was off or asleep through it. */
  late: boolean;
  /** For period-outlook: the key period and the days of data the report covers [from, to). */
  keyPeriod?: KeyPeriodRef;
  dataWindow?: { from: number; to: number };
}

type PeriodicRuleId = Exclude<CalendarRuleId, 'period-outlook'>;
const PERIODIC_RULES: readonly PeriodicRuleId[] = [
  'annual-elements',
  'annual-manual',
  'annual-roster',
  'weekly-report',
  'monthly-report',
  'weekly-meeting',
];

type PeriodicRuleConfig = YearlyRuleConfig | MonthlyRuleConfig | WeeklyRuleConfig;

function periodicConfig(config: RulesConfig, rule: PeriodicRuleId): PeriodicRuleConfig {
  return config.rules[rule];
}

/** The local date of the latest occurrence whose date is on or before `today`, and the one before that. */
function occurrenceDateOnOrBefore(rule: PeriodicRuleConfig, today: CivilDate, stepsBack: number): CivilDate {
  if ('weekday' in rule) {
    const back = (weekdayOf(today) - rule.weekday + 7) % 7;
    return addDays(today, -back - 7 * stepsBack);
  }
  if ('month' in rule) {
    const year = compareMonthDay(today, rule.month, rule.day) >= 0 ? today.year : today.year - 1;
    return { year: year - stepsBack, month: rule.month, day: rule.day };
  }
  const thisMonth = { year: today.year, month: today.month, day: rule.day };
  return addMonths(thisMonth, (today.day >= rule.day ? 0 : -1) - stepsBack);
}

function compareMonthDay(date: CivilDate, month: number, day: number): number {
  return date.month - month || date.day - day;
}

function occurrenceAt(rule: { at: string }, date: CivilDate, timeZone: string): number {
  const { hour, minute } = parseWallClock(rule.at);
  return instantOfWallTime(date, hour, minute, timeZone);
}

/** The latest occurrence of a periodic rule at or before `ms`. */
export function latestOccurrence(
  config: RulesConfig,
  ruleId: PeriodicRuleId,
  ms: number,
): { date: CivilDate; at: number; dueAt: number } {
  const rule = periodicConfig(config, ruleId);
  const today = civilDateAt(ms, config.timeZone);
  let date = occurrenceDateOnOrBefore(rule, today, 0);
  let at = occurrenceAt(rule, date, config.timeZone);
  // Today's occurrence may still be ahead (it is 08:00 and the duty is at 09:00): take the one before.
  if (at > ms) {
    date = occurrenceDateOnOrBefore(rule, today, 1);
    at = occurrenceAt(rule, date, config.timeZone);
  }
  return { date, at, dueAt: startOfDay(addDays(date, rule.dueAfterDays), config.timeZone) };
}

/** The first occurrence of a periodic rule strictly after `ms`. */
export function nextOccurrence(config: RulesConfig, ruleId: PeriodicRuleId, ms: number): number {
  const rule = periodicConfig(config, ruleId);
  // Walk forward day by day from the latest occurrence's date: the next one is at most a year ahead.
  const latest = latestOccurrence(config, ruleId, ms);
  let candidate = latest.date;
  for (let guard = 0; guard < 400; guard += 1) {
    candidate = addDays(candidate, 1);
    const matches =
      'weekday' in rule
        ? weekdayOf(candidate) === rule.weekday
        : 'month' in rule
          ? candidate.month === rule.month && candidate.day === rule.day
          : candidate.day === rule.day;
    if (matches) {
      const at = occurrenceAt(rule, candidate, config.timeZone);
      if (at > ms) return at;
    }
  }
  throw new Error(`no occurrence of ${ruleId} within a year after ${new Date(ms).toISOString()}`);
}

/** When the outlook before a key period falls due, with its deadline and the data it covers. */
export function outlookOccurrence(
  rule: BeforeKeyPeriodRuleConfig,
  period: KeyPeriodRef,
  timeZone: string,
): { date: CivilDate; at: number; dueAt: number; dataWindow: { from: number; to: number } } {
  const date = addDays(civilDateAt(period.startsAt, timeZone), -rule.daysBefore);
  const at = occurrenceAt(rule, date, timeZone);
  return {
    date,
    at,
    dueAt: startOfDay(addDays(date, rule.dueAfterDays), timeZone),
    dataWindow: {
      from: startOfDay(addDays(date, -rule.dataWindowDays), timeZone),
      to: startOfDay(date, timeZone),
    },
  };
}

/**
 * The calendar duties to raise now. For each periodic rule, its latest occurrence at or before `nowMs` when it
 * fell due since the last evaluation (so one slept through is caught up on wake) or is still before its deadline
 * (so a workstation started mid-November still gets November's prompts). Older missed occurrences are not
 * revived: after three weeks off, last Friday's report is what matters, not the two before. For each key period,
 * its outlook likewise, also until the period begins. Raising is idempotent downstream (one prompt per rule,
 * subject and occurrence), so returning an occurrence again on the next evaluation is harmless.
 *
 * @param lastEvaluatedMs when calendar rules were last evaluated, or null if never.
 */
export function dueCalendarOccurrences(
  lastEvaluatedMs: number | null,
  nowMs: number,
  config: RulesConfig,
  keyPeriods: readonly KeyPeriodRef[],
): CalendarOccurrence[] {
  const fellDueSinceLastTime = (at: number): boolean => lastEvaluatedMs !== null && at > lastEvaluatedMs;
  const due: CalendarOccurrence[] = [];
  for (const ruleId of PERIODIC_RULES) {
    if (!config.rules[ruleId].enabled) continue;
    const occurrence = latestOccurrence(config, ruleId, nowMs);
    if (fellDueSinceLastTime(occurrence.at) || nowMs < occurrence.dueAt) {
      due.push({ rule: ruleId, ...occurrence, late: nowMs >= occurrence.dueAt });
    }
  }
  const outlook = config.rules['period-outlook'];
  if (outlook.enabled) {
    for (const period of keyPeriods) {
      // An outlook for a period already over is of no use, however long the workstation was off.
      if (period.endsAt <= nowMs) continue;
      const occurrence = outlookOccurrence(outlook, period, config.timeZone);
      if (occurrence.at > nowMs) continue;
      const stillUseful = nowMs < Math.max(occurrence.dueAt, period.startsAt);
      if (fellDueSinceLastTime(occurrence.at) || stillUseful) {
        due.push({
          rule: 'period-outlook',
          ...occurrence,
          late: nowMs >= occurrence.dueAt,
          keyPeriod: period,
        });
      }
    }
  }
  return due;
}

/**
 * The cron expression (minute hour day-of-month month day-of-week) that wakes the engine when a calendar rule
 * falls due, read in the configured time zone. The outlook depends on the key periods in the cache, so it wakes
 * daily at its time of day.
 */
export function cronExpressionFor(config: RulesConfig, ruleId: CalendarRuleId): string {
  const rule = config.rules[ruleId];
  const { hour, minute } = parseWallClock(rule.at);
  if ('weekday' in rule) return `${minute} ${hour} * * ${rule.weekday}`;
  if ('month' in rule) return `${minute} ${hour} ${rule.day} ${rule.month} *`;
  if ('day' in rule) return `${minute} ${hour} ${rule.day} * *`;
  return `${minute} ${hour} * * *`;
}
