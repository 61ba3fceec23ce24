/**
 * The condition rules as indexed SQL over the cache. Each rule visits the subjects whose condition holds now, with
 * the stage reached and the episode (when the condition began); the engine reconciles them with the open
 * prompts. Every query is answered from a partial index holding only open items (m001, widened in m002), or from
 * the small scene table; conditions.test.ts checks the plans.
 */
import type Database from 'better-sqlite3';
import type { ConditionRuleId, RecipientRole, RulesConfig, StageConfig } from './config';
import type { DeviceInfoProblem, ElementProblem, LocationProblem, SyncProblem } from './document-checks';
import { durations, formatDurationZh, formatPercent } from './format';

const { HOUR_MS, MINUTE_MS } = durations;

export type SubjectEntity = 'alert' | 'scene' | 'device';

export interface ConditionCandidate {
  subjectId: string;
  /** When the condition began (ms, UTC); part of the prompt's identity. */
  episode: number;
  stage: number;
  /** The instant the figures count from (usually the episode). */
  since: number;
  /** What the query already knows beyond the onset (a red alert's major loop kind), for the reason. */
  facts: string | null;
}

export type CandidateVisitor = (
  subjectId: string,
  episode: number,
  stage: number,
  since: number,
  facts: string | null,
) => void;

export interface PromptText {
  reason: string;
  detail: Record<string, unknown>;
}

/** An open alert as it stands now, for re-judging one that changed. */
export interface AlertPoint {
  reportedAt: number;
  deadlineAt: number;
  hasHandler: boolean;
  closedAt: number | null;
}

/**
 * How a rule over alerts is evaluated between full passes. Its verdict on an alert depends only on the alert's row
 * and on time, and only grows with time (an onset once old enough stays old enough). So from one tick to the next
 * the verdict changes only for alerts whose onset crossed a stage threshold in between (an indexed range) and for
 * alerts that changed (logged by triggers in rule_changed_alert).
 */
export interface IncrementalEvaluation {
  /** Visits the alerts whose condition (time aside) holds and whose onset lies in [from, to). */
  forEachOnsetBetween(from: number, to: number, visit: (subjectId: string, onset: number) => void): void;
  /** The alert's onset if its condition (time aside) holds, else null. */
  onsetOf(alert: AlertPoint): number | null;
  /** How many alerts meet the condition at `nowMs` (for the queue badge). */
  countHolding(nowMs: number): number;
}

export interface ConditionRule {
  id: ConditionRuleId;
  subjectEntity: SubjectEntity;
  enabled: boolean;
  /** The escalation ladder, for rules whose stages are reached with time (null for the red-alert flow). */
  stages: readonly StageConfig[] | null;
  /** Set for rules that can be evaluated incrementally between full passes. */
  incremental: IncrementalEvaluation | null;
  /** How reaching a later stage closes the earlier stage's prompt. */
  progression: 'escalated' | 'stepDone';
  /** Visits each subject whose condition holds at `nowMs`. A visitor, not a list: a tick visits tens of thousands. */
  forEachCandidate(nowMs: number, visit: CandidateVisitor): void;
  recipientFor(stage: number): RecipientRole;
  dueAtFor(stage: number, raisedAtMs: number): number | null;
  describe(candidate: ConditionCandidate, nowMs: number): PromptText;
  /** Why the prompt of a subject that no longer meets the condition closes itself. */
  clearedReason(subjectId: string): string;
  /** Why the prompt at stage `from` gives way to stage `to`. */
  progressionReason(from: number, to: number): string;
}

export const RECIPIENT_NAMES: Record<RecipientRole, string> = {
  sceneOperator: '场景运营人员',
  sceneTechnician: '场景技术人员',
  sceneHead: '部门负责人',
  techOps: '技术运维组',
  dutyTeam: '管理运营组',
};

const MAJOR_LOOP_NAMES: Record<string, { name: string; reportTo: string }> = {
  emergency: { name: '突发事件类大闭环', reportTo: '应急指挥中心' },
  risk: { name: '风险类大闭环', reportTo: '综合减灾处' },
};

/** The highest stage whose threshold has passed, or -1. A threshold of 0 holds at once; others strictly after. */
export function stageReached(stages: readonly StageConfig[], elapsedMs: number): number {
  let reached = -1;
  for (let index = 0; index < stages.length; index += 1) {
    const afterMs = (stages[index]?.afterHours ?? 0) * HOUR_MS;
    if (afterMs === 0 || elapsedMs > afterMs) reached = index;
  }
  return reached;
}

/** Instants at or after this cutoff have not yet been held long enough for the first stage. */
function firstStageCutoff(stages: readonly StageConfig[], nowMs: number): number {
  const first = stages[0]?.afterHours ?? 0;
  return first === 0 ? Number.MAX_SAFE_INTEGER : nowMs - first * HOUR_MS;
}

function stageDue(stages: readonly StageConfig[], stage: number, raisedAtMs: number): number | null {
  const hours = stages[stage]?.dueHours ?? null;
  return hours === null ? null : raisedAtMs + hours * HOUR_MS;
}

/** A finding's JSON, as findings.ts wrote it (so its shape is known). */
function parseFinding(detail: string | undefined): unknown {
  if (detail === undefined) return null;
  try {
    return JSON.parse(detail) as unknown;
  } catch {
    return null;
  }
}

/** A raw row (better-sqlite3's raw mode: arrays, no objects): subject id, onset, and what else the query knows. */
type OnsetTuple = [id: string, onset: number, facts?: string | null];

interface AlertLabelRow {
  scene_id: string;
  level: string;
  category: string;
  title: string | null;
  scene_name: string | null;
}
interface AlertStateRow {
  closed_at: number | null;
  has_handler: number;
  level: string;
  verified_at: number | null;
  deadline_at: number;
}
interface DeviceLabelRow {
  scene_id: string;
  name: string | null;
  code: string | null;
  scene_name: string | null;
}
interface SceneRow {
  name: string;
  kind: string;
  last_alert_at: number | null;
  sync_rate: number | null;
}
interface SilenceRow {
  id: string;
  kind: string;
  last_alert_at: number | null;
  newest_cached: number | null;
  commissioned_at: string | null;
}
type RedTuple = [
  id: string,
  reportedAt: number,
  verifiedAt: number | null,
  majorLoopKind: string | null,
  significant: number | null,
];

/**
 * The queries every tick runs, by rule. Exported so that conditions.test.ts checks the plan of exactly this text:
 * each must be answered from an index holding only open items (or from the small scene table), never by scanning
 * the alert or device table. Red alerts name their index: without ANALYZE statistics the planner rates it no better
 * than the index of all open alerts, which is a hundred times larger.
 */
export const HOT_CONDITION_SQL = {
  undispatched: `SELECT id, reported_at AS onset FROM alert
                  WHERE has_handler = 0 AND closed_at IS NULL AND reported_at < ?`,
  overdueClosure: 'SELECT id, deadline_at AS onset FROM alert WHERE closed_at IS NULL AND deadline_at < ?',
  // The same conditions, for the incremental evaluation: alerts crossing a threshold, and the badge counts.
  undispatchedBetween: `SELECT id, reported_at AS onset FROM alert
                         WHERE has_handler = 0 AND closed_at IS NULL AND reported_at >= ? AND reported_at < ?`,
  overdueClosureBetween: `SELECT id, deadline_at AS onset FROM alert
                           WHERE closed_at IS NULL AND deadline_at >= ? AND deadline_at < ?`,
  undispatchedCount:
    'SELECT COUNT(*) FROM alert WHERE has_handler = 0 AND closed_at IS NULL AND reported_at < ?',
  overdueClosureCount: 'SELECT COUNT(*) FROM alert WHERE closed_at IS NULL AND deadline_at < ?',
  deviceOffline: `SELECT id, offline_since AS onset FROM device WHERE status = 'offline' AND offline_since < ?`,
  redAlerts: `SELECT id, reported_at, verified_at, major_loop_kind,
                     CASE WHEN verified_at IS NOT NULL AND major_loop_kind IS NULL
                          THEN json_extract(data, '$.verification.significant') END AS significant
                FROM alert INDEXED BY alert_red_open WHERE level = 'red' AND closed_at IS NULL`,
  // The scene table is small (one row per scene and platform). For a scene that looks silent (? is the first
  // stage's cutoff), the newest cached alert comes from the (scene_id, reported_at) index, in case the scene's own
  // lastAlertAt lags behind the alerts already synced.
  silence: `SELECT id, kind, last_alert_at,
                   CASE WHEN last_alert_at IS NULL OR last_alert_at < ?
                        THEN (SELECT MAX(reported_at) FROM alert WHERE alert.scene_id = scene.id) END AS newest_cached,
                   CASE WHEN last_alert_at IS NULL THEN json_extract(data, '$.commissionedAt') END AS commissioned_at
              FROM scene`,
  // The finding's detail is read only for the few prompts raised (findingDetail), not for every finding every tick.
  findings: 'SELECT subject_id AS id, onset FROM rule_finding WHERE rule = ? AND onset < ?',
} as const;

/** Builds the condition rules over one cache connection. */
export function createConditionRules(db: Database.Database, config: RulesConfig): ConditionRule[] {
  const rules = config.rules;
  const sql = {
    undispatched: db.prepare<[number], OnsetTuple>(HOT_CONDITION_SQL.undispatched).raw(true),
    overdueClosure: db.prepare<[number], OnsetTuple>(HOT_CONDITION_SQL.overdueClosure).raw(true),
    undispatchedBetween: db
      .prepare<[number, number], OnsetTuple>(HOT_CONDITION_SQL.undispatchedBetween)
      .raw(true),
    overdueClosureBetween: db
      .prepare<[number, number], OnsetTuple>(HOT_CONDITION_SQL.overdueClosureBetween)
      .raw(true),
    undispatchedCount: db.prepare<[number], number>(HOT_CONDITION_SQL.undispatchedCount).pluck(true),
    overdueClosureCount: db.prepare<[number], number>(HOT_CONDITION_SQL.overdueClosureCount).pluck(true),
    deviceOffline: db.prepare<[number], OnsetTuple>(HOT_CONDITION_SQL.deviceOffline).raw(true),
    redAlerts: db.prepare<[], RedTuple>(HOT_CONDITION_SQL.redAlerts).raw(true),
    silence: db.prepare<[number], SilenceRow>(HOT_CONDITION_SQL.silence),
    findings: db.prepare<[string, number], OnsetTuple>(HOT_CONDITION_SQL.findings).raw(true),
    findingDetail: db
      .prepare<[string, string], string>('SELECT detail FROM rule_finding WHERE rule = ? AND subject_id = ?')
      .pluck(true),
    alertLabel: db.prepare<[string], AlertLabelRow>(
      `SELECT a.scene_id, a.level, a.category, json_extract(a.data, '$.title') AS title, s.name AS scene_name
         FROM alert a LEFT JOIN scene s ON s.id = a.scene_id WHERE a.id = ?`,
    ),
    alertState: db.prepare<[string], AlertStateRow>(
      'SELECT closed_at, has_handler, level, verified_at, deadline_at FROM alert WHERE id = ?',
    ),
    deviceLabel: db.prepare<[string], DeviceLabelRow>(
      `SELECT d.scene_id, json_extract(d.data, '$.name') AS name, json_extract(d.data, '$.code') AS code,
              s.name AS scene_name
         FROM device d LEFT JOIN scene s ON s.id = d.scene_id WHERE d.id = ?`,
    ),
    deviceState: db.prepare<[string], { status: string; info_error: number }>(
      'SELECT status, info_error FROM device WHERE id = ?',
    ),
    scene: db.prepare<[string], SceneRow>(
      'SELECT name, kind, last_alert_at, sync_rate FROM scene WHERE id = ?',
    ),
  };

  const alertDetail = (id: string): Record<string, unknown> => {
    const row = sql.alertLabel.get(id);
    return row
      ? {
          sceneId: row.scene_id,
          sceneName: row.scene_name,
          level: row.level,
          category: row.category,
          title: row.title,
        }
      : {};
  };
  const deviceDetail = (id: string): Record<string, unknown> => {
    const row = sql.deviceLabel.get(id);
    return row
      ? { sceneId: row.scene_id, sceneName: row.scene_name, deviceName: row.name, deviceCode: row.code }
      : {};
  };
  const sceneDetail = (id: string): Record<string, unknown> => {
    const row = sql.scene.get(id);
    return row ? { sceneId: id, sceneName: row.name, sceneKind: row.kind } : { sceneId: id };
  };

  /** A rule whose condition is "held since an instant", escalating along configured stages. */
  const ladder = (
    id: Exclude<ConditionRuleId, 'red-alert'>,
    subjectEntity: SubjectEntity,
    rows: (cutoff: number) => readonly OnsetTuple[],
    text: (candidate: ConditionCandidate, nowMs: number) => PromptText,
    clearedReason: (subjectId: string) => string,
    incremental: IncrementalEvaluation | null = null,
  ): ConditionRule => {
    const rule = rules[id];
    const { stages } = rule;
    return {
      id,
      subjectEntity,
      enabled: rule.enabled,
      stages,
      incremental,
      progression: 'escalated',
      forEachCandidate(nowMs, visit) {
        for (const [subjectId, onset, facts] of rows(firstStageCutoff(stages, nowMs))) {
          const stage = stageReached(stages, nowMs - onset);
          if (stage >= 0) visit(subjectId, onset, stage, onset, facts ?? null);
        }
      },
      recipientFor: (stage) => stages[stage]?.recipient ?? stages[0]?.recipient ?? 'dutyTeam',
      dueAtFor: (stage, raisedAtMs) => stageDue(stages, stage, raisedAtMs),
      describe(candidate, nowMs) {
        const { reason, detail } = text(candidate, nowMs);
        return {
          reason,
          detail: { ...detail, since: candidate.since, stageAfterHours: stages[candidate.stage]?.afterHours },
        };
      },
      clearedReason,
      progressionReason(_from, to) {
        const next = stages[to];
        return next
          ? `条件持续超过 ${next.afterHours} 小时，已升级提示${RECIPIENT_NAMES[next.recipient]}`
          : '已升级提示';
      },
    };
  };

  const findingRows = (rule: ConditionRuleId) => (cutoff: number) => sql.findings.all(rule, cutoff);
  const finding = (rule: ConditionRuleId, subjectId: string): unknown =>
    parseFinding(sql.findingDetail.get(rule, subjectId));

  const alertCleared = (id: string, otherwise: (row: AlertStateRow) => string): string => {
    const row = sql.alertState.get(id);
    if (!row) return '预警已不在平台数据中';
    if (row.closed_at !== null) return '预警已结案';
    return otherwise(row);
  };

  const undispatched = ladder(
    'undispatched',
    'alert',
    (cutoff) => sql.undispatched.all(cutoff),
    (candidate, nowMs) => ({
      reason: `已 ${formatDurationZh(nowMs - candidate.since)}无处置人员`,
      detail: alertDetail(candidate.subjectId),
    }),
    (id) => alertCleared(id, (row) => (row.has_handler === 1 ? '已落实处置人员' : '不再满足提示条件')),
    {
      forEachOnsetBetween(from, to, visit) {
        for (const [id, onset] of sql.undispatchedBetween.all(from, to)) visit(id, onset);
      },
      onsetOf: (alert) => (!alert.hasHandler && alert.closedAt === null ? alert.reportedAt : null),
      countHolding: (nowMs) =>
        sql.undispatchedCount.get(firstStageCutoff(rules.undispatched.stages, nowMs)) ?? 0,
    },
  );

  const overdueClosure = ladder(
    'overdue-closure',
    'alert',
    (cutoff) => sql.overdueClosure.all(cutoff),
    (candidate, nowMs) => ({
      reason: `超过处置时限 ${formatDurationZh(nowMs - candidate.since)}仍未结案；确有特殊情形无法闭环的，应与行业部门进行风险研判`,
      detail: { ...alertDetail(candidate.subjectId), deadlineAt: candidate.since },
    }),
    (id) => alertCleared(id, () => '处置时限已调整'),
    {
      forEachOnsetBetween(from, to, visit) {
        for (const [id, onset] of sql.overdueClosureBetween.all(from, to)) visit(id, onset);
      },
      onsetOf: (alert) => (alert.closedAt === null ? alert.deadlineAt : null),
      countHolding: (nowMs) =>
        sql.overdueClosureCount.get(firstStageCutoff(rules['overdue-closure'].stages, nowMs)) ?? 0,
    },
  );

  const nonStandard = ladder(
    'non-standard',
    'alert',
    findingRows('non-standard'),
    (candidate) => {
      const problems =
        (finding('non-standard', candidate.subjectId) as { problems?: ElementProblem[] } | null)?.problems ??
        [];
      const listed = problems.slice(0, 3).map((problem) => problem.detail);
      const more = problems.length > 3 ? `等 ${problems.length} 项` : '';
      return {
        reason: `要素信息填报不规范：${listed.join('；')}${more}`,
        detail: { ...alertDetail(candidate.subjectId), problems },
      };
    },
    (id) => alertCleared(id, () => '要素信息已补全'),
  );

  const silentKinds = new Set<string>(rules['scene-silent'].sceneKinds);
  const silenceAdvice = ['请技术人员自检', '请运营人员核实无预警情况', '请部门负责人核实无预警情况'];
  const sceneSilent = ladder(
    'scene-silent',
    'scene',
    (cutoff) => {
      const found: OnsetTuple[] = [];
      for (const row of sql.silence.all(cutoff)) {
        if (!silentKinds.has(row.kind)) continue;
        const reported = Math.max(
          row.last_alert_at ?? Number.NEGATIVE_INFINITY,
          row.newest_cached ?? Number.NEGATIVE_INFINITY,
        );
        const commissioned = row.commissioned_at === null ? Number.NaN : Date.parse(row.commissioned_at);
        const onset = Number.isFinite(reported) ? reported : commissioned;
        if (Number.isFinite(onset) && onset < cutoff) found.push([row.id, onset]);
      }
      return found;
    },
    (candidate, nowMs) => ({
      reason: `已 ${formatDurationZh(nowMs - candidate.since)}无预警信息，${silenceAdvice[candidate.stage] ?? '请核实无预警情况'}`,
      detail: { ...sceneDetail(candidate.subjectId), lastAlertAt: candidate.since },
    }),
    () => '场景已恢复上报预警',
  );

  const deviceOffline = ladder(
    'device-offline',
    'device',
    (cutoff) => sql.deviceOffline.all(cutoff),
    (candidate, nowMs) => ({
      reason: `设备离线已 ${formatDurationZh(nowMs - candidate.since)}，请协调处置人员完成离线处置消警`,
      detail: { ...deviceDetail(candidate.subjectId), offlineSince: candidate.since },
    }),
    (id) => {
      const row = sql.deviceState.get(id);
      if (!row) return '设备已不在平台数据中';
      return row.status === 'online' ? '设备已恢复在线' : '不再满足提示条件';
    },
  );

  const deviceInfoError = ladder(
    'device-info-error',
    'device',
    findingRows('device-info-error'),
    (candidate) => {
      const problem = finding('device-info-error', candidate.subjectId) as DeviceInfoProblem | null;
      const reason = problem
        ? `设备信息报错：${problem.field}登记为“${problem.registered}”，实际为“${problem.observed}”，请协调完成信息更正`
        : '设备信息报错，请协调完成信息更正';
      return { reason, detail: { ...deviceDetail(candidate.subjectId), problem } };
    },
    (id) => (sql.deviceState.get(id) ? '设备信息已更正' : '设备已不在平台数据中'),
  );

  const riskMapAnomaly = ladder(
    'risk-map-anomaly',
    'device',
    findingRows('risk-map-anomaly'),
    (candidate) => {
      const problem = finding('risk-map-anomaly', candidate.subjectId) as LocationProblem | null;
      const reason =
        problem?.problem === 'outOfBounds'
          ? `风险一张图点位异常：坐标（${problem.lng}, ${problem.lat}）超出辖区范围，请核实风险源数据`
          : '风险一张图点位异常：缺少坐标，请核实风险源数据';
      return { reason, detail: { ...deviceDetail(candidate.subjectId), problem } };
    },
    (id) => (sql.deviceState.get(id) ? '风险源点位数据已恢复正常' : '设备已不在平台数据中'),
  );

  const syncRateLow = ladder(
    'sync-rate-low',
    'scene',
    findingRows('sync-rate-low'),
    (candidate) => {
      const problem = finding('sync-rate-low', candidate.subjectId) as SyncProblem | null;
      let reason = '预警数据同步异常，请核实预警数据不一致情况';
      if (problem?.kind === 'low') {
        reason = `同步率 ${formatPercent(problem.rate)}，低于 ${formatPercent(problem.minRate)}，请核实预警数据不一致情况`;
      } else if (problem?.kind === 'inconsistent') {
        reason = `预警数据不一致：场景上报 ${problem.reportedByScene} 条，总平台收到 ${problem.receivedByCentral} 条`;
      }
      return { reason, detail: { ...sceneDetail(candidate.subjectId), problem } };
    },
    (id) => {
      const row = sql.scene.get(id);
      if (!row) return '场景已不在平台数据中';
      return row.sync_rate === null ? '同步数据已恢复一致' : `同步率已恢复至 ${formatPercent(row.sync_rate)}`;
    },
  );

  const red = rules['red-alert'];
  const redSteps = [red.verify, red.startMajorLoop, red.trackMajorLoop];
  const redAlert: ConditionRule = {
    id: 'red-alert',
    subjectEntity: 'alert',
    enabled: red.enabled,
    stages: null,
    incremental: null,
    progression: 'stepDone',
    forEachCandidate(_nowMs, visit) {
      for (const [id, reportedAt, verifiedAt, majorLoopKind, significant] of sql.redAlerts.all()) {
        // verify (核实) -> start a major loop if significant (启动大闭环) -> track it until the alert closes.
        let stage = -1;
        if (verifiedAt === null) stage = 0;
        else if (majorLoopKind !== null) stage = 2;
        else if (significant === 1) stage = 1;
        if (stage >= 0) visit(id, 0, stage, reportedAt, majorLoopKind);
      }
    },
    recipientFor: (stage) => redSteps[stage]?.recipient ?? red.verify.recipient,
    dueAtFor(stage, raisedAtMs) {
      const minutes = redSteps[stage]?.dueMinutes ?? null;
      return minutes === null ? null : raisedAtMs + minutes * MINUTE_MS;
    },
    describe(candidate, nowMs) {
      const detail = alertDetail(candidate.subjectId);
      if (candidate.stage === 0) {
        return {
          reason: `红色预警待核实：已上报 ${formatDurationZh(nowMs - candidate.since)}，请核实风险严重性及影响情况`,
          detail,
        };
      }
      if (candidate.stage === 1) {
        return {
          reason: '已核实构成较大风险，请启动大闭环处置程序（突发事件类报应急指挥中心，风险类报综合减灾处）',
          detail,
        };
      }
      const loop = MAJOR_LOOP_NAMES[candidate.facts ?? ''] ?? { name: '大闭环', reportTo: '相关单位' };
      return {
        reason: `${loop.name}已启动（报${loop.reportTo}），请跟踪处置进度直至结案`,
        detail: { ...detail, majorLoopKind: candidate.facts },
      };
    },
    clearedReason: (id) =>
      alertCleared(id, (row) => {
        if (row.level !== 'red') return '预警等级已调整，不再为红色预警';
        return row.verified_at !== null ? '已核实：不构成较大风险' : '不再满足提示条件';
      }),
    progressionReason: (_from, to) => (to === 1 ? '已核实：构成较大风险' : '已启动大闭环处置程序'),
  };

  return [
    redAlert,
    undispatched,
    overdueClosure,
    nonStandard,
    sceneSilent,
    deviceOffline,
    deviceInfoError,
    syncRateLow,
    riskMapAnomaly,
  ];
}
