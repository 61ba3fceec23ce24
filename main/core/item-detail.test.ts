import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ITEM_DETAIL_SQL, ItemDetailReader, suggestedPromptMessage } from './item-detail';
import { shippedRulesConfig } from './rules';
import { PromptStore } from './rules/prompt-store';
import { GOOD_GAS_ELEMENTS, alertDocument, openTestCache, type TestCache } from './rules/test-cache';
import { CacheWriter } from './sync/cache-writer';
import { Outbox } from './sync/outbox';
import { workPromptDocument } from './sync/test-fixtures';

const NOW = Date.parse('2026-11-23T06:00:00.000Z');
const REPORTED = Date.parse('2026-11-23T02:00:00.000Z');
const at = (minutes: number): string => new Date(REPORTED + minutes * 60_000).toISOString();

let cache: TestCache;
let db: Database.Database;
let writer: CacheWriter;
let signedIn: string | null;

function reader(): ItemDetailReader {
  return new ItemDetailReader(db, {
    rulesConfig: shippedRulesConfig(),
    now: () => NOW,
    operatorId: () => signedIn,
  });
}

function sceneDocument(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'S1',
    version: 1,
    name: '张江燃气管网监测',
    kind: 'scene',
    domain: 'lifeline',
    category: 'gasPipeline',
    department: '区建设和交通委',
    street: '张江镇',
    monitoringElements: [],
    // The scene's own list comes first, in its order; valveNo is not among the regulation's elements.
    requiredElements: [
      { key: 'valveNo', label: '阀门井编号' },
      { key: 'location', label: '事件地点' },
      { key: 'contactPhone', label: '联系电话' },
    ],
    contacts: {
      sceneOperator: { name: '周敏', phone: '13800000001', unit: '浦东燃气' },
      sceneTechnician: { name: '吴涛', phone: '13800000002', unit: '浦东燃气' },
      sceneHead: { name: '郑华', phone: '13800000003', unit: '区建设和交通委' },
    },
    commissionedAt: '2024-01-01T00:00:00.000Z',
    deviceCount: 12,
    lastAlertAt: at(0),
    sync: {
      windowStart: '2026-11-17T00:00:00.000Z',
      windowEnd: '2026-11-24T00:00:00.000Z',
      reportedByScene: 100,
      receivedByCentral: 97,
      rate: 0.97,
    },
    ...overrides,
  };
}

function seedAlert(): void {
  writer.writeDocument('scene', 'S1', sceneDocument());
  writer.writeDocument('device', 'D1', {
    id: 'D1',
    version: 1,
    sceneId: 'S1',
    code: 'PDRQ01000001',
    name: '张江路燃气阀门井压力计',
    model: 'PT-200',
    elementIds: [],
    street: '张江镇',
    address: '张江路 100 号',
    location: { lng: 121.6, lat: 31.2 },
    ownerUnit: '浦东燃气',
    installedAt: '2024-01-01T00:00:00.000Z',
    status: 'online',
    offlineSince: null,
    infoError: null,
  });
  const alert = alertDocument({ id: 'A1', level: 'red', reportedAt: REPORTED, handler: true });
  writer.writeDocument('alert', 'A1', {
    ...alert,
    version: 2,
    elements: { ...GOOD_GAS_ELEMENTS, contactPhone: '5888', riskDescription: '详见附件', valveNo: null },
    elementIssues: [{ key: 'pipeSpec', problem: 'malformed', detail: '管线规格与登记不符' }],
    readings: {
      elementId: 'gasPipeline.ch4',
      elementName: '甲烷浓度',
      unit: '%LEL',
      direction: 'above',
      threshold: 40,
      peak: 52.5,
      latest: 44,
      samplesBeyondThreshold: 6,
      exceededAt: at(-3),
    },
    workOrderId: 'WO-2',
    verifiedAt: at(20),
    verifiedBy: 'op-9',
    verification: { significant: true, assessment: '构成较大风险' },
  });
  writer.writeDocument('operator', 'op-9', {
    id: 'op-9',
    version: 1,
    username: 'liqiang',
    name: '李强',
    role: 'operator',
    dutyRoom: '值班室',
  });
  for (const [id, dispatched] of [
    ['WO-1', at(5)],
    ['WO-2', at(10)],
  ] as const) {
    writer.writeDocument('workOrder', id, {
      id,
      version: 1,
      alertId: 'A1',
      sceneId: 'S1',
      loop: 'sector',
      status: 'handling',
      handler: { name: '王伟', unit: '浦东燃气抢修队', phone: '021-58880000' },
      createdAt: dispatched,
      dispatchedAt: dispatched,
      arrivedAt: id === 'WO-2' ? at(40) : null,
      deadlineAt: at(24 * 60),
      closedAt: null,
      measures: ['关闭上游阀门'],
      feedback: null,
    });
  }
  const entry = (id: string, subject: { entity: string; id: string }, kind: string, minutes: number) =>
    writer.writeDocument('timelineEntry', id, {
      id,
      version: 1,
      subject,
      kind,
      at: at(minutes),
      actor: { kind: 'system', name: '总平台', operatorId: null },
      text: `${kind} 记录`,
    });
  entry('T-push', { entity: 'alert', id: 'A1' }, 'push', 1);
  entry('T-dispatch', { entity: 'alert', id: 'A1' }, 'dispatch', 10);
  entry('T-wo', { entity: 'workOrder', id: 'WO-2' }, 'feedback', 45);
  entry('T-other', { entity: 'alert', id: 'A2' }, 'push', 2);
}

beforeEach(() => {
  cache = openTestCache('dutydesk-detail-');
  db = cache.db;
  writer = new CacheWriter(db);
  signedIn = 'op-1';
});

afterEach(() => {
  cache.remove();
});

describe('an alert', () => {
  it("lists the scene's required elements first, marking the missing and malformed ones with the problem", () => {
    seedAlert();
    const detail = reader().read({ entity: 'alert', id: 'A1' });
    const elements = detail.alert?.elements ?? [];
    expect(elements.slice(0, 3).map((element) => element.key)).toEqual([
      'valveNo',
      'location',
      'contactPhone',
    ]);
    const byKey = new Map(elements.map((element) => [element.key, element]));
    expect(byKey.get('valveNo')).toEqual({
      key: 'valveNo',
      label: '阀门井编号',
      value: null,
      problem: 'missing',
      problemDetail: '未填写阀门井编号',
    });
    expect(byKey.get('contactPhone')).toMatchObject({ value: '5888', problem: 'malformed' });
    expect(byKey.get('contactPhone')?.problemDetail).toContain('格式不正确');
    expect(byKey.get('riskDescription')).toMatchObject({
      problem: 'malformed',
      problemDetail: '风险描述为占位符“详见附件”',
    });
    // The platform's own finding is kept with its words.
    expect(byKey.get('pipeSpec')).toMatchObject({
      problem: 'malformed',
      problemDetail: '管线规格与登记不符',
    });
    expect(byKey.get('location')).toMatchObject({ value: GOOD_GAS_ELEMENTS.location, problem: null });
  });

  it('shows the readings summary, the work order the alert names, the verification by name and the scene', () => {
    seedAlert();
    const detail = reader().read({ entity: 'alert', id: 'A1' });
    expect(detail.alert?.readings).toEqual({
      elementName: '甲烷浓度',
      unit: '%LEL',
      direction: 'above',
      threshold: 40,
      peak: 52.5,
      latest: 44,
      samplesBeyondThreshold: 6,
      exceededAt: at(-3),
    });
    expect(detail.alert?.workOrder).toMatchObject({
      id: 'WO-2',
      arrivedAt: at(40),
      measures: ['关闭上游阀门'],
    });
    expect(detail.alert?.verification).toEqual({
      at: at(20),
      by: '李强',
      significant: true,
      assessment: '构成较大风险',
    });
    expect(detail.alert?.sceneName).toBe('张江燃气管网监测');
    expect(detail.scene?.contacts.map((contact) => contact.role)).toEqual([
      'sceneOperator',
      'sceneTechnician',
      'sceneHead',
    ]);
    expect(detail.scene?.recentAlerts.map((alert) => alert.id)).toEqual(['A1']);
    expect(detail.device).toMatchObject({ id: 'D1', code: 'PDRQ01000001' });
    expect(detail.row).toMatchObject({ key: 'alert:A1', level: 'red', sceneName: '张江燃气管网监测' });
  });

  it("orders the timeline: the alert's records, its work order's, and the prompts raised here", () => {
    seedAlert();
    const prompts = new PromptStore(db);
    prompts.raise(
      {
        rule: 'red-alert',
        subject: { entity: 'alert', id: 'A1' },
        episode: 0,
        stage: 0,
        recipientRole: 'dutyTeam',
        reason: '红色预警待核实',
        dueAt: REPORTED + 30 * 60_000,
        dataAsOf: null,
        detail: {},
      },
      REPORTED + 2 * 60_000,
    );
    const detail = reader().read({ entity: 'alert', id: 'A1' });
    expect(detail.timeline.map((item) => item.kind)).toEqual([
      'push',
      'promptRaised',
      'dispatch',
      'feedback',
    ]);
    expect(detail.timeline.every((item) => !item.pending)).toBe(true);
    expect(detail.prompts).toHaveLength(1);
    expect(detail.prompts[0]).toMatchObject({ rule: 'red-alert', title: '红色预警事件', state: 'raised' });
  });

  it('marks what unconfirmed actions wrote as pending, until the platform confirms them', () => {
    seedAlert();
    const outbox = new Outbox(db);
    const operator = { id: 'op-1', name: '张敏' };
    const act = (name: string, args: unknown) =>
      // A minute ago: the claim's lease (30 minutes) is still running.
      outbox.enqueue({ name, args, operator, at: new Date(NOW - 60_000).toISOString(), clientId: 'ws-1' });
    const note = act('addNote', {
      noteId: 'note-1',
      subject: { entity: 'alert', id: 'A1' },
      text: '已电话联系现场',
    });
    act('claimItem', { subject: { entity: 'alert', id: 'A1' } });
    act('startMajorLoop', { alertId: 'A1', kind: 'risk', summary: '管网泄漏，报综合减灾处' });

    const pending = reader().read({ entity: 'alert', id: 'A1' });
    expect(pending.timeline.filter((item) => item.pending).map((item) => [item.kind, item.text])).toEqual([
      ['note', '已电话联系现场'],
      ['majorLoop', '管网泄漏，报综合减灾处'],
    ]);
    expect(pending.claim).toMatchObject({
      operatorId: 'op-1',
      operatorName: '张敏',
      mine: true,
      pending: true,
    });
    expect(pending.alert?.majorLoop).toMatchObject({ kind: 'risk', summary: '管网泄漏，报综合减灾处' });

    outbox.markApplied(note.mutationId, NOW);
    const confirmed = reader().read({ entity: 'alert', id: 'A1' });
    expect(confirmed.timeline.find((item) => item.id === 'note-1')?.pending).toBe(false);
    // Seen from another operator's session, the claim is not theirs.
    signedIn = 'op-2';
    expect(reader().read({ entity: 'alert', id: 'A1' }).claim?.mine).toBe(false);
  });

  it('names the operator of an unconfirmed verification, which records their id as the platform does', () => {
    seedAlert();
    const outbox = new Outbox(db);
    const verify = (operator: { id: string; name: string }) =>
      outbox.enqueue({
        name: 'verifyAlert',
        args: { alertId: 'A1', significant: true, assessment: '现场确认泄漏' },
        operator,
        at: new Date(NOW - 60_000).toISOString(),
        clientId: 'ws-1',
      });
    const verifiedBy = () => reader().read({ entity: 'alert', id: 'A1' }).alert?.verification?.by;

    // Not in the platform's operator list yet (signed in here for the first time, offline): the name this
    // workstation recorded with the action.
    const first = verify({ id: 'op-new', name: '王芳' });
    expect(verifiedBy()).toBe('王芳');
    // In the list: the list's name, whatever the action recorded.
    outbox.markRejected(first.mutationId, 'ALREADY_VERIFIED', 'already verified', NOW);
    verify({ id: 'op-9', name: '李强（旧名）' });
    expect(verifiedBy()).toBe('李强');
  });

  it('hides an expired claim (the platform drops it; offline the cache may still hold it)', () => {
    seedAlert();
    writer.writeDocument('claim', 'alert:A1', {
      id: 'alert:A1',
      version: 1,
      subject: { entity: 'alert', id: 'A1' },
      operatorId: 'op-9',
      operatorName: '李强',
      clientId: 'ws-9',
      claimedAt: new Date(NOW - 40 * 60_000).toISOString(),
      expiresAt: new Date(NOW - 10 * 60_000).toISOString(),
    });
    expect(reader().read({ entity: 'alert', id: 'A1' }).claim).toBeNull();
  });

  it('answers an item no longer in the cache with no row', () => {
    const detail = reader().read({ entity: 'alert', id: 'gone' });
    expect(detail).toMatchObject({ row: null, alert: null, timeline: [], prompts: [] });
  });
});

describe('a work prompt', () => {
  it("shows its rule, reason, state, due time, recipient and subject, with the subject alert's key facts", () => {
    seedAlert();
    const id = new PromptStore(db).raise(
      {
        rule: 'undispatched',
        subject: { entity: 'alert', id: 'A1' },
        episode: REPORTED,
        stage: 0,
        recipientRole: 'sceneOperator',
        reason: '已 1 小时 5 分无处置人员',
        dueAt: REPORTED + 2 * 3_600_000,
        dataAsOf: null,
        detail: {},
      },
      REPORTED + 65 * 60_000,
    );
    const detail = reader().read({ entity: 'workPrompt', id });
    expect(detail.prompts[0]).toMatchObject({
      id,
      rule: 'undispatched',
      title: '超期未派单',
      state: 'raised',
      reason: '已 1 小时 5 分无处置人员',
      recipientRole: 'sceneOperator',
      dueAt: new Date(REPORTED + 2 * 3_600_000).toISOString(),
      pending: false,
    });
    expect(detail.prompts[0]?.suggestedMessage).toBe(
      '【超期未派单】张江燃气管网监测预警 A1（甲烷浓度超过黄色预警阈值）：已 1 小时 5 分无处置人员。请场景运营人员及时处置并反馈结果。',
    );
    expect(detail.subject).toEqual({
      entity: 'alert',
      id: 'A1',
      label: expect.stringContaining('A1') as string,
    });
    expect(detail.alert).toMatchObject({ id: 'A1', level: 'red', handler: { name: '李强' } });
    expect(detail.row).toMatchObject({ entity: 'workPrompt', status: 'raised', handler: 'sceneOperator' });
    // The prompt's own history, among the records of the alert it is about.
    expect(detail.timeline.map((item) => item.kind)).toEqual([
      'push',
      'dispatch',
      'feedback',
      'promptRaised',
    ]);
    expect(detail.timeline[3]).toMatchObject({ text: '已 1 小时 5 分无处置人员', pending: false });
  });

  it('follows the platform once issued: its state and message, pending until confirmed', () => {
    seedAlert();
    const store = new PromptStore(db);
    const id = store.raise(
      {
        rule: 'scene-silent',
        subject: { entity: 'scene', id: 'S1' },
        episode: 0,
        stage: 0,
        recipientRole: 'sceneTechnician',
        reason: '已 1 天无预警信息',
        dueAt: null,
        dataAsOf: null,
        detail: {},
      },
      NOW - 60_000,
    );
    new Outbox(db).enqueue({
      name: 'issueWorkPrompt',
      args: {
        promptId: id,
        rule: 'scene-silent',
        subject: { entity: 'scene', id: 'S1' },
        recipientRole: 'sceneTechnician',
        message: '请核实场景无预警情况',
        dueAt: new Date(NOW + 3_600_000).toISOString(),
      },
      operator: { id: 'op-1', name: '张敏' },
      at: new Date(NOW).toISOString(),
      clientId: 'ws-1',
    });
    const detail = reader().read({ entity: 'workPrompt', id });
    expect(detail.prompts[0]).toMatchObject({
      state: 'issued',
      message: '请核实场景无预警情况',
      pending: true,
    });
    expect(detail.subject).toEqual({ entity: 'scene', id: 'S1', label: '张江燃气管网监测' });
    expect(detail.scene?.name).toBe('张江燃气管网监测');
    expect(detail.timeline.map((item) => [item.kind, item.pending])).toEqual([
      ['promptRaised', true],
      ['promptIssued', true],
    ]);
  });

  it('names who took each step of a platform prompt (the platform records operator ids)', () => {
    seedAlert();
    writer.writeDocument(
      'workPrompt',
      'WP-1',
      workPromptDocument({
        id: 'WP-1',
        version: 2,
        subject: { entity: 'alert', id: 'A1' },
        message: '请落实处置人员',
        dueAt: at(120),
        status: 'acknowledged',
        issuedAt: at(70),
        issuedBy: 'op-9',
        acknowledgedAt: at(80),
        acknowledgedBy: 'op-not-in-cache',
        acknowledgementNote: '已安排',
      }),
    );
    const actors = (ref: { entity: 'alert' | 'workPrompt'; id: string }) =>
      reader()
        .read(ref)
        .timeline.filter((item) => item.kind.startsWith('prompt'))
        .map((item) => [item.kind, item.actor]);
    const expected = [
      ['promptIssued', '李强'],
      // Not among the synced operators: the id, rather than nothing.
      ['promptAcknowledged', 'op-not-in-cache'],
    ];
    expect(actors({ entity: 'alert', id: 'A1' })).toEqual(expected);
    expect(actors({ entity: 'workPrompt', id: 'WP-1' })).toEqual(expected);
  });

  it('words a suggested message without a recipient or subject it does not know', () => {
    expect(
      suggestedPromptMessage({
        title: '周报',
        subjectLabel: null,
        reason: '发布本周运行周报。',
        recipientRole: null,
      }),
    ).toBe('【周报】发布本周运行周报。请及时处置并反馈结果。');
  });
});

describe('scenes and devices', () => {
  it('shows what the cache knows of a device with an info error, and its scene', () => {
    writer.writeDocument('scene', 'S1', sceneDocument());
    writer.writeDocument('device', 'D7', {
      id: 'D7',
      version: 1,
      sceneId: 'S1',
      code: 'PDRQ7',
      name: '阀门井 7',
      model: 'PT-200',
      elementIds: [],
      street: '张江镇',
      address: '张江路 7 号',
      location: { lng: 121.6, lat: 31.2 },
      ownerUnit: '浦东燃气',
      installedAt: '2024-01-01T00:00:00.000Z',
      status: 'offline',
      offlineSince: at(-60),
      infoError: {
        field: 'address',
        registered: '张江路 7 号',
        observed: '张江路 9 号',
        detectedAt: at(-30),
      },
    });
    const detail = reader().read({ entity: 'device', id: 'D7' });
    expect(detail.device).toMatchObject({
      status: 'offline',
      offlineSince: at(-60),
      infoError: { field: 'address', observed: '张江路 9 号' },
    });
    expect(detail.scene?.id).toBe('S1');
    expect(detail.row).toMatchObject({ entity: 'device', title: '阀门井 7', detail: 'address' });
  });

  it("shows a scene's sync figures and contacts", () => {
    writer.writeDocument('scene', 'S1', sceneDocument());
    const detail = reader().read({ entity: 'scene', id: 'S1' });
    expect(detail.scene).toMatchObject({
      syncRate: 0.97,
      sync: { reportedByScene: 100, receivedByCentral: 97 },
      deviceCount: 12,
    });
    expect(detail.scene?.contacts[0]).toEqual({
      role: 'sceneOperator',
      name: '周敏',
      phone: '13800000001',
      unit: '浦东燃气',
    });
  });
});

describe('query plans', () => {
  const plan = (sql: string, parameters: unknown[]): string =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[])
      .map((row) => row.detail)
      .join('\n');

  it.each([
    ['timeline', ['alert', 'A1'], 'timeline_subject'],
    ['claim', ['alert', 'A1'], 'claim_subject'],
    ['workOrders', ['A1'], 'work_order_alert'],
    ['platformPrompts', ['alert', 'A1'], 'work_prompt_subject'],
    ['localPrompts', ['alert', 'A1'], 'local_prompt_subject'],
    ['sceneRecentAlerts', ['S1'], 'alert_scene_reported'],
  ] as const)('%s reads through %s', (name, parameters, index) => {
    const detail = plan(ITEM_DETAIL_SQL[name], [...parameters]);
    expect(detail).toMatch(new RegExp(`USING (COVERING )?INDEX ${index}\\b`));
    expect(detail).not.toMatch(/SCAN (alert|timeline_entry|claim|work_order|work_prompt|local_prompt)\b/);
  });

  it("looks an operator's name up by key, and in the outbox only among unfinished actions", () => {
    const detail = plan(ITEM_DETAIL_SQL.operatorName, [{ id: 'op-1' }]);
    expect(detail).toMatch(/SEARCH operator USING (INDEX|PRIMARY KEY)/);
    expect(detail).toMatch(/SEARCH outbox USING INDEX outbox_unfinished/);
    expect(detail).not.toMatch(/SCAN (operator|outbox)\b/);
  });

  it('finds the pending actions touching a document by outbox_touch and outbox keys, never by a scan', () => {
    const detail = plan(ITEM_DETAIL_SQL.pendingTouching, ['alert', 'A1']);
    expect(detail).toMatch(/SEARCH t USING (COVERING )?(INDEX|PRIMARY KEY)/);
    expect(detail).toMatch(/SEARCH o USING INDEX sqlite_autoindex_outbox/);
    expect(detail).not.toMatch(/SCAN (t|o)\b/);
  });
});
