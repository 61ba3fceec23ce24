/**
 * The work-prompt rules engine: turns the regulation's rules into prompts from the local cache, on the central
 * platform's clock, whether or not the network is up. A tick evaluates every rule (schedule.ts calls it every few
 * seconds; call it too after each sync commit) in two transactions, the changed documents and then the rules;
 * operators' actions on prompts go through the same object, so every transition is stored and audited in one place.
 *
 * A tick reconciles, rule by rule, the subjects whose condition holds now with the rule's open prompts: a new
 * subject (or a later stage, or a new episode) raises a prompt unless one was ever raised for that rule, subject,
 * episode and stage; an open prompt whose subject is no longer listed resolves itself, saying why.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { QueueCounts } from '../../../preload/contract';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { dueCalendarOccurrences, type CalendarOccurrence, type KeyPeriodRef } from './calendar';
import {
  CALENDAR_RULE_IDS,
  type CalendarRuleId,
  type ConditionRuleId,
  type RuleId,
  type RulesConfig,
  type StageConfig,
} from './config';
import {
  createConditionRules,
  RECIPIENT_NAMES,
  stageReached,
  type AlertPoint,
  type CandidateVisitor,
  type ConditionRule,
  type IncrementalEvaluation,
} from './conditions';
import { createFindingsProcessor } from './findings';
import { durations } from './format';
import { OpenPromptMirror, type MirroredPrompt } from './open-prompt-mirror';
import { createPromptFollower } from './prompt-follow';
import {
  PromptStore,
  type ListPromptsQuery,
  type PromptSubject,
  type WorkPromptRecord,
} from './prompt-store';
import { chineseMonthDay, civilDateAt, isoDate } from './zoned-time';

const CALENDAR_STATE_KEY = 'calendar.lastEvaluatedAt';
/** The calendar bookmark is persisted at most this often: an older bookmark only means more (idempotent) catch-up. */
const CALENDAR_PERSIST_INTERVAL_MS = 60_000;

export interface RulesEngineOptions {
  db: Database.Database;
  clock: Clock;
  config: RulesConfig;
  logger: Logger;
  /**
   * The most work one tick does, so that a tick never holds the main process for long: after the initial sync of a
   * large cache there are tens of thousands of documents to check and prompts to raise. What is left over is done
   * by the following ticks (`TickReport.backlog` says so; the schedule then ticks again at once).
   */
  budget?: { documentsPerTick?: number; raisesPerTick?: number };
  /**
   * How often the rules evaluated incrementally (undispatched, overdue-closure) are evaluated in full anyway, as a
   * safety net. 0 makes every tick a full pass.
   */
  fullPassEveryMs?: number;
}

export const DEFAULT_FULL_PASS_EVERY_MS = 5 * 60_000;

export const DEFAULT_TICK_BUDGET = { documentsPerTick: 1_000, raisesPerTick: 500 } as const;

export interface TickReport {
  /** Server-clock instant the tick evaluated at. */
  at: number;
  /** sync_state.last_success_at: the data the tick stood on is as of then (null before any sync). */
  dataAsOf: number | null;
  raised: number;
  escalated: number;
  resolved: number;
  snoozesEnded: number;
  /** Prompts issued from here that took the step the platform's record of them took (prompt-follow.ts). */
  followed: number;
  documentsChecked: number;
  /**
   * Whether work was left for the next tick (documents to check, prompts to raise) because of the budget or the
   * steps' time slice.
   */
  backlog: boolean;
  /** The time the tick's steps ran, in all. */
  durationMs: number;
  /** The longest of its steps: how long the tick held the thread at once. */
  longestStepMs: number;
}

/**
 * A tick taken in steps, each its own transaction, so that whoever runs it can let other work (the bridge's
 * answers) go between them: the documents first, then the rules. The steps see the cache as it stands when
 * each runs; what changed in between is the next tick's.
 */
export interface TickInSteps {
  /** Runs the next step: the report once the tick is complete, null while steps remain. */
  step(): TickReport | null;
}

export interface TickInStepsOptions {
  /**
   * How long a step may go on taking up work (documents to check, prompts to raise) before it leaves the rest to
   * the next tick, as the budget does; it always takes some, so the backlog shrinks however slow the machine.
   * Without it, only the budget bounds a step.
   */
  sliceMs?: number;
}

/** The queue badges (the bridge's QueueCounts) plus the calendar duties and risk-map anomalies. */
export type RulesCounts = QueueCounts & { dutyItems: number; riskMapAnomalies: number };

export type RulesActionError = { code: 'VALIDATION_FAILED' | 'NOT_FOUND' | 'INVALID_STATE'; message: string };
export type RulesActionResult<T> = { ok: true; value: T } | { ok: false; error: RulesActionError };

/** The report of a tick that has done nothing yet. */
export function emptyTickReport(at: number): TickReport {
  return {
    at,
    dataAsOf: null,
    raised: 0,
    escalated: 0,
    resolved: 0,
    snoozesEnded: 0,
    followed: 0,
    documentsChecked: 0,
    backlog: false,
    durationMs: 0,
    longestStepMs: 0,
  };
}

export interface RulesEngine {
  /** Evaluates every rule now, all its steps one after the other (each within the slice, if given); idempotent. */
  tick(options?: TickInStepsOptions): TickReport;
  /** The same tick, a step at a time. */
  startTick(options?: TickInStepsOptions): TickInSteps;
  /** Counts for the queues as of the last tick (zeros before the first), with live prompt counts. */
  counts(): RulesCounts;
  /** When the data behind the counts was last synced (sync_state.last_success_at), or null. */
  dataAsOfMs(): number | null;
  listPrompts(query?: ListPromptsQuery): WorkPromptRecord[];
  getPrompt(id: string): WorkPromptRecord | null;
  /** raised -> issued: the operator sent it. Call it in the transaction that queues `issueWorkPrompt` in the outbox. */
  markIssued(id: string, operatorId: string): RulesActionResult<WorkPromptRecord>;
  /** issued -> acknowledged: the recipient confirmed. */
  acknowledge(id: string, operatorId: string, note?: string | null): RulesActionResult<WorkPromptRecord>;
  /** Any open state -> resolved, by an operator, with the reason. */
  resolve(id: string, operatorId: string, reason: string): RulesActionResult<WorkPromptRecord>;
  /** Hides an open prompt until `untilMs`; it comes back then if its condition still holds. */
  snooze(
    id: string,
    reason: string,
    untilMs: number,
    operatorId: string,
  ): RulesActionResult<WorkPromptRecord>;
}

const nonEmpty = (max: number) => z.string().trim().min(1).max(max);
const actionInputs = {
  id: nonEmpty(100),
  operatorId: nonEmpty(100),
  reason: nonEmpty(500),
  note: nonEmpty(500).nullable().optional(),
  instant: z.number().int(),
};

const CALENDAR_RULES = new Set<RuleId>(CALENDAR_RULE_IDS);

/** Queue badge per condition rule (red alerts count only those awaiting verification). */
const QUEUE_OF_RULE: Partial<Record<ConditionRuleId, keyof QueueCounts>> = {
  undispatched: 'undispatched',
  'overdue-closure': 'overdueClosure',
  'non-standard': 'nonStandard',
  'scene-silent': 'silentScenes',
  'sync-rate-low': 'syncRate',
};

interface RuleProgress {
  evaluatedAt: number;
  fullPassAt: number;
  /** Set when the tick budget left prompts to raise: an incremental pass would not come back to them. */
  needsFullPass: boolean;
}

interface ChangedAlerts {
  /** Each changed alert as it stands now (null: no longer in the cache). */
  alerts: Map<string, AlertPoint | null>;
  /** So many changed (an initial sync) that full passes are cheaper. */
  overflow: boolean;
  /** The last log entry read, to forget up to it. */
  lastSeq: number | null;
}

/** Beyond this many alert changes in one tick, a full pass is cheaper than looking at each. */
const MAX_CHANGED_ALERTS_FOR_INCREMENTAL = 5_000;

/** What the last tick found per condition rule, for the queue counts. */
interface RuleTally {
  holding: number;
  atFirstStage: number;
  /** Subject ids, kept for the device rules only (their union is one badge). */
  subjects: string[] | null;
}
const RULES_COUNTED_BY_SUBJECT = new Set<ConditionRuleId>(['device-offline', 'device-info-error']);

export function createRulesEngine(options: RulesEngineOptions): RulesEngine {
  const { db, clock, config, logger } = options;
  const documentsPerTick = options.budget?.documentsPerTick ?? DEFAULT_TICK_BUDGET.documentsPerTick;
  const raisesPerTick = options.budget?.raisesPerTick ?? DEFAULT_TICK_BUDGET.raisesPerTick;
  const fullPassEveryMs = options.fullPassEveryMs ?? DEFAULT_FULL_PASS_EVERY_MS;
  const store = new PromptStore(db);
  const follower = createPromptFollower(db, store);
  const conditionRules = createConditionRules(db, config);
  const findings = createFindingsProcessor(db, config, (message) => logger.warn(message));
  const mirror = new OpenPromptMirror(
    store,
    new Map<RuleId, string>(conditionRules.map((rule) => [rule.id, rule.subjectEntity])),
  );

  const sql = {
    dataAsOf: db.prepare<[], { last_success_at: number | null }>(
      'SELECT last_success_at FROM sync_state WHERE id = 1',
    ),
    keyPeriods: db.prepare<[number], { id: string; starts_at: number; ends_at: number; name: string | null }>(
      `SELECT id, starts_at, ends_at, json_extract(data, '$.name') AS name FROM key_period WHERE ends_at > ?`,
    ),
    scenes: db.prepare<[], { id: string; name: string }>('SELECT id, name FROM scene ORDER BY id'),
    // One more than an incremental tick takes: more than that is a full pass, and a large sync can note
    // hundreds of thousands between two ticks, which need not be read to know it.
    changedAlerts: db
      .prepare<[number], [seq: number, alertId: string]>(
        'SELECT seq, alert_id FROM rule_changed_alert ORDER BY seq LIMIT ?',
      )
      .raw(true),
    lastChangedAlert: db
      .prepare<[], [seq: number | null]>('SELECT max(seq) FROM rule_changed_alert')
      .raw(true),
    forgetChangedAlerts: db.prepare<[number]>('DELETE FROM rule_changed_alert WHERE seq <= ?'),
    alertPoint: db.prepare<
      [string],
      { reported_at: number; deadline_at: number; has_handler: number; closed_at: number | null }
    >('SELECT reported_at, deadline_at, has_handler, closed_at FROM alert WHERE id = ?'),
    readState: db.prepare<[string], { value: string }>('SELECT value FROM rule_engine_state WHERE key = ?'),
    writeState: db.prepare<[string, string]>(
      'INSERT INTO rule_engine_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
  };

  const storedBookmark = Number(sql.readState.get(CALENDAR_STATE_KEY)?.value);
  let calendarEvaluatedAt: number | null = Number.isFinite(storedBookmark) ? storedBookmark : null;
  let calendarPersistedAt = calendarEvaluatedAt;

  /**
   * Per rule, (subject, episode, stage) keys whose prompt exists but is closed while the condition still holds (an
   * operator resolved it): remembered from one tick to the next so they are not looked up again every tick.
   */
  let settledByRule = new Map<RuleId, Set<string>>();
  /** Calendar occurrences already raised for every subject (rule|at|subjects), so November does not re-probe. */
  const raisedOccurrences = new Set<string>();
  let tally = new Map<ConditionRuleId, RuleTally>();
  let tickSerial = 0;
  /** Per condition rule: when it was last evaluated, and last evaluated in full. */
  const progress = new Map<ConditionRuleId, RuleProgress>();

  const readDataAsOf = (): number | null => sql.dataAsOf.get()?.last_success_at ?? null;

  /** When the running step's time slice ends (performance.now()); never for a tick taken at once. */
  let sliceEndsAt = Infinity;
  const sliceOver = (): boolean => sliceEndsAt !== Infinity && performance.now() > sliceEndsAt;
  /** Whether the tick has raised all it may: its budget, or (having raised some) its time slice. */
  const overBudget = (report: TickReport): boolean =>
    report.raised >= raisesPerTick || (report.raised > 0 && sliceOver());

  /** Raises, escalates or leaves be the prompt of one subject whose condition holds. */
  function visitor(
    rule: ConditionRule,
    open: Map<string, MirroredPrompt>,
    settled: Set<string>,
    previouslySettled: ReadonlySet<string> | undefined,
    now: number,
    dataAsOf: number | null,
    report: TickReport,
    onDeferred: () => void,
  ): CandidateVisitor {
    const serial = tickSerial;
    return (subjectId, episode, stage, since, facts) => {
      const current = open.get(subjectId);
      // The common case on a steady cache: the prompt for this stage of this episode is already open.
      if (current && current.episode === episode && current.stage >= stage) {
        current.seenInTick = serial;
        return;
      }
      const settledKey = `${subjectId}\u0000${episode}\u0000${stage}`;
      const subject = { entity: rule.subjectEntity, id: subjectId };
      if (previouslySettled?.has(settledKey)) {
        settled.add(settledKey);
        if (current) current.seenInTick = serial;
        return;
      }
      if (overBudget(report)) {
        // Over budget: keep things as they are (the open prompt stays open) and raise it on a later tick. Checked
        // before the store is asked: after a large sync, tens of thousands of subjects wait, and looking each one
        // up on every backlog tick cost more than the raising itself. One that turns out settled is found so then.
        report.backlog = true;
        onDeferred();
        if (current) current.seenInTick = serial;
        return;
      }
      if (store.exists(rule.id, subject, episode, stage)) {
        settled.add(settledKey);
        if (current) current.seenInTick = serial;
        return;
      }
      if (current) {
        if (current.episode === episode) {
          store.close(current.id, rule.progression, rule.progressionReason(current.stage, stage), now, null);
          report.escalated += 1;
        } else {
          store.close(current.id, 'superseded', '条件曾解除后再次出现，已按新情况重新提示', now, null);
          report.resolved += 1;
        }
      }
      const text = rule.describe({ subjectId, episode, stage, since, facts }, now);
      const recipientRole = rule.recipientFor(stage);
      const id = store.raise(
        {
          rule: rule.id,
          subject,
          episode,
          stage,
          recipientRole,
          reason: text.reason,
          dueAt: rule.dueAtFor(stage, now),
          dataAsOf,
          detail: { ...text.detail, recipientName: RECIPIENT_NAMES[recipientRole] },
        },
        now,
      );
      open.set(subjectId, { id, subjectId, episode, stage, seenInTick: serial });
      report.raised += 1;
    };
  }

  /** Whether the rule may be evaluated incrementally this tick rather than by a full pass. */
  function canEvaluateIncrementally(rule: ConditionRule, changed: ChangedAlerts, now: number): boolean {
    const last = progress.get(rule.id);
    return (
      rule.enabled &&
      rule.incremental !== null &&
      last !== undefined &&
      !last.needsFullPass &&
      mirror.has(rule.id) &&
      !changed.overflow &&
      // A clock set back (the server's offset corrected) could un-cross thresholds: only a full pass sees that.
      now >= last.evaluatedAt &&
      now - last.fullPassAt < fullPassEveryMs
    );
  }

  /** Every subject of the rule, against all its open prompts. */
  function evaluateFully(
    rule: ConditionRule,
    now: number,
    dataAsOf: number | null,
    report: TickReport,
  ): void {
    const open = mirror.forRule(rule.id);
    const previouslySettled = settledByRule.get(rule.id);
    const settled = new Set<string>();
    settledByRule.set(rule.id, settled);
    let deferred = false;
    const raise = visitor(rule, open, settled, previouslySettled, now, dataAsOf, report, () => {
      deferred = true;
    });
    const ruleTally: RuleTally = {
      holding: 0,
      atFirstStage: 0,
      subjects: RULES_COUNTED_BY_SUBJECT.has(rule.id) ? [] : null,
    };
    tally.set(rule.id, ruleTally);
    if (rule.enabled) {
      rule.forEachCandidate(now, (subjectId, episode, stage, since, facts) => {
        ruleTally.holding += 1;
        if (stage === 0) ruleTally.atFirstStage += 1;
        ruleTally.subjects?.push(subjectId);
        raise(subjectId, episode, stage, since, facts);
      });
    }
    for (const [key, prompt] of open) {
      if (prompt.seenInTick === tickSerial) continue;
      const reason = rule.enabled ? rule.clearedReason(prompt.subjectId) : '规则已停用';
      store.close(prompt.id, rule.enabled ? 'conditionCleared' : 'ruleDisabled', reason, now, null);
      open.delete(key);
      report.resolved += 1;
    }
    progress.set(rule.id, { evaluatedAt: now, fullPassAt: now, needsFullPass: deferred });
  }

  /**
   * Only what may have changed since the rule's last evaluation: alerts whose onset crossed a stage threshold, and
   * alerts that changed. Equivalent to a full pass (incremental.test.ts checks it against one), at a cost that
   * follows the traffic rather than the number of open alerts.
   */
  function evaluateIncrementally(
    rule: ConditionRule,
    incremental: IncrementalEvaluation,
    stages: readonly StageConfig[],
    changed: ChangedAlerts,
    now: number,
    dataAsOf: number | null,
    report: TickReport,
  ): void {
    const last = progress.get(rule.id);
    const since = last?.evaluatedAt ?? now;
    const open = mirror.forRule(rule.id);
    const settled = settledByRule.get(rule.id) ?? new Set<string>();
    settledByRule.set(rule.id, settled);
    let deferred = false;
    const raise = visitor(rule, open, settled, settled, now, dataAsOf, report, () => {
      deferred = true;
    });
    const visitAt = (subjectId: string, onset: number): void => {
      const stage = stageReached(stages, now - onset);
      if (stage >= 0) raise(subjectId, onset, stage, onset, null);
    };
    for (const stage of stages) {
      const afterMs = stage.afterHours * durations.HOUR_MS;
      // A stage reached at once (after 0 h) changes only with the data, never with time.
      if (afterMs > 0) incremental.forEachOnsetBetween(since - afterMs, now - afterMs, visitAt);
    }
    for (const [subjectId, alert] of changed.alerts) {
      const onset = alert === null ? null : incremental.onsetOf(alert);
      if (onset !== null && stageReached(stages, now - onset) >= 0) {
        visitAt(subjectId, onset);
        continue;
      }
      const current = open.get(subjectId);
      if (current) {
        store.close(current.id, 'conditionCleared', rule.clearedReason(subjectId), now, null);
        open.delete(subjectId);
        report.resolved += 1;
      }
    }
    tally.set(rule.id, { holding: incremental.countHolding(now), atFirstStage: 0, subjects: null });
    progress.set(rule.id, {
      evaluatedAt: now,
      fullPassAt: last?.fullPassAt ?? now,
      needsFullPass: deferred,
    });
  }

  function reconcileCondition(
    rule: ConditionRule,
    changed: ChangedAlerts,
    now: number,
    dataAsOf: number | null,
    report: TickReport,
  ): void {
    if (rule.incremental && rule.stages && canEvaluateIncrementally(rule, changed, now)) {
      evaluateIncrementally(rule, rule.incremental, rule.stages, changed, now, dataAsOf, report);
    } else {
      evaluateFully(rule, now, dataAsOf, report);
    }
  }

  /** The alerts changed since the last tick, read once for all the incremental rules. */
  function readChangedAlerts(): ChangedAlerts {
    const rows = sql.changedAlerts.all(MAX_CHANGED_ALERTS_FOR_INCREMENTAL + 1);
    if (rows.length > MAX_CHANGED_ALERTS_FOR_INCREMENTAL)
      return { alerts: new Map(), overflow: true, lastSeq: sql.lastChangedAlert.get()?.[0] ?? null };
    const lastSeq = rows.length > 0 ? (rows[rows.length - 1]?.[0] ?? null) : null;
    const alerts = new Map<string, AlertPoint | null>();
    for (const [, alertId] of rows) {
      if (alerts.has(alertId)) continue;
      const row = sql.alertPoint.get(alertId);
      alerts.set(
        alertId,
        row
          ? {
              reportedAt: row.reported_at,
              deadlineAt: row.deadline_at,
              hasHandler: row.has_handler === 1,
              closedAt: row.closed_at,
            }
          : null,
      );
    }
    return { alerts, overflow: false, lastSeq };
  }

  function calendarText(
    occurrence: CalendarOccurrence,
    subjectName: string | null,
  ): { reason: string; detail: Record<string, unknown> } {
    const rule = config.rules[occurrence.rule];
    // "Before" the day the deadline starts: due at midnight starting 5 December reads 于 12月5日前.
    const dueDate = chineseMonthDay(civilDateAt(occurrence.dueAt, config.timeZone));
    const year = occurrence.date.year;
    const late = occurrence.late ? '（工作站离线期间已到期，补发提示）' : '';
    const detail: Record<string, unknown> = {
      title: rule.title,
      source: rule.source,
      occurrenceDate: isoDate(occurrence.date),
      occurredAt: occurrence.at,
      late: occurrence.late,
    };
    let reason: string;
    switch (occurrence.rule) {
      case 'annual-elements':
        reason = `${year} 年度监测要素标准更新：请${subjectName ?? '各场景和平台'}依据现场情况调整监测要素标准，于 ${dueDate}前报总平台管理运营组备案`;
        break;
      case 'annual-manual':
        reason = `${year} 年度指挥手册更新：请${subjectName ?? '各场景和平台'}调整指挥手册，于 ${dueDate}前报总平台管理运营组备案`;
        break;
      case 'annual-roster':
        reason = `${year} 年度指挥人员更新：请${subjectName ?? '各场景和平台'}调整指挥人员，于 ${dueDate}前报总平台管理运营组备案`;
        break;
      case 'weekly-report':
        reason = `发布本周监测预警总平台运行周报（${chineseMonthDay(occurrence.date)}）`;
        break;
      case 'monthly-report': {
        const previousMonth = occurrence.date.month === 1 ? 12 : occurrence.date.month - 1;
        reason = `编制 ${previousMonth} 月监测预警总平台运行月报，于 ${dueDate}前报送综合减灾处`;
        break;
      }
      case 'period-outlook': {
        const period = occurrence.keyPeriod;
        const window = occurrence.dataWindow;
        const start = period ? chineseMonthDay(civilDateAt(period.startsAt, config.timeZone)) : '';
        const from = window ? chineseMonthDay(civilDateAt(window.from, config.timeZone)) : '';
        const to = window ? chineseMonthDay(civilDateAt(window.to - 1, config.timeZone)) : '';
        reason = `重点时段“${period?.name ?? ''}”${start}开始：请汇总 ${from}至${to}监控数据、历史时段数据和社会舆情，于 ${dueDate}前完成态势分析报告并报送综合减灾处`;
        detail.keyPeriod = period;
        detail.dataWindow = window;
        break;
      }
      case 'weekly-meeting':
        reason = `召开本周平台运营工作例会（${chineseMonthDay(occurrence.date)}），总结、研究平台运营情况`;
        break;
    }
    return { reason: reason + late, detail };
  }

  function evaluateCalendar(now: number, dataAsOf: number | null, report: TickReport): void {
    // Periods not yet over: the key_period table holds a few a year, so no index is needed.
    const keyPeriods: KeyPeriodRef[] = sql.keyPeriods
      .all(now)
      .map((row) => ({ id: row.id, name: row.name ?? row.id, startsAt: row.starts_at, endsAt: row.ends_at }));
    const occurrences = dueCalendarOccurrences(calendarEvaluatedAt, now, config, keyPeriods);
    let scenes: { id: string; name: string }[] | null = null;
    let complete = true;
    const raisedBefore = report.raised;
    for (const occurrence of occurrences) {
      const rule = config.rules[occurrence.rule];
      let subjects: { subject: PromptSubject; name: string | null }[];
      if ('perScene' in rule && rule.perScene) {
        scenes ??= sql.scenes.all();
        subjects = scenes.map((scene) => ({ subject: { entity: 'scene', id: scene.id }, name: scene.name }));
      } else if (occurrence.keyPeriod) {
        subjects = [{ subject: { entity: 'keyPeriod', id: occurrence.keyPeriod.id }, name: null }];
      } else {
        subjects = [{ subject: { entity: 'district', id: config.districtId }, name: null }];
      }
      const memo = `${occurrence.rule}|${occurrence.at}|${occurrence.keyPeriod?.id ?? ''}|${subjects.length}`;
      if (raisedOccurrences.has(memo)) continue;
      if (raiseCalendar(occurrence.rule, occurrence, subjects, now, dataAsOf, report))
        raisedOccurrences.add(memo);
      else complete = false;
    }
    // An occurrence left half raised (tick budget) keeps the bookmark where it was, so the next tick still sees it.
    if (!complete) return;
    calendarEvaluatedAt = now;
    if (
      calendarPersistedAt === null ||
      now - calendarPersistedAt >= CALENDAR_PERSIST_INTERVAL_MS ||
      report.raised > raisedBefore
    ) {
      sql.writeState.run(CALENDAR_STATE_KEY, String(now));
      calendarPersistedAt = now;
    }
  }

  function raiseCalendar(
    ruleId: CalendarRuleId,
    occurrence: CalendarOccurrence,
    subjects: { subject: PromptSubject; name: string | null }[],
    now: number,
    dataAsOf: number | null,
    report: TickReport,
  ): boolean {
    const rule = config.rules[ruleId];
    const open = mirror.forRule(ruleId);
    const settled = settledByRule.get(ruleId) ?? new Set<string>();
    settledByRule.set(ruleId, settled);
    for (const { subject, name } of subjects) {
      const key = mirror.keyOf(ruleId, subject.entity, subject.id);
      const current = open.get(key);
      if (current?.episode === occurrence.at) continue;
      const settledKey = `${key}\u0000${occurrence.at}`;
      if (settled.has(settledKey)) continue;
      if (store.exists(ruleId, subject, occurrence.at, 0)) {
        settled.add(settledKey);
        continue;
      }
      if (overBudget(report)) {
        report.backlog = true;
        return false;
      }
      // One open duty per rule and subject: last period's unfinished one gives way to this one.
      if (current) {
        store.close(current.id, 'superseded', `已由 ${isoDate(occurrence.date)} 的新一期提示取代`, now, null);
        report.resolved += 1;
      }
      const text = calendarText(occurrence, name);
      const id = store.raise(
        {
          rule: ruleId,
          subject,
          episode: occurrence.at,
          stage: 0,
          recipientRole: rule.recipient,
          reason: text.reason,
          dueAt: occurrence.dueAt,
          dataAsOf,
          detail: { ...text.detail, recipientName: RECIPIENT_NAMES[rule.recipient] },
        },
        now,
      );
      open.set(key, { id, subjectId: subject.id, episode: occurrence.at, stage: 0, seenInTick: tickSerial });
      report.raised += 1;
    }
    return true;
  }

  /** Re-checks the documents changed since the last tick (up to the budget): the findings the rules read. */
  const documentsStep = db.transaction((report: TickReport) => {
    // First, so that a prompt the platform resolved or reopened is in the mirror as it now stands.
    report.followed = follower.follow(clock.now(), (rule) => mirror.invalidate(rule));
    const drained = findings.drain(clock.now(), documentsPerTick, sliceOver);
    report.documentsChecked = drained.checked;
    report.backlog = drained.remaining;
  });

  /** Reconciles every condition rule with its prompts, all on one snapshot of the cache, then the calendar duties. */
  const rulesStep = db.transaction((report: TickReport) => {
    report.at = clock.now();
    report.dataAsOf = readDataAsOf();
    tickSerial += 1;
    tally = new Map();
    const changed = readChangedAlerts();
    for (const rule of conditionRules) reconcileCondition(rule, changed, report.at, report.dataAsOf, report);
    if (changed.lastSeq !== null) sql.forgetChangedAlerts.run(changed.lastSeq);
    evaluateCalendar(report.at, report.dataAsOf, report);
    report.snoozesEnded = store.endSnoozes(report.at);
  });

  /** Runs one step in its own transaction; on failure, forgets what the tick remembered of it. */
  function runStep(step: typeof rulesStep, report: TickReport, sliceMs: number | undefined): void {
    const started = performance.now();
    sliceEndsAt = sliceMs === undefined ? Infinity : started + sliceMs;
    // A tick's writes are derived from the cache and the next tick would redo them, so its commit need not wait for
    // the disk as an operator's action must (the cache runs synchronous=FULL for the outbox's sake). In WAL mode,
    // NORMAL still survives a crash of the application; a power cut can lose the last ticks' prompts, which the next
    // tick raises again, and the next FULL commit (an operator's action) makes them durable with it.
    const bookmark = { calendarEvaluatedAt, calendarPersistedAt };
    const relaxed = !db.inTransaction;
    const synchronous = relaxed ? (db.pragma('synchronous', { simple: true }) as number) : null;
    if (relaxed) db.pragma('synchronous = NORMAL');
    try {
      // IMMEDIATE: the sync worker writes the cache from its own connection; taking the write lock up front means
      // nothing it commits can slip in between what the step reads (the change logs) and what it writes.
      step.immediate(report);
    } catch (error) {
      // The transaction rolled back: what the tick remembered of it is void.
      mirror.invalidate();
      settledByRule = new Map();
      raisedOccurrences.clear();
      progress.clear();
      ({ calendarEvaluatedAt, calendarPersistedAt } = bookmark);
      throw error;
    } finally {
      sliceEndsAt = Infinity;
      if (synchronous !== null) db.pragma(`synchronous = ${synchronous}`);
    }
    const took = performance.now() - started;
    report.durationMs += took;
    report.longestStepMs = Math.max(report.longestStepMs, took);
  }

  function startTick(options: TickInStepsOptions = {}): TickInSteps {
    const report = emptyTickReport(clock.now());
    const steps = [documentsStep, rulesStep];
    let next = 0;
    return {
      step() {
        const step = steps[next];
        if (step === undefined) throw new Error('rules: this tick is complete');
        runStep(step, report, options.sliceMs);
        next += 1;
        if (next < steps.length) return null;
        if (report.raised + report.escalated + report.resolved + report.followed > 0) {
          logger.info('rules: work prompts changed', {
            raised: report.raised,
            escalated: report.escalated,
            resolved: report.resolved,
            followedPlatform: report.followed,
            dataAsOf: report.dataAsOf,
          });
        }
        return report;
      },
    };
  }

  function tick(options: TickInStepsOptions = {}): TickReport {
    const run = startTick(options);
    for (;;) {
      const report = run.step();
      if (report) return report;
    }
  }

  function counts(): RulesCounts {
    const open = store.openCounts(clock.now());
    let workPrompts = 0;
    let dutyItems = 0;
    for (const [rule, count] of open) {
      if (CALENDAR_RULES.has(rule as RuleId)) dutyItems += count;
      else workPrompts += count;
    }
    const result: RulesCounts = {
      redAlerts: tally.get('red-alert')?.atFirstStage ?? 0,
      undispatched: 0,
      overdueClosure: 0,
      nonStandard: 0,
      workPrompts,
      silentScenes: 0,
      deviceIssues: new Set([
        ...(tally.get('device-offline')?.subjects ?? []),
        ...(tally.get('device-info-error')?.subjects ?? []),
      ]).size,
      syncRate: 0,
      dutyItems,
      riskMapAnomalies: tally.get('risk-map-anomaly')?.holding ?? 0,
    };
    for (const [rule, queue] of Object.entries(QUEUE_OF_RULE) as [ConditionRuleId, keyof QueueCounts][]) {
      result[queue] = tally.get(rule)?.holding ?? 0;
    }
    return result;
  }

  type Transition = (record: WorkPromptRecord, now: number) => RulesActionResult<WorkPromptRecord>;
  function act(rawId: unknown, transition: Transition): RulesActionResult<WorkPromptRecord> {
    const id = actionInputs.id.safeParse(rawId);
    if (!id.success)
      return { ok: false, error: { code: 'VALIDATION_FAILED', message: 'id: must be a prompt id' } };
    // IMMEDIATE for the same reason as the tick (a nested call runs in the caller's transaction instead).
    return db
      .transaction((): RulesActionResult<WorkPromptRecord> => {
        const record = store.get(id.data);
        if (!record) return { ok: false, error: { code: 'NOT_FOUND', message: `no work prompt ${id.data}` } };
        return transition(record, clock.now());
      })
      .immediate();
  }
  const invalid = (field: string, message: string): RulesActionResult<WorkPromptRecord> => ({
    ok: false,
    error: { code: 'VALIDATION_FAILED', message: `${field}: ${message}` },
  });
  const wrongState = (record: WorkPromptRecord, action: string): RulesActionResult<WorkPromptRecord> => ({
    ok: false,
    error: { code: 'INVALID_STATE', message: `cannot ${action} a prompt that is ${record.state}` },
  });
  const reread = (id: string): RulesActionResult<WorkPromptRecord> => {
    const record = store.get(id);
    return record
      ? { ok: true, value: record }
      : { ok: false, error: { code: 'NOT_FOUND', message: `no work prompt ${id}` } };
  };

  return {
    tick,
    startTick,
    counts,
    dataAsOfMs: readDataAsOf,
    listPrompts: (query = {}) => store.list(query, clock.now()),
    getPrompt: (id) => store.get(id),

    markIssued(id, operatorId) {
      const operator = actionInputs.operatorId.safeParse(operatorId);
      if (!operator.success) return invalid('operatorId', 'must be an operator id');
      return act(id, (record, now) =>
        store.markIssued(record.id, now, operator.data) ? reread(record.id) : wrongState(record, 'issue'),
      );
    },

    acknowledge(id, operatorId, note = null) {
      const operator = actionInputs.operatorId.safeParse(operatorId);
      if (!operator.success) return invalid('operatorId', 'must be an operator id');
      const parsedNote = actionInputs.note.safeParse(note);
      if (!parsedNote.success) return invalid('note', 'must be text of at most 500 characters, or null');
      return act(id, (record, now) =>
        store.acknowledge(record.id, now, operator.data, parsedNote.data ?? null)
          ? reread(record.id)
          : wrongState(record, 'acknowledge'),
      );
    },

    resolve(id, operatorId, reason) {
      const operator = actionInputs.operatorId.safeParse(operatorId);
      if (!operator.success) return invalid('operatorId', 'must be an operator id');
      const parsedReason = actionInputs.reason.safeParse(reason);
      if (!parsedReason.success) return invalid('reason', 'must say why (1 to 500 characters)');
      return act(id, (record, now) => {
        if (!store.close(record.id, 'operator', parsedReason.data, now, operator.data)) {
          return wrongState(record, 'resolve');
        }
        // The caller's transaction may still roll this back: the next tick reads the rule's open prompts afresh
        // (and so evaluates the rule in full).
        mirror.invalidate(record.rule);
        return reread(record.id);
      });
    },

    snooze(id, reason, untilMs, operatorId) {
      const operator = actionInputs.operatorId.safeParse(operatorId);
      if (!operator.success) return invalid('operatorId', 'must be an operator id');
      const parsedReason = actionInputs.reason.safeParse(reason);
      if (!parsedReason.success) return invalid('reason', 'must say why (1 to 500 characters)');
      const until = actionInputs.instant.safeParse(untilMs);
      if (!until.success) return invalid('untilMs', 'must be an instant in milliseconds');
      return act(id, (record, now) => {
        if (until.data <= now) return invalid('untilMs', 'must be in the future');
        const longest = config.maxSnoozeHours * durations.HOUR_MS;
        if (until.data - now > longest)
          return invalid('untilMs', `must be within ${config.maxSnoozeHours} hours`);
        return store.snooze(record.id, now, operator.data, until.data, parsedReason.data)
          ? reread(record.id)
          : wrongState(record, 'snooze');
      });
    },
  };
}
