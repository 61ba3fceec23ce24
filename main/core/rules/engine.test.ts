import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../clock';
import { silentLogger } from '../logger';
import { shippedRulesConfig, type RuleId, type RulesConfig } from './config';
import { createRulesEngine, type RulesEngine, type TickReport } from './engine';
import type { WorkPromptRecord } from './prompt-store';
import {
  GOOD_GAS_ELEMENTS,
  openTestCache,
  setLastSync,
  upsertAlert,
  upsertDevice,
  upsertKeyPeriod,
  upsertScene,
  type AlertInput,
  type TestCache,
} from './test-cache';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const shanghai = (year: number, month: number, day: number, hour = 0, minute = 0): number =>
  Date.UTC(year, month - 1, day, hour - 8, minute);

/** Tuesday 15 September 2026, 10:00 in Shanghai: no calendar duty is in its window then. */
const T0 = shanghai(2026, 9, 15, 10, 0);
const LAST_SYNC = T0 - 30_000;

let cache: TestCache;
let clock: ReturnType<typeof createManualClock>;
let engine: RulesEngine;

function startEngine(config: RulesConfig = shippedRulesConfig()): RulesEngine {
  engine = createRulesEngine({ db: cache.db, clock, config, logger: silentLogger });
  return engine;
}

beforeEach(() => {
  cache = openTestCache();
  clock = createManualClock(T0);
  setLastSync(cache.db, LAST_SYNC);
  // A scene that reported recently and a device that is fine: the background of every test.
  upsertScene(cache.db, { id: 'S1', name: '浦东新区燃气管网场景', lastAlertAt: T0 - HOUR });
  upsertDevice(cache.db, { id: 'D1', sceneId: 'S1' });
  startEngine();
});
afterEach(() => {
  cache.remove();
});

function at(ms: number): void {
  clock.set(ms);
  engine.tick();
}
function prompts(rule: RuleId): WorkPromptRecord[] {
  return engine.listPrompts({ scope: 'all', rules: [rule], includeSnoozed: true });
}
function open(rule: RuleId): WorkPromptRecord[] {
  return engine.listPrompts({ scope: 'open', rules: [rule], includeSnoozed: true });
}
function auditActions(promptId: string): string[] {
  return cache.db
    .prepare<[string], { action: string }>('SELECT action FROM audit WHERE subject = ? ORDER BY id')
    .all(`localPrompt:${promptId}`)
    .map((row) => row.action);
}
function alert(input: Partial<AlertInput> & { id: string }): void {
  upsertAlert(cache.db, { reportedAt: T0, ...input });
}

describe('undispatched (超期未派单)', () => {
  it('59 minutes without a handler: nothing; 61 minutes: a prompt to the scene operator, due within the hour', () => {
    alert({ id: 'A1', reportedAt: T0 - 59 * MINUTE });
    at(T0);
    expect(prompts('undispatched')).toEqual([]);
    at(T0 + 2 * MINUTE);
    const [prompt] = prompts('undispatched');
    expect(prompt).toMatchObject({
      subject: { entity: 'alert', id: 'A1' },
      stage: 0,
      state: 'raised',
      recipientRole: 'sceneOperator',
      reason: '已 1 小时 1 分无处置人员',
      raisedAt: T0 + 2 * MINUTE,
      dueAt: T0 + 2 * MINUTE + HOUR,
      dataAsOf: LAST_SYNC,
      episode: T0 - 59 * MINUTE,
    });
    expect(prompt?.detail).toMatchObject({
      sceneName: '浦东新区燃气管网场景',
      title: '甲烷浓度超过黄色预警阈值',
    });
    expect(engine.counts().undispatched).toBe(1);
  });

  it('reads the figures as an operator says them', () => {
    alert({ id: 'A1', reportedAt: T0 - 72 * MINUTE });
    at(T0);
    expect(prompts('undispatched')[0]?.reason).toBe('已 1 小时 12 分无处置人员');
  });

  it('resolves itself when the alert gets a handler, and says so', () => {
    alert({ id: 'A1', reportedAt: T0 - 2 * HOUR });
    at(T0);
    alert({ id: 'A1', reportedAt: T0 - 2 * HOUR, handler: true, version: 2 });
    at(T0 + 5_000);
    const [prompt] = prompts('undispatched');
    expect(prompt).toMatchObject({
      state: 'resolved',
      resolutionKind: 'conditionCleared',
      resolution: '已落实处置人员',
      resolvedAt: T0 + 5_000,
      resolvedBy: null,
    });
    expect(auditActions(prompt!.id)).toEqual(['workPrompt.raised', 'workPrompt.selfResolved']);
    expect(engine.counts().undispatched).toBe(0);
  });

  it('resolves itself when the alert closes', () => {
    alert({ id: 'A1', reportedAt: T0 - 2 * HOUR });
    at(T0);
    alert({ id: 'A1', reportedAt: T0 - 2 * HOUR, closedAt: T0, version: 2 });
    at(T0 + 5_000);
    expect(prompts('undispatched')[0]).toMatchObject({ state: 'resolved', resolution: '预警已结案' });
  });
});

describe('overdue-closure (超期未结案)', () => {
  const deadline = T0 - 2 * DAY;
  it('2 days minus a minute past the handling limit: nothing; plus a minute: a prompt due in 2 days', () => {
    alert({ id: 'A1', handler: true, reportedAt: deadline - 24 * HOUR, deadlineAt: deadline });
    at(T0 - MINUTE);
    expect(prompts('overdue-closure')).toEqual([]);
    at(T0 + MINUTE);
    expect(prompts('overdue-closure')[0]).toMatchObject({
      recipientRole: 'sceneOperator',
      reason: expect.stringMatching(/^超过处置时限 2 天仍未结案/) as unknown,
      dueAt: T0 + MINUTE + 2 * DAY,
      episode: deadline,
    });
    expect(engine.counts().overdueClosure).toBe(1);
  });

  it('resolves itself when the alert is closed', () => {
    alert({ id: 'A1', handler: true, reportedAt: deadline - DAY, deadlineAt: deadline - HOUR });
    at(T0);
    alert({
      id: 'A1',
      handler: true,
      reportedAt: deadline - DAY,
      deadlineAt: deadline - HOUR,
      closedAt: T0,
      version: 2,
    });
    at(T0 + 5_000);
    expect(prompts('overdue-closure')[0]).toMatchObject({ state: 'resolved', resolution: '预警已结案' });
  });
});

describe('scene-silent (无预警信息), the 1, 3 and 7 day ladder', () => {
  const lastAlert = T0 - 10 * DAY;
  beforeEach(() => {
    upsertScene(cache.db, {
      id: 'S2',
      name: '浦东新区桥梁监测场景',
      lastAlertAt: lastAlert,
      category: 'bridge',
    });
  });

  it('23 h 59 of silence: nothing; 24 h 01: the technician is asked to self-check', () => {
    at(lastAlert + 23 * HOUR + 59 * MINUTE);
    expect(prompts('scene-silent')).toEqual([]);
    at(lastAlert + 24 * HOUR + MINUTE);
    expect(prompts('scene-silent')).toMatchObject([
      {
        subject: { entity: 'scene', id: 'S2' },
        stage: 0,
        recipientRole: 'sceneTechnician',
        reason: '已 1 天无预警信息，请技术人员自检',
        dueAt: null,
        state: 'raised',
      },
    ]);
    expect(engine.counts().silentScenes).toBe(1);
  });

  it('escalates to the scene operator after 3 days and to the department head after 7', () => {
    at(lastAlert + 24 * HOUR + MINUTE);
    at(lastAlert + 72 * HOUR - MINUTE);
    expect(open('scene-silent').map((p) => p.stage)).toEqual([0]);
    at(lastAlert + 3 * DAY + 2 * HOUR);
    const afterThree = prompts('scene-silent');
    expect(afterThree.find((p) => p.stage === 0)).toMatchObject({
      state: 'resolved',
      resolutionKind: 'escalated',
      resolution: '条件持续超过 72 小时，已升级提示场景运营人员',
    });
    expect(afterThree.find((p) => p.stage === 1)).toMatchObject({
      state: 'raised',
      recipientRole: 'sceneOperator',
      reason: '已 3 天 2 小时无预警信息，请运营人员核实无预警情况',
    });
    at(lastAlert + 7 * DAY + MINUTE);
    expect(open('scene-silent')).toMatchObject([{ stage: 2, recipientRole: 'sceneHead' }]);
    expect(prompts('scene-silent')).toHaveLength(3);
    const first = afterThree.find((p) => p.stage === 0)!;
    expect(auditActions(first.id)).toEqual(['workPrompt.raised', 'workPrompt.escalated']);
  });

  it('first seen already silent for 5 days: raises the operator stage directly', () => {
    at(lastAlert + 5 * DAY);
    expect(prompts('scene-silent')).toMatchObject([{ stage: 1, recipientRole: 'sceneOperator' }]);
  });

  it('resolves itself when the scene reports again', () => {
    at(lastAlert + 4 * DAY);
    upsertScene(cache.db, {
      id: 'S2',
      lastAlertAt: lastAlert + 4 * DAY + MINUTE,
      category: 'bridge',
      version: 2,
    });
    at(lastAlert + 4 * DAY + 2 * MINUTE);
    expect(prompts('scene-silent')[0]).toMatchObject({ state: 'resolved', resolution: '场景已恢复上报预警' });
    expect(engine.counts().silentScenes).toBe(0);
  });

  it('counts an alert already in the cache even if the scene document lags behind', () => {
    alert({ id: 'A9', sceneId: 'S2', reportedAt: lastAlert + 3 * DAY, handler: true });
    at(lastAlert + 3 * DAY + 23 * HOUR);
    expect(prompts('scene-silent')).toEqual([]);
  });

  it('a new silence after the scene recovered gets a prompt of its own', () => {
    at(lastAlert + 2 * DAY);
    const recovered = lastAlert + 2 * DAY + HOUR;
    upsertScene(cache.db, { id: 'S2', lastAlertAt: recovered, category: 'bridge', version: 2 });
    at(recovered + MINUTE);
    at(recovered + DAY + MINUTE);
    const all = prompts('scene-silent');
    expect(all.map((p) => [p.episode, p.state])).toEqual([
      [lastAlert, 'resolved'],
      [recovered, 'raised'],
    ]);
  });
});

describe('sync-rate-low (同步率)', () => {
  it('89.9 %: a prompt to technical operations; exactly 90 %: none', () => {
    upsertScene(cache.db, { id: 'S3', syncRate: 0.899, reportedByScene: 1000, receivedByCentral: 899 });
    upsertScene(cache.db, { id: 'S4', syncRate: 0.9, reportedByScene: 1000, receivedByCentral: 900 });
    at(T0);
    expect(prompts('sync-rate-low')).toMatchObject([
      {
        subject: { entity: 'scene', id: 'S3' },
        recipientRole: 'techOps',
        reason: expect.stringMatching(/^同步率 89\.9%，低于 90%/) as unknown,
      },
    ]);
    expect(engine.counts().syncRate).toBe(1);
  });

  it('says the figures: 同步率 87.5%，低于 90%; and resolves when the rate recovers', () => {
    upsertScene(cache.db, { id: 'S3', syncRate: 0.875, reportedByScene: 200, receivedByCentral: 175 });
    at(T0);
    expect(prompts('sync-rate-low')[0]?.reason).toMatch(/^同步率 87\.5%，低于 90%/);
    upsertScene(cache.db, {
      id: 'S3',
      syncRate: 0.95,
      reportedByScene: 200,
      receivedByCentral: 190,
      version: 2,
    });
    at(T0 + 5_000);
    expect(prompts('sync-rate-low')[0]).toMatchObject({
      state: 'resolved',
      resolution: '同步率已恢复至 95%',
    });
  });

  it('flags data that disagrees (the centre received more than the scene reported)', () => {
    upsertScene(cache.db, { id: 'S3', syncRate: 1, reportedByScene: 120, receivedByCentral: 125 });
    at(T0);
    expect(prompts('sync-rate-low')[0]?.reason).toBe('预警数据不一致：场景上报 120 条，总平台收到 125 条');
  });
});

describe('device-offline, device-info-error, risk-map-anomaly', () => {
  it('an offline device prompts the scene operator until it is back online; going offline again is a new prompt', () => {
    upsertDevice(cache.db, { id: 'D2', status: 'offline', offlineSince: T0 - 2 * HOUR - 5 * MINUTE });
    at(T0);
    expect(prompts('device-offline')).toMatchObject([
      {
        recipientRole: 'sceneOperator',
        reason: '设备离线已 2 小时 5 分，请协调处置人员完成离线处置消警',
        dueAt: null,
      },
    ]);
    expect(engine.counts().deviceIssues).toBe(1);
    upsertDevice(cache.db, { id: 'D2', status: 'online' });
    at(T0 + MINUTE);
    expect(prompts('device-offline')[0]).toMatchObject({ state: 'resolved', resolution: '设备已恢复在线' });
    upsertDevice(cache.db, { id: 'D2', status: 'offline', offlineSince: T0 + HOUR });
    at(T0 + HOUR + MINUTE);
    expect(prompts('device-offline').map((p) => p.state)).toEqual(['resolved', 'raised']);
  });

  it('a device info error prompts the scene operator until corrected', () => {
    upsertDevice(cache.db, {
      id: 'D3',
      infoError: {
        field: '安装地址',
        registered: '张江路 100 号',
        observed: '张江路 180 号',
        detectedAt: T0 - HOUR,
      },
    });
    at(T0);
    expect(prompts('device-info-error')).toMatchObject([
      {
        recipientRole: 'sceneOperator',
        episode: T0 - HOUR,
        reason: '设备信息报错：安装地址登记为“张江路 100 号”，实际为“张江路 180 号”，请协调完成信息更正',
      },
    ]);
    upsertDevice(cache.db, { id: 'D3', infoError: null });
    at(T0 + MINUTE);
    expect(prompts('device-info-error')[0]).toMatchObject({
      state: 'resolved',
      resolution: '设备信息已更正',
    });
  });

  it('a risk source plotted outside the district prompts technical operations until fixed', () => {
    upsertDevice(cache.db, { id: 'D4', location: { lng: 0, lat: 0 } });
    upsertDevice(cache.db, { id: 'D5', location: null });
    at(T0);
    expect(prompts('risk-map-anomaly').map((p) => [p.subject.id, p.recipientRole, p.reason])).toEqual([
      ['D4', 'techOps', '风险一张图点位异常：坐标（0, 0）超出辖区范围，请核实风险源数据'],
      ['D5', 'techOps', '风险一张图点位异常：缺少坐标，请核实风险源数据'],
    ]);
    expect(engine.counts().riskMapAnomalies).toBe(2);
    upsertDevice(cache.db, { id: 'D4', location: { lng: 121.6, lat: 31.2 } });
    at(T0 + MINUTE);
    expect(open('risk-map-anomaly').map((p) => p.subject.id)).toEqual(['D5']);
  });
});

describe('non-standard (填报不规范)', () => {
  it('missing or malformed required elements prompt the department head, due within 2 days', () => {
    alert({
      id: 'A1',
      handler: true,
      elements: { ...GOOD_GAS_ELEMENTS, contactPhone: '58881', location: '详见附件', pipeSpec: null },
    });
    alert({ id: 'A2', handler: true });
    at(T0 + MINUTE);
    expect(prompts('non-standard')).toMatchObject([
      {
        subject: { id: 'A1' },
        recipientRole: 'sceneHead',
        dueAt: T0 + MINUTE + 2 * DAY,
        reason: '要素信息填报不规范：事件地点为占位符“详见附件”；联系电话格式不正确；未填写管线规格',
      },
    ]);
    expect(engine.counts().nonStandard).toBe(1);
  });

  it('counts the issues the platform itself reported', () => {
    alert({
      id: 'A1',
      handler: true,
      elementIssues: [{ key: 'riskDescription', problem: 'malformed', detail: '风险描述过于笼统' }],
    });
    at(T0);
    expect(prompts('non-standard')[0]?.reason).toBe('要素信息填报不规范：风险描述过于笼统');
  });

  it('resolves itself when the elements are completed', () => {
    alert({ id: 'A1', handler: true, elements: { ...GOOD_GAS_ELEMENTS, contact: '' } });
    at(T0);
    expect(open('non-standard')).toHaveLength(1);
    alert({ id: 'A1', handler: true, version: 2 });
    at(T0 + MINUTE);
    expect(prompts('non-standard')[0]).toMatchObject({ state: 'resolved', resolution: '要素信息已补全' });
  });

  it('a site changing what non-standard means re-checks the open alerts, keeping prompts until each is re-checked', () => {
    for (let i = 0; i < 4; i += 1) {
      alert({ id: `A${i}`, handler: true, elements: { ...GOOD_GAS_ELEMENTS, contactPhone: '58881' } });
    }
    at(T0);
    expect(open('non-standard')).toHaveLength(4);
    const config = shippedRulesConfig();
    const rule = config.rules['non-standard'];
    const lenient: RulesConfig = {
      ...config,
      rules: {
        ...config.rules,
        'non-standard': {
          ...rule,
          requiredElements: {
            ...rule.requiredElements,
            common: rule.requiredElements.common.map(({ key, label }) => ({ key, label })),
          },
        },
      },
    };
    engine = createRulesEngine({
      db: cache.db,
      clock,
      config: lenient,
      logger: silentLogger,
      budget: { documentsPerTick: 1 },
    });
    const stillOpen: number[] = [];
    for (let i = 1; i <= 5; i += 1) {
      at(T0 + i * 5_000);
      stillOpen.push(open('non-standard').length);
    }
    expect(stillOpen).toEqual([3, 2, 1, 0, 0]);
  });

  it('judges with the configured elements and formats', () => {
    const config = shippedRulesConfig();
    const strict: RulesConfig = {
      ...config,
      rules: {
        ...config.rules,
        'non-standard': {
          ...config.rules['non-standard'],
          requiredElements: {
            ...config.rules['non-standard'].requiredElements,
            byCategory: { gasPipeline: [{ key: 'valveNumber', label: '阀门编号' }] },
          },
        },
      },
    };
    startEngine(strict);
    alert({ id: 'A1', handler: true });
    at(T0);
    expect(prompts('non-standard')[0]?.reason).toBe('要素信息填报不规范：未填写阀门编号');
  });
});

describe('red-alert (红色预警): verify, start a major loop, track it until the alert closes', () => {
  it('walks the flow from the alert columns', () => {
    alert({ id: 'R1', level: 'red', reportedAt: T0 - 12 * MINUTE });
    at(T0);
    expect(open('red-alert')).toMatchObject([
      {
        stage: 0,
        recipientRole: 'dutyTeam',
        reason: '红色预警待核实：已上报 12 分，请核实风险严重性及影响情况',
        dueAt: T0 + 30 * MINUTE,
      },
    ]);
    expect(engine.counts().redAlerts).toBe(1);

    alert({
      id: 'R1',
      level: 'red',
      reportedAt: T0 - 12 * MINUTE,
      verifiedAt: T0 + MINUTE,
      significant: true,
      version: 2,
    });
    at(T0 + 2 * MINUTE);
    expect(open('red-alert')).toMatchObject([
      { stage: 1, reason: expect.stringContaining('启动大闭环') as unknown },
    ]);
    expect(prompts('red-alert').find((p) => p.stage === 0)).toMatchObject({
      state: 'resolved',
      resolutionKind: 'stepDone',
      resolution: '已核实：构成较大风险',
    });
    expect(engine.counts().redAlerts).toBe(0);

    alert({
      id: 'R1',
      level: 'red',
      reportedAt: T0 - 12 * MINUTE,
      verifiedAt: T0 + MINUTE,
      significant: true,
      majorLoopKind: 'emergency',
      version: 3,
    });
    at(T0 + 10 * MINUTE);
    expect(open('red-alert')).toMatchObject([
      { stage: 2, dueAt: null, reason: '突发事件类大闭环已启动（报应急指挥中心），请跟踪处置进度直至结案' },
    ]);

    alert({
      id: 'R1',
      level: 'red',
      reportedAt: T0 - 12 * MINUTE,
      verifiedAt: T0 + MINUTE,
      significant: true,
      majorLoopKind: 'emergency',
      closedAt: T0 + DAY,
      version: 4,
    });
    at(T0 + DAY + MINUTE);
    expect(open('red-alert')).toEqual([]);
    expect(prompts('red-alert').find((p) => p.stage === 2)).toMatchObject({ resolution: '预警已结案' });
  });

  it('a red alert verified as not significant closes its prompt', () => {
    alert({ id: 'R2', level: 'red' });
    at(T0);
    alert({ id: 'R2', level: 'red', verifiedAt: T0 + MINUTE, significant: false, version: 2 });
    at(T0 + 2 * MINUTE);
    expect(prompts('red-alert')).toMatchObject([{ state: 'resolved', resolution: '已核实：不构成较大风险' }]);
  });

  it('a risk-kind loop reports to the disaster reduction division', () => {
    alert({ id: 'R3', level: 'red', verifiedAt: T0, significant: true, majorLoopKind: 'risk' });
    at(T0);
    expect(open('red-alert')[0]?.reason).toBe('风险类大闭环已启动（报综合减灾处），请跟踪处置进度直至结案');
  });
});

describe('prompt lifecycle', () => {
  beforeEach(() => {
    alert({ id: 'A1', reportedAt: T0 - 2 * HOUR });
    at(T0);
  });
  const theOne = (): WorkPromptRecord => prompts('undispatched')[0]!;

  it('raised -> issued -> acknowledged -> resolved by an operator, each step audited', () => {
    const id = theOne().id;
    expect(engine.acknowledge(id, 'op-1')).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(engine.markIssued(id, 'op-1')).toMatchObject({
      ok: true,
      value: { state: 'issued', issuedBy: 'op-1', issuedAt: T0 },
    });
    expect(engine.markIssued(id, 'op-1')).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    clock.advance(MINUTE);
    expect(engine.acknowledge(id, 'op-2', '已联系燃气公司')).toMatchObject({
      ok: true,
      value: { state: 'acknowledged', acknowledgedBy: 'op-2', acknowledgementNote: '已联系燃气公司' },
    });
    expect(engine.resolve(id, 'op-1', '')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(engine.resolve(id, 'op-1', '电话确认处置人员已到场')).toMatchObject({
      ok: true,
      value: {
        state: 'resolved',
        resolutionKind: 'operator',
        resolvedBy: 'op-1',
        resolution: '电话确认处置人员已到场',
      },
    });
    expect(engine.resolve(id, 'op-1', '再次')).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(auditActions(id)).toEqual([
      'workPrompt.raised',
      'workPrompt.issued',
      'workPrompt.acknowledged',
      'workPrompt.resolved',
    ]);
    const audited = cache.db
      .prepare<[string], { operator_id: string | null }>(
        "SELECT operator_id FROM audit WHERE subject = ? AND action = 'workPrompt.acknowledged'",
      )
      .get(`localPrompt:${id}`);
    expect(audited?.operator_id).toBe('op-2');
  });

  it('a prompt an operator resolved while the condition holds is not raised again', () => {
    engine.resolve(theOne().id, 'op-1', '已电话督促');
    for (let i = 1; i <= 20; i += 1) at(T0 + i * 5_000);
    expect(prompts('undispatched')).toHaveLength(1);
    expect(engine.counts().workPrompts).toBe(0);
  });

  it('refuses unknown ids and bad input without throwing', () => {
    expect(engine.markIssued('no-such-prompt', 'op-1')).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(engine.markIssued('', 'op-1')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(engine.markIssued(theOne().id, '  ')).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(engine.snooze(theOne().id, '等待', Number.NaN, 'op-1')).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
  });
});

describe('snooze', () => {
  beforeEach(() => {
    alert({ id: 'A1', reportedAt: T0 - 2 * HOUR });
    at(T0);
  });
  const theOne = (): WorkPromptRecord => prompts('undispatched')[0]!;

  it('hides a prompt until the snooze ends, then brings it back if the condition still holds', () => {
    const result = engine.snooze(theOne().id, '等待场景回电', T0 + HOUR, 'op-1');
    expect(result).toMatchObject({
      ok: true,
      value: { snoozedUntil: T0 + HOUR, snoozeReason: '等待场景回电', snoozedBy: 'op-1' },
    });
    expect(engine.listPrompts({ rules: ['undispatched'] })).toEqual([]);
    expect(engine.counts().workPrompts).toBe(0);
    at(T0 + 30 * MINUTE);
    expect(engine.listPrompts({ rules: ['undispatched'] })).toEqual([]);
    at(T0 + HOUR + MINUTE);
    expect(engine.listPrompts({ rules: ['undispatched'] })).toMatchObject([
      { state: 'raised', snoozedUntil: null },
    ]);
    expect(engine.counts().workPrompts).toBe(1);
    expect(auditActions(theOne().id)).toEqual([
      'workPrompt.raised',
      'workPrompt.snoozed',
      'workPrompt.snoozeEnded',
    ]);
    expect(prompts('undispatched')).toHaveLength(1);
  });

  it('a snoozed prompt whose condition clears is resolved, not brought back', () => {
    engine.snooze(theOne().id, '等待场景回电', T0 + HOUR, 'op-1');
    alert({ id: 'A1', reportedAt: T0 - 2 * HOUR, handler: true, version: 2 });
    at(T0 + 10 * MINUTE);
    at(T0 + 2 * HOUR);
    expect(prompts('undispatched')).toMatchObject([
      { state: 'resolved', resolution: '已落实处置人员', snoozedUntil: null },
    ]);
  });

  it('needs a reason and an end time in the future, within the configured limit', () => {
    const id = theOne().id;
    expect(engine.snooze(id, '', T0 + HOUR, 'op-1')).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(engine.snooze(id, '稍后', T0 - 1, 'op-1')).toMatchObject({
      ok: false,
      error: { message: 'untilMs: must be in the future' },
    });
    expect(engine.snooze(id, '稍后', T0 + 73 * HOUR, 'op-1')).toMatchObject({
      ok: false,
      error: { message: 'untilMs: must be within 72 hours' },
    });
  });

  it('escalation is not held back by a snooze', () => {
    upsertScene(cache.db, { id: 'S2', lastAlertAt: T0 - 25 * HOUR });
    at(T0 + MINUTE);
    const first = open('scene-silent')[0]!;
    engine.snooze(first.id, '技术人员自检中', T0 + 72 * HOUR, 'op-1');
    at(T0 + 2 * DAY + MINUTE);
    const s2 = engine.listPrompts({ rules: ['scene-silent'] }).filter((p) => p.subject.id === 'S2');
    expect(s2).toMatchObject([{ stage: 1, snoozedUntil: null }]);
  });
});

describe('many ticks, restarts, offline', () => {
  function fillMixedCache(): void {
    upsertScene(cache.db, { id: 'S2', lastAlertAt: T0 - 4 * DAY });
    upsertScene(cache.db, { id: 'S3', syncRate: 0.8, lastAlertAt: T0 - HOUR });
    upsertDevice(cache.db, { id: 'D2', status: 'offline', offlineSince: T0 - HOUR });
    upsertDevice(cache.db, { id: 'D3', location: { lng: 10, lat: 10 } });
    alert({ id: 'A1', reportedAt: T0 - 2 * HOUR });
    alert({ id: 'A2', handler: true, reportedAt: T0 - 5 * DAY, deadlineAt: T0 - 3 * DAY });
    alert({ id: 'A3', handler: true, elements: { ...GOOD_GAS_ELEMENTS, contactPhone: null } });
    alert({ id: 'R1', level: 'red', handler: true });
    upsertKeyPeriod(cache.db, {
      id: 'KP1',
      name: '国庆假期',
      startsAt: shanghai(2026, 10, 1),
      endsAt: shanghai(2026, 10, 8),
    });
  }
  const promptRows = (): number =>
    (cache.db.prepare('SELECT COUNT(*) AS n FROM local_prompt').get() as { n: number }).n;

  it('raises each prompt once over 100 ticks', () => {
    fillMixedCache();
    at(T0);
    const raised = promptRows();
    expect(raised).toBe(8);
    for (let i = 1; i <= 100; i += 1) at(T0 + i * 5_000);
    expect(promptRows()).toBe(raised);
    const duplicates = cache.db
      .prepare(
        `SELECT rule, subject_id, COUNT(*) AS n FROM local_prompt WHERE state <> 'resolved'
          GROUP BY rule, subject_entity, subject_id HAVING n > 1`,
      )
      .all();
    expect(duplicates).toEqual([]);
    expect(engine.counts()).toEqual({
      redAlerts: 1,
      undispatched: 1,
      overdueClosure: 1,
      nonStandard: 1,
      workPrompts: 8,
      silentScenes: 1,
      deviceIssues: 1,
      syncRate: 1,
      dutyItems: 0,
      riskMapAnomalies: 1,
    });
  });

  it('keeps its prompts across a restart and raises nothing twice', () => {
    fillMixedCache();
    at(T0);
    const before = engine.listPrompts({ scope: 'all', includeSnoozed: true });
    const db = cache.reopen();
    engine = createRulesEngine({ db, clock, config: shippedRulesConfig(), logger: silentLogger });
    at(T0 + 5_000);
    expect(engine.listPrompts({ scope: 'all', includeSnoozed: true })).toEqual(before);
  });

  it('offline for two hours: prompts still appear, marked as computed from data as of the last sync', () => {
    alert({ id: 'A1', reportedAt: T0 - 30 * MINUTE });
    at(T0);
    expect(prompts('undispatched')).toEqual([]);
    // No sync succeeds from here on; the clock keeps running.
    at(T0 + 2 * HOUR);
    expect(prompts('undispatched')).toMatchObject([
      { reason: '已 2 小时 30 分无处置人员', dataAsOf: LAST_SYNC },
    ]);
    expect(engine.dataAsOfMs()).toBe(LAST_SYNC);
  });

  it('a rule switched off by the site closes its open prompts', () => {
    fillMixedCache();
    at(T0);
    const config = shippedRulesConfig();
    startEngine({
      ...config,
      rules: { ...config.rules, 'device-offline': { ...config.rules['device-offline'], enabled: false } },
    });
    at(T0 + 5_000);
    expect(prompts('device-offline')).toMatchObject([
      { state: 'resolved', resolutionKind: 'ruleDisabled', resolution: '规则已停用' },
    ]);
  });
});

describe('consistency under failure and load', () => {
  it('an operator resolution that the caller rolls back leaves the engine in step with the database', () => {
    alert({ id: 'A1', reportedAt: T0 - 2 * HOUR });
    at(T0);
    const id = prompts('undispatched')[0]!.id;
    expect(() =>
      cache.db.transaction(() => {
        expect(engine.resolve(id, 'op-1', '已电话督促')).toMatchObject({ ok: true });
        throw new Error('the outbox write failed');
      })(),
    ).toThrow('the outbox write failed');
    expect(engine.getPrompt(id)?.state).toBe('raised');
    alert({ id: 'A1', reportedAt: T0 - 2 * HOUR, handler: true, version: 2 });
    at(T0 + 5_000);
    expect(engine.getPrompt(id)).toMatchObject({ state: 'resolved', resolution: '已落实处置人员' });
  });

  it('a tick whose rules step fails rolls that step back whole, and the next one raises each prompt once', () => {
    alert({ id: 'A1', reportedAt: T0 - 2 * HOUR });
    alert({ id: 'A2', reportedAt: T0 - 3 * HOUR });
    cache.db.exec(
      "CREATE TEMP TRIGGER audit_full BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    clock.set(T0);
    expect(() => engine.tick()).toThrow('disk full');
    expect(prompts('undispatched')).toEqual([]);
    // The tick relaxes durability for its own commit only: the cache is back to FULL (2) for the outbox.
    expect(cache.db.pragma('synchronous', { simple: true })).toBe(2);
    cache.db.exec('DROP TRIGGER audit_full');
    at(T0 + 5_000);
    at(T0 + 10_000);
    expect(
      prompts('undispatched')
        .map((p) => p.subject.id)
        .sort(),
    ).toEqual(['A1', 'A2']);
    expect(cache.db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('a failed tick does not move the calendar bookmark: a duty it was raising is raised on the next tick', () => {
    alert({ id: 'A1', reportedAt: shanghai(2026, 9, 18, 6, 0) });
    at(shanghai(2026, 9, 18, 8, 0));
    engine.snooze(prompts('undispatched')[0]!.id, '稍后处理', shanghai(2026, 9, 18, 8, 30), 'op-1');
    // The tick fails at its very end (bringing back the snoozed prompt), after raising the weekly report.
    cache.db.exec(
      `CREATE TEMP TRIGGER audit_full BEFORE INSERT ON audit WHEN NEW.action = 'workPrompt.snoozeEnded'
       BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
    );
    clock.set(shanghai(2026, 9, 18, 9, 0));
    expect(() => engine.tick()).toThrow('disk full');
    cache.db.exec('DROP TRIGGER audit_full');
    // Next evaluated the day after, outside the report's window: only the bookmark says it is owed.
    at(shanghai(2026, 9, 19, 10, 0));
    expect(prompts('weekly-report')).toMatchObject([
      { episode: shanghai(2026, 9, 18, 9, 0), detail: { late: true } },
    ]);
  });

  it('sees what the sync worker writes from its own connection, between ticks', () => {
    alert({ id: 'A1', reportedAt: T0 - 2 * HOUR });
    at(T0);
    const worker = new Database(cache.file);
    try {
      worker.pragma('busy_timeout = 5000');
      upsertAlert(worker, { id: 'A1', reportedAt: T0 - 2 * HOUR, handler: true, version: 2 });
      upsertAlert(worker, {
        id: 'A2',
        reportedAt: T0 - 3 * HOUR,
        elements: { ...GOOD_GAS_ELEMENTS, contact: null },
      });
    } finally {
      worker.close();
    }
    at(T0 + 5_000);
    expect(prompts('undispatched').map((p) => [p.subject.id, p.state])).toEqual([
      ['A1', 'resolved'],
      ['A2', 'raised'],
    ]);
    expect(open('non-standard').map((p) => p.subject.id)).toEqual(['A2']);
  });

  it('takes a tick in two steps: the documents, committed on their own, then the rules, which see the sync between', () => {
    alert({ id: 'A1', reportedAt: T0 - 2 * HOUR, elements: { ...GOOD_GAS_ELEMENTS, contact: null } });
    clock.set(T0);
    const run = engine.startTick();
    expect(run.step()).toBeNull();
    // The documents step committed its finding (another connection reads it); no prompt is raised yet.
    const reader = new Database(cache.file, { readonly: true });
    try {
      expect(
        reader.prepare("SELECT subject_id FROM rule_finding WHERE rule = 'non-standard'").pluck().all(),
      ).toEqual(['A1']);
    } finally {
      reader.close();
    }
    expect(engine.listPrompts({ scope: 'all', includeSnoozed: true })).toEqual([]);
    // The sync worker commits between the steps, from its own connection: the rules step, a moment later, sees it.
    const worker = new Database(cache.file);
    try {
      upsertAlert(worker, { id: 'A2', reportedAt: T0 - 3 * HOUR });
    } finally {
      worker.close();
    }
    clock.set(T0 + 50);
    const report = run.step();
    // Three documents: A1, and the background scene and device.
    expect(report).toMatchObject({ at: T0 + 50, dataAsOf: LAST_SYNC, documentsChecked: 3, raised: 3 });
    expect(open('undispatched').map((p) => p.subject.id)).toEqual(['A1', 'A2']);
    expect(open('non-standard').map((p) => p.subject.id)).toEqual(['A1']);
    expect(report?.longestStepMs).toBeGreaterThan(0);
    expect(report?.longestStepMs).toBeLessThanOrEqual(report?.durationMs ?? 0);
    expect(() => run.step()).toThrow('this tick is complete');
  });

  it('in steps with a time slice, takes up work until the slice is over, some at least, and the rest later', () => {
    for (let i = 0; i < 3; i += 1) {
      alert({ id: `A${i}`, reportedAt: T0 - 2 * HOUR, elements: { ...GOOD_GAS_ELEMENTS, contact: null } });
    }
    clock.set(T0);
    // A slice of 0 ms is over as soon as one document is checked, or one prompt raised.
    const tickSliced = (): TickReport => engine.tick({ sliceMs: 0 });
    const first = tickSliced();
    expect(first).toMatchObject({ documentsChecked: 1, raised: 1, backlog: true });
    const reports = [first];
    while (reports.at(-1)?.backlog && reports.length < 20) reports.push(tickSliced());
    expect(reports.every((report) => report.documentsChecked <= 1 && report.raised <= 1)).toBe(true);
    expect(reports.at(-1)?.backlog).toBe(false);
    expect(open('undispatched')).toHaveLength(3);
    expect(open('non-standard')).toHaveLength(3);
    // Taken at once, a tick has no slice: whatever the budget allows.
    alert({ id: 'A3', reportedAt: T0 - 2 * HOUR, elements: { ...GOOD_GAS_ELEMENTS, contact: null } });
    alert({ id: 'A4', reportedAt: T0 - 2 * HOUR, elements: { ...GOOD_GAS_ELEMENTS, contact: null } });
    expect(engine.tick()).toMatchObject({ documentsChecked: 2, raised: 4, backlog: false });
  });

  it('spreads a large backlog over several ticks within its budget, raising each prompt once', () => {
    engine = createRulesEngine({
      db: cache.db,
      clock,
      config: shippedRulesConfig(),
      logger: silentLogger,
      budget: { documentsPerTick: 2, raisesPerTick: 2 },
    });
    for (let i = 0; i < 5; i += 1) {
      alert({ id: `A${i}`, reportedAt: T0 - 2 * HOUR, elements: { ...GOOD_GAS_ELEMENTS, contact: null } });
    }
    const reports = [];
    for (let i = 0; i < 12; i += 1) {
      clock.set(T0 + i * 1_000);
      reports.push(engine.tick());
      if (!reports[reports.length - 1]!.backlog) break;
    }
    expect(reports.every((report) => report.raised <= 2 && report.documentsChecked <= 2)).toBe(true);
    expect(reports.at(-1)?.backlog).toBe(false);
    expect(open('undispatched')).toHaveLength(5);
    expect(open('non-standard')).toHaveLength(5);
    for (let i = 0; i < 5; i += 1) engine.tick();
    expect(prompts('undispatched')).toHaveLength(5);
    expect(prompts('non-standard')).toHaveLength(5);
  });
});

describe('calendar duties in the engine', () => {
  it('raises the weekly report on Friday for the duty team, once', () => {
    at(shanghai(2026, 9, 17, 23, 59));
    expect(prompts('weekly-report')).toEqual([]);
    const friday = shanghai(2026, 9, 18, 9, 0);
    at(friday);
    at(friday + 5_000);
    expect(prompts('weekly-report')).toMatchObject([
      {
        subject: { entity: 'district', id: 'pudong' },
        recipientRole: 'dutyTeam',
        episode: friday,
        dueAt: shanghai(2026, 9, 19),
        reason: '发布本周监测预警总平台运行周报（9月18日）',
        dataAsOf: LAST_SYNC,
      },
    ]);
    expect(engine.counts().dutyItems).toBe(1);
  });

  it('next Friday replaces an unfinished weekly report', () => {
    at(shanghai(2026, 9, 18, 9, 0));
    at(shanghai(2026, 9, 25, 9, 0));
    expect(prompts('weekly-report').map((p) => [p.state, p.resolutionKind])).toEqual([
      ['resolved', 'superseded'],
      ['raised', null],
    ]);
  });

  it('raises the November updates for every scene', () => {
    upsertScene(cache.db, { id: 'S2', name: '浦东新区电梯安全场景' });
    at(shanghai(2026, 10, 31, 23, 59));
    expect(prompts('annual-manual')).toEqual([]);
    at(shanghai(2026, 11, 1, 9, 0));
    for (const rule of ['annual-elements', 'annual-manual', 'annual-roster'] as const) {
      expect(prompts(rule).map((p) => [p.subject.entity, p.subject.id, p.recipientRole])).toEqual([
        ['scene', 'S1', 'sceneOperator'],
        ['scene', 'S2', 'sceneOperator'],
      ]);
    }
    expect(prompts('annual-manual')[0]?.reason).toBe(
      '2026 年度指挥手册更新：请浦东新区燃气管网场景调整指挥手册，于 12月1日前报总平台管理运营组备案',
    );
  });

  it('fires on wake: closed on Thursday evening, started on Saturday, the Friday report comes up marked late', () => {
    at(shanghai(2026, 9, 17, 20, 0));
    cache.close();
    clock.set(shanghai(2026, 9, 19, 10, 0));
    const db = cache.reopen();
    engine = createRulesEngine({ db, clock, config: shippedRulesConfig(), logger: silentLogger });
    engine.tick();
    expect(prompts('weekly-report')).toMatchObject([
      {
        episode: shanghai(2026, 9, 18, 9, 0),
        reason: expect.stringContaining('补发提示') as unknown,
        detail: { late: true },
      },
    ]);
  });

  it('raises the outlook 3 days before a key period, not 4', () => {
    upsertKeyPeriod(cache.db, {
      id: 'KP1',
      name: '国庆假期',
      startsAt: shanghai(2026, 10, 1),
      endsAt: shanghai(2026, 10, 8),
    });
    at(shanghai(2026, 9, 27, 9, 0));
    expect(prompts('period-outlook')).toEqual([]);
    at(shanghai(2026, 9, 28, 9, 0));
    expect(prompts('period-outlook')).toMatchObject([
      {
        subject: { entity: 'keyPeriod', id: 'KP1' },
        dueAt: shanghai(2026, 9, 29),
        reason:
          '重点时段“国庆假期”10月1日开始：请汇总 9月14日至9月27日监控数据、历史时段数据和社会舆情，于 9月29日前完成态势分析报告并报送综合减灾处',
      },
    ]);
  });

  it('monthly report: raised on the 1st, due before the 5th', () => {
    at(shanghai(2026, 10, 1, 9, 0));
    expect(prompts('monthly-report')).toMatchObject([
      { dueAt: shanghai(2026, 10, 5), reason: '编制 9 月监测预警总平台运行月报，于 10月5日前报送综合减灾处' },
    ]);
  });
});
