/**
 * One alert's life, planned when it is raised: its readings, its required elements (some missing), when the scene
 * dispatches it (usually in time, sometimes over an hour late, sometimes never), when the handler arrives and
 * when it is closed (usually within the command manual's limit, sometimes days late). The plan is drawn from the
 * alert's own random stream, then applied step by step as the clock passes each step's instant.
 */
import { categorySpec, type CategorySpec, type ElementSpec } from './catalogue';
import { DEMO_OPERATORS, personName, phoneNumber, type District, type SceneDefinition } from './district';
import {
  ALERT_LEVELS,
  DAY_MS,
  HOUR_MS,
  MAJOR_LOOP_RECIPIENT,
  type AlertLevel,
  type MajorLoopKind,
} from './domain';
import type {
  AlertData,
  ElementIssue,
  Handler,
  ReadingsSummary,
  TimelineEntryData,
  Unversioned,
  WorkOrderData,
} from './entities';
import type { Rng } from './random';
import type { AlertDraw } from './world';

export const LEVEL_NAMES: Record<AlertLevel, string> = {
  blue: '蓝色',
  yellow: '黄色',
  orange: '橙色',
  red: '红色',
};
const MINUTE_MS = 60_000;
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;
const PLATFORM_ACTOR = { kind: 'system', name: '监测预警总平台', operatorId: null } as const;

export type StepKind = 'fixElements' | 'dispatch' | 'arrive' | 'close' | 'verify' | 'majorLoop';

export interface PlannedStep {
  at: number;
  kind: StepKind;
}

/** What the steps need beyond the alert itself; stored with alerts that still have steps ahead. */
export interface AlertPlan {
  alertId: string;
  steps: PlannedStep[];
  /** Correct values of the elements that were missing or malformed at report. */
  fixedElements: Record<string, string> | null;
  handler: Handler | null;
  measures: string[];
  feedback: string;
  closedReason: 'resolved' | 'falseAlarm';
  verification: { operatorId: string; operatorName: string; significant: boolean; assessment: string } | null;
  majorLoop: { kind: MajorLoopKind; summary: string } | null;
}

export type AlertRecord = Unversioned<AlertData>;
export type WorkOrderRecord = Unversioned<WorkOrderData>;
export type TimelineRecord = Unversioned<TimelineEntryData>;

/** An alert, its work order and the timeline entries that its steps produced. */
export interface AlertState {
  alert: AlertRecord;
  workOrder: WorkOrderRecord | null;
  timeline: TimelineRecord[];
}

export interface RaisedAlert {
  state: AlertState;
  plan: AlertPlan;
}

/**
 * Plans an alert from its draw. `historyBoundary` is when the server's history was generated: red alerts before
 * it were verified (and some escalated) by the duty team of the past; later ones wait for a real operator.
 */
export function raiseAlert(district: District, draw: AlertDraw, historyBoundary: number): RaisedAlert {
  const { scene, device, rng } = draw;
  const category = categorySpec(scene.category);
  const level = drawLevel(category, rng);
  const manual = district.manualByScene.get(scene.id)?.[level];
  if (!manual) throw new Error(`scene ${scene.id} has no command manual for ${level}`);
  const elementId = rng.pick(device.elementIds);
  const element = category.elements.find((candidate) => `${category.id}.${candidate.code}` === elementId);
  if (!element) throw new Error(`device ${device.id} watches unknown element ${elementId}`);

  const reportedAt = draw.reportedAt;
  const occurredAt = reportedAt - Math.round((scene.relayDelayMinutes + rng.between(0.3, 4)) * MINUTE_MS);
  const readings = drawReadings(element, elementId, level, occurredAt, rng);
  const id = alertIdFor(scene, draw.hourIndex, draw.ordinal);
  const deadline = reportedAt + manual.handlingLimitHours * HOUR_MS;

  const correctElements = drawElements(category, scene, draw, readings, level, rng);
  const { elements, issues } = maybeSpoilElements(scene, correctElements, rng);

  const alert: AlertRecord = {
    id,
    sceneId: scene.id,
    deviceId: device.id,
    category: category.id,
    level,
    title: `${element.name}${element.direction === 'above' ? '超过' : '低于'}${LEVEL_NAMES[level]}预警阈值`,
    location: { street: device.street, address: device.address, lng: device.lng, lat: device.lat },
    occurredAt: iso(occurredAt),
    reportedAt: iso(reportedAt),
    elements,
    elementIssues: issues,
    readings,
    status: 'pending',
    handler: null,
    dispatchedAt: null,
    handlingLimitHours: manual.handlingLimitHours,
    deadlineAt: iso(deadline),
    closedAt: null,
    closedReason: null,
    loop: manual.loop,
    majorLoopKind: null,
    majorLoopStartedAt: null,
    majorLoopReportedTo: null,
    majorLoopSummary: null,
    verifiedAt: null,
    verifiedBy: null,
    verification: null,
    workOrderId: null,
  };

  const steps: PlannedStep[] = [];
  let fixedElements: Record<string, string> | null = null;
  if (issues.length > 0 && rng.chance(0.65)) {
    fixedElements = {};
    for (const issue of issues) fixedElements[issue.key] = correctElements[issue.key] ?? '';
    steps.push({ at: reportedAt + Math.round(rng.logUniform(1, 70) * HOUR_MS), kind: 'fixElements' });
  }

  // Dispatch (派单): usually within the hour, sometimes over an hour late (超期未派单), sometimes never.
  const dispatchRoll = rng.next();
  let dispatchAt: number | null = null;
  if (dispatchRoll < 0.84) dispatchAt = reportedAt + Math.round(rng.logUniform(3, 55) * MINUTE_MS);
  else if (dispatchRoll < 0.95) dispatchAt = reportedAt + Math.round(rng.logUniform(62, 12 * 60) * MINUTE_MS);
  const handler: Handler | null =
    dispatchAt === null
      ? null
      : { name: personName(rng), unit: rng.pick(category.handlerUnits), phone: phoneNumber(rng) };

  let closeAt: number;
  let closedReason: AlertPlan['closedReason'] = 'resolved';
  let feedback = rng.pick(category.feedback);
  if (dispatchAt !== null) {
    const limitMs = manual.handlingLimitHours * HOUR_MS;
    const arriveAt =
      dispatchAt + Math.round(rng.logUniform(10 * MINUTE_MS, Math.max(20 * MINUTE_MS, limitMs / 3)));
    steps.push({ at: dispatchAt, kind: 'dispatch' }, { at: arriveAt, kind: 'arrive' });
    // Closure (结案): usually within the handling limit, sometimes late, sometimes days late (超期未结案).
    const closeRoll = rng.next();
    if (closeRoll < 0.78) closeAt = reportedAt + Math.round(limitMs * rng.between(0.2, 0.97));
    else if (closeRoll < 0.91) closeAt = deadline + Math.round(rng.between(0.5, 46) * HOUR_MS);
    else closeAt = deadline + Math.round(rng.logUniform(2.05, 12) * DAY_MS);
    closeAt = Math.max(closeAt, arriveAt + 10 * MINUTE_MS);
    if (rng.chance(0.12)) {
      closedReason = 'falseAlarm';
      feedback = '现场核查为设备误报，已校准设备并销号';
    }
  } else {
    // Never dispatched: the scene eventually closes it as a false alarm after its own check, sometimes weeks on.
    closedReason = 'falseAlarm';
    feedback = '场景自查为误报，予以销号';
    closeAt =
      reportedAt +
      Math.round((rng.chance(0.8) ? rng.logUniform(6, 9 * 24) : rng.logUniform(10 * 24, 40 * 24)) * HOUR_MS);
  }
  steps.push({ at: closeAt, kind: 'close' });

  let verification: AlertPlan['verification'] = null;
  let majorLoop: AlertPlan['majorLoop'] = null;
  if (level === 'red') {
    const verifyAt = reportedAt + Math.round(rng.logUniform(4, 40) * MINUTE_MS);
    const operator = rng.pick(DEMO_OPERATORS);
    const significant = rng.chance(0.4);
    if (verifyAt <= historyBoundary) {
      verification = {
        operatorId: operator.id,
        operatorName: operator.name,
        significant,
        assessment: significant
          ? `经核实，${category.riskText}，影响范围较大，构成较大风险`
          : '经核实，现场风险可控，影响范围有限，按场景指挥手册处置',
      };
      steps.push({ at: verifyAt, kind: 'verify' });
      const majorAt = verifyAt + Math.round(rng.logUniform(3, 25) * MINUTE_MS);
      if (significant && majorAt <= historyBoundary && majorAt < closeAt) {
        const kind: MajorLoopKind = rng.chance(0.4) ? 'emergency' : 'risk';
        majorLoop = { kind, summary: `${scene.name}：${alert.title}（${device.street}${device.address}）` };
        steps.push({ at: majorAt, kind: 'majorLoop' });
      }
    }
  }
  steps.sort((a, b) => a.at - b.at);

  // The centre itself pushes orange and red alerts to the command manual's notify list (警情推送); blue and
  // yellow ones stay in the scene's own small loop.
  const timeline: TimelineRecord[] = [];
  if (level === 'orange' || level === 'red') {
    timeline.push({
      id: `${id}-push`,
      subject: { entity: 'alert', id },
      kind: 'push',
      at: iso(reportedAt),
      actor: PLATFORM_ACTOR,
      text: `${LEVEL_NAMES[level]}预警推送至${manual.notify.join('、')}`,
    });
  }
  const plan: AlertPlan = {
    alertId: id,
    steps,
    fixedElements,
    handler,
    measures: category.measures as string[],
    feedback,
    closedReason,
    verification,
    majorLoop,
  };
  return { state: { alert, workOrder: null, timeline }, plan };
}

/**
 * Applies the plan's steps due at or before `upTo` to the state (in place) and returns how many it applied;
 * `plan.steps` keeps only those still ahead.
 */
export function applyDueSteps(
  state: AlertState,
  plan: AlertPlan,
  scene: SceneDefinition,
  upTo: number,
): number {
  let applied = 0;
  while (plan.steps.length > 0 && (plan.steps[0] as PlannedStep).at <= upTo) {
    const step = plan.steps.shift() as PlannedStep;
    applyStep(state, plan, scene, step);
    applied++;
  }
  return applied;
}

function applyStep(state: AlertState, plan: AlertPlan, scene: SceneDefinition, step: PlannedStep): void {
  const { alert } = state;
  const at = iso(step.at);
  const sceneActor = { kind: 'scene', name: scene.contacts.sceneOperator.name, operatorId: null } as const;
  switch (step.kind) {
    case 'fixElements': {
      if (!plan.fixedElements) return;
      const labels = alert.elementIssues.map((issue) => labelOf(scene, issue.key)).join('、');
      alert.elements = { ...alert.elements, ...plan.fixedElements };
      alert.elementIssues = [];
      state.timeline.push({
        id: `${alert.id}-fix`,
        subject: { entity: 'alert', id: alert.id },
        kind: 'elementsCompleted',
        at,
        actor: sceneActor,
        text: `补充完善要素信息：${labels}`,
      });
      return;
    }
    case 'dispatch': {
      const handler = plan.handler;
      if (!handler || alert.status === 'closed') return;
      alert.status = 'dispatched';
      alert.handler = handler;
      alert.dispatchedAt = at;
      alert.workOrderId = workOrderId(alert.id);
      state.workOrder = {
        id: alert.workOrderId,
        alertId: alert.id,
        sceneId: alert.sceneId,
        loop: alert.loop,
        status: 'dispatched',
        handler,
        createdAt: at,
        dispatchedAt: at,
        arrivedAt: null,
        deadlineAt: alert.deadlineAt,
        closedAt: null,
        measures: plan.measures,
        feedback: null,
      };
      if (tracked(alert)) {
        state.timeline.push({
          id: `${alert.id}-dispatch`,
          subject: { entity: 'alert', id: alert.id },
          kind: 'dispatch',
          at,
          actor: sceneActor,
          text: `派单至${handler.unit}${handler.name}（${handler.phone}），处置时限${alert.handlingLimitHours}小时`,
        });
      }
      return;
    }
    case 'arrive': {
      if (alert.status !== 'dispatched') return;
      alert.status = 'handling';
      if (state.workOrder) {
        state.workOrder.status = 'handling';
        state.workOrder.arrivedAt = at;
      }
      return;
    }
    case 'close': {
      if (alert.status === 'closed') return;
      alert.status = 'closed';
      alert.closedAt = at;
      alert.closedReason = plan.closedReason;
      const feedback = `${plan.feedback}（${plan.closedReason === 'falseAlarm' ? '误报销号' : '处置完毕结案'}）`;
      if (state.workOrder) {
        state.workOrder.status = 'closed';
        state.workOrder.closedAt = at;
        state.workOrder.loop = alert.loop;
        state.workOrder.feedback = feedback;
      }
      if (!tracked(alert)) return;
      const handler = alert.handler;
      state.timeline.push({
        id: `${alert.id}-feedback`,
        subject: { entity: 'alert', id: alert.id },
        kind: 'feedback',
        at,
        actor: handler
          ? { kind: 'handler', name: `${handler.unit}${handler.name}`, operatorId: null }
          : sceneActor,
        text: feedback,
      });
      return;
    }
    case 'verify': {
      const verification = plan.verification;
      if (!verification || alert.verifiedAt) return;
      alert.verifiedAt = at;
      alert.verifiedBy = verification.operatorId;
      alert.verification = { significant: verification.significant, assessment: verification.assessment };
      state.timeline.push({
        id: `${alert.id}-verify`,
        subject: { entity: 'alert', id: alert.id },
        kind: 'verification',
        at,
        actor: { kind: 'operator', name: verification.operatorName, operatorId: verification.operatorId },
        text: `核实：${verification.assessment}`,
      });
      return;
    }
    case 'majorLoop': {
      const majorLoop = plan.majorLoop;
      if (!majorLoop || alert.majorLoopKind || !plan.verification) return;
      startMajorLoopOn(alert, majorLoop.kind, majorLoop.summary, at);
      if (state.workOrder) state.workOrder.loop = 'major';
      state.timeline.push(
        majorLoopEntry(alert, majorLoop.kind, majorLoop.summary, at, {
          kind: 'operator',
          name: plan.verification.operatorName,
          operatorId: plan.verification.operatorId,
        }),
      );
      return;
    }
  }
}

/**
 * Whether the centre keeps the alert's process records (push, dispatch, feedback) as timeline entries: it pushes
 * orange and red alerts itself and follows them; blue and yellow ones stay in the scene's small loop, and their
 * outcome is on the work order.
 */
function tracked(alert: AlertRecord): boolean {
  return alert.level === 'orange' || alert.level === 'red' || alert.loop === 'major';
}

export function startMajorLoopOn(alert: AlertRecord, kind: MajorLoopKind, summary: string, at: string): void {
  alert.loop = 'major';
  alert.majorLoopKind = kind;
  alert.majorLoopStartedAt = at;
  alert.majorLoopReportedTo = MAJOR_LOOP_RECIPIENT[kind];
  alert.majorLoopSummary = summary;
}

export function majorLoopEntry(
  alert: AlertRecord,
  kind: MajorLoopKind,
  summary: string,
  at: string,
  actor: TimelineRecord['actor'],
  id = `${alert.id}-major`,
): TimelineRecord {
  return {
    id,
    subject: { entity: 'alert', id: alert.id },
    kind: 'majorLoop',
    at,
    actor,
    text: `启动${kind === 'emergency' ? '突发事件类' : '风险类'}大闭环，报告${MAJOR_LOOP_RECIPIENT[kind]}：${summary}`,
  };
}

export function workOrderId(alertIdentifier: string): string {
  return `GD${alertIdentifier.slice(2)}`;
}

/** 预警编号: YJ + local date and hour + scene number + ordinal within the hour, e.g. YJ2024061208-017-03. */
export function alertIdFor(scene: SceneDefinition, hourIndex: number, ordinal: number | string): string {
  const suffix = typeof ordinal === 'number' ? String(ordinal + 1).padStart(2, '0') : ordinal;
  return `YJ${hourStamp(hourIndex)}-${String(scene.index + 1).padStart(3, '0')}-${suffix}`;
}

let stampHour = Number.NaN;
let stampText = '';

/** yyyyMMddHH in Shanghai time for an hour index, cached: generation asks for the same hour many times running. */
function hourStamp(hourIndex: number): string {
  if (hourIndex !== stampHour) {
    const local = iso(hourIndex * HOUR_MS + SHANGHAI_OFFSET_MS);
    stampText = `${local.slice(0, 4)}${local.slice(5, 7)}${local.slice(8, 10)}${local.slice(11, 13)}`;
    stampHour = hourIndex;
  }
  return stampText;
}

function drawLevel(category: CategorySpec, rng: Rng): AlertLevel {
  return rng.weighted(ALERT_LEVELS.map((level) => [level, category.levelWeights[level]] as const));
}

function drawReadings(
  element: ElementSpec,
  elementId: string,
  level: AlertLevel,
  occurredAt: number,
  rng: Rng,
): ReadingsSummary {
  const levelIndex = ALERT_LEVELS.indexOf(level);
  const threshold = element.thresholds[level];
  const nextLevel = ALERT_LEVELS[levelIndex + 1];
  const beyond = element.direction === 'above' ? 1.3 : 0.75;
  const limit = nextLevel ? element.thresholds[nextLevel] : threshold * beyond;
  // Strictly past this level's threshold, short of the next one: the level follows from the reading.
  const peak = roundTo(threshold + (limit - threshold) * rng.between(0.05, 0.9), element.decimals);
  const safePeak = crosses(element, peak, threshold) ? peak : nudgePast(element, threshold);
  const latest = roundTo(safePeak + (element.normal - safePeak) * rng.between(0, 0.8), element.decimals);
  return {
    elementId,
    elementName: element.name,
    unit: element.unit,
    direction: element.direction,
    threshold,
    peak: safePeak,
    latest,
    samplesBeyondThreshold: rng.int(1, 30),
    exceededAt: iso(occurredAt),
  };
}

function crosses(element: ElementSpec, value: number, threshold: number): boolean {
  return element.direction === 'above' ? value >= threshold : value <= threshold;
}

function nudgePast(element: ElementSpec, threshold: number): number {
  const step = 10 ** -element.decimals;
  return roundTo(element.direction === 'above' ? threshold + step : threshold - step, element.decimals);
}

function drawElements(
  category: CategorySpec,
  scene: SceneDefinition,
  draw: AlertDraw,
  readings: ReadingsSummary,
  level: AlertLevel,
  rng: Rng,
): Record<string, string> {
  const { device } = draw;
  const values: Record<string, string> = {
    location: `${device.street}${device.address}`,
    deviceCode: device.code,
    monitoredValue: `${readings.peak}${readings.unit}`,
    threshold: `${readings.direction === 'above' ? '≥' : '≤'}${readings.threshold}${readings.unit}（${LEVEL_NAMES[level]}）`,
    ownerUnit: device.ownerUnit,
    contact: personName(rng),
    contactPhone: phoneNumber(rng),
    riskDescription: category.riskText,
  };
  for (const field of scene.requiredElements) {
    if (field.key in values) continue;
    values[field.key] = extraElementValue(field.key, draw, rng);
  }
  return values;
}

function extraElementValue(key: string, draw: AlertDraw, rng: Rng): string {
  const { device } = draw;
  switch (key) {
    case 'pipeSpec':
      return `DN${rng.pick([200, 300, 400, 600, 800])} ${rng.pick(['中压', '次高压', '低压'])}`;
    case 'venueName':
      return device.address.split('（')[0] ?? device.address;
    case 'bridgeGrade':
      return rng.pick(['B类', 'C类', 'D类']);
    case 'workPermit':
      return `YXKJ-${new Date(draw.reportedAt).getUTCFullYear()}-${String(rng.int(1, 9999)).padStart(4, '0')}`;
    case 'buildingAge':
      return `${rng.int(1958, 1998)}年`;
    case 'venueCapacity':
      return `${rng.int(5, 60) * 1000}人`;
    case 'fireSafetyManager':
      return personName(rng);
    case 'registrationCode':
      return `3110${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
    case 'plateNumber':
      return `沪${rng.pick(['A', 'B', 'D', 'E', 'F', 'G'])}${String(rng.int(10_000, 99_999))}`;
    case 'hazardSourceLevel':
      return rng.pick(['一级', '二级', '三级', '四级']);
    case 'projectName':
      return device.address.replace('基坑', '工程');
    case 'pumpStation':
      return `${device.street}${rng.pick(['一号', '二号', '中心'])}雨水泵站`;
    case 'warningSignal':
      return rng.pick(['台风蓝色预警信号', '台风黄色预警信号', '大风黄色预警信号', '暴雨蓝色预警信号']);
    default:
      return '见现场记录';
  }
}

/** About one alert in twenty-two arrives with required elements missing or malformed (填报不规范). */
function maybeSpoilElements(
  scene: SceneDefinition,
  correct: Record<string, string>,
  rng: Rng,
): { elements: Record<string, string | null>; issues: ElementIssue[] } {
  const elements: Record<string, string | null> = { ...correct };
  if (!rng.chance(0.045)) return { elements, issues: [] };
  const issues: ElementIssue[] = [];
  const spoiled = rng.chance(0.3) ? 2 : 1;
  const keys = scene.requiredElements.map((field) => field.key);
  while (issues.length < spoiled) {
    const key = rng.pick(keys);
    if (issues.some((issue) => issue.key === key)) continue;
    const label = labelOf(scene, key);
    if (rng.chance(0.6)) {
      elements[key] = null;
      issues.push({ key, problem: 'missing', detail: `未填写${label}` });
    } else {
      const [value, detail] = malformed(key, correct[key] ?? '', label);
      elements[key] = value;
      issues.push({ key, problem: 'malformed', detail });
    }
  }
  return { elements, issues };
}

function malformed(key: string, correct: string, label: string): [string, string] {
  switch (key) {
    case 'contactPhone':
      return [correct.replace('021-', '').slice(0, 5), '联系电话位数不正确'];
    case 'location':
      return ['详见附件', '事件地点未具体到门牌或点位'];
    case 'monitoredValue':
      return [correct.replace(/[^\d.]/g, ''), '监测值缺少计量单位'];
    default:
      return ['/', `${label}为占位符“/”`];
  }
}

function labelOf(scene: SceneDefinition, key: string): string {
  return scene.requiredElements.find((field) => field.key === key)?.label ?? key;
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/**
 * `new Date(ms).toISOString()` without the Date: generating a large district formats millions of instants and the
 * Date round trip dominated. Valid for years 1970-9999, which is all the simulator produces.
 */
export function iso(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${civilDate(days)}T${two(hours)}:${two(minutes)}:${two(seconds)}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

let cachedDay = Number.NaN;
let cachedDate = '';

/** Days since 1970-01-01 to YYYY-MM-DD (Howard Hinnant's civil_from_days), cached per day. */
function civilDate(days: number): string {
  if (days === cachedDay) return cachedDate;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  cachedDay = days;
  cachedDate = `${year}-${two(month)}-${two(day)}`;
  return cachedDate;
}

function two(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}
