/**
 * Issue 5's end-to-end test: the reference server's simulator, driven by its admin clock, produces each condition
 * the rules react to; the core syncs it and its rules engine raises the matching prompt (and escalates it along
 * the ladder as the clock moves on). Conditions are judged here from the platform's documents as the cache holds
 * them (the `data` column), not from the engine's own columns and findings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRecord, ShellStatus } from '../../../preload/contract';
import type { RuleId } from './config';
import { formatPercent } from './format';
import type { WorkPromptRecord } from './prompt-store';
import { CENTRAL_START, startCoreWithCentral, until, type CoreHarness } from './test-core';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface InjectedAlert {
  id: string;
  sceneId: string;
  level: string;
  reportedAt: string;
  deadlineAt: string;
  handler: unknown;
  elementIssues: { key: string }[];
}

let h: CoreHarness;

beforeAll(async () => {
  h = await startCoreWithCentral({ seed: 7 });
  await h.call('signIn', { username: 'chenjing', password: 'chenjing-demo' });
  await until(
    () => h.call<ShellStatus>('getStatus'),
    (status) => status.sync?.stage === 'live',
    'the core syncs to live',
  );
});

afterAll(async () => {
  await h.close();
});

const ids = (prompts: readonly WorkPromptRecord[]): string[] =>
  [...new Set(prompts.map((p) => p.subject.id))].sort();
const open = (rule: RuleId): WorkPromptRecord[] => h.prompts([rule]).filter((p) => p.state !== 'resolved');
const promptsOf = (rule: RuleId, subjectId: string): WorkPromptRecord[] =>
  h
    .prompts([rule])
    .filter((p) => p.subject.id === subjectId)
    .sort((a, b) => a.stage - b.stage);

/** Waits until the subject's open prompt for the rule is at `stage`, and returns it. */
async function openPromptAt(rule: RuleId, subjectId: string, stage: number): Promise<WorkPromptRecord> {
  const prompts = await until(
    () => promptsOf(rule, subjectId),
    (found) => found.some((p) => p.state !== 'resolved' && p.stage === stage),
    `${rule} prompt at stage ${stage} for ${subjectId}`,
  );
  return prompts.find((p) => p.state !== 'resolved' && p.stage === stage)!;
}

/** Sets the platform's clock and waits until the core's clock has followed it. */
async function setPlatformTime(at: number): Promise<void> {
  await h.admin('POST', 'clock', { setTo: new Date(at).toISOString() });
  await until(
    () => h.core.clock.now(),
    (now) => now >= at,
    `the core's clock follows the platform to ${new Date(at).toISOString()}`,
  );
}

/** What the platform's documents in the cache say, per condition. */
function conditionsInCache() {
  return h.read((db) => {
    const list = (sql: string): string[] => (db.prepare(sql).pluck().all() as string[]).sort();
    return {
      offlineDevices: list("SELECT id FROM device WHERE json_extract(data, '$.status') = 'offline'"),
      infoErrorDevices: list("SELECT id FROM device WHERE json_extract(data, '$.infoError') IS NOT NULL"),
      lowSyncScenes: list("SELECT id FROM scene WHERE json_extract(data, '$.sync.rate') < 0.9"),
      syncProblemScenes: list(
        `SELECT id FROM scene WHERE json_extract(data, '$.sync.rate') < 0.9
            OR json_extract(data, '$.sync.receivedByCentral') > json_extract(data, '$.sync.reportedByScene')`,
      ),
    };
  });
}

describe('the rules against the reference server, driven by its admin clock', { timeout: 90_000 }, () => {
  let red: InjectedAlert;
  let nonStandard: InjectedAlert;
  let t1: number;

  it('raises a prompt for every offline device, device info error and low sync rate the simulator produced', async () => {
    // The simulated district brings these on its own as its clock moves: a day at a time (at least one) until it
    // has each, as central/conditions.test.ts drives it.
    let conditions = conditionsInCache();
    for (let day = 1; day <= 12; day++) {
      // Instants on the platform's (frozen) clock, never the core's estimate of it: every run sees the same district.
      const target = Date.parse(CENTRAL_START) + day * DAY;
      await setPlatformTime(target);
      await until(
        () => h.call<ShellStatus>('getStatus'),
        (status) => status.sync?.stage === 'live' && Date.parse(status.lastSyncAt ?? '') >= target,
        'the core pulls the day',
      );
      conditions = conditionsInCache();
      const all = [conditions.offlineDevices, conditions.infoErrorDevices, conditions.lowSyncScenes];
      if (all.every((subjects) => subjects.length > 0)) break;
    }
    expect(conditions.offlineDevices.length).toBeGreaterThan(0);
    expect(conditions.infoErrorDevices.length).toBeGreaterThan(0);
    expect(conditions.lowSyncScenes.length).toBeGreaterThan(0);
    // Nothing moves in the district from here on but what the test does.
    await h.admin('POST', 'generation', { paused: true });

    // One prompt per subject, for exactly the subjects the platform's documents show (read afresh each time: the
    // last pages of the day may still be on their way).
    const converged = (
      rule: RuleId,
      expected: (found: ReturnType<typeof conditionsInCache>) => string[],
    ): Promise<[string[], string[]]> =>
      until(
        (): [string[], string[]] => [ids(open(rule)), expected(conditionsInCache())],
        ([found, wanted]) => JSON.stringify(found) === JSON.stringify(wanted),
        `${rule} prompts for exactly the subjects with the condition`,
      );
    await converged('device-offline', (found) => found.offlineDevices);
    await converged('device-info-error', (found) => found.infoErrorDevices);
    await converged('sync-rate-low', (found) => found.syncProblemScenes);
    conditions = conditionsInCache();

    for (const prompt of open('device-offline')) {
      expect(prompt).toMatchObject({
        stage: 0,
        recipientRole: 'sceneOperator',
        subject: { entity: 'device' },
      });
      expect(prompt.reason).toMatch(/^设备离线已 .+，请协调处置人员完成离线处置消警$/);
    }
    for (const prompt of open('device-info-error')) {
      expect(prompt).toMatchObject({
        stage: 0,
        recipientRole: 'sceneOperator',
        subject: { entity: 'device' },
      });
      expect(prompt.reason).toMatch(/^设备信息报错：.+登记为“.*”，实际为“.*”，请协调完成信息更正$/);
    }
    for (const sceneId of conditions.lowSyncScenes) {
      const prompt = open('sync-rate-low').find((p) => p.subject.id === sceneId)!;
      expect(prompt).toMatchObject({ stage: 0, recipientRole: 'techOps', subject: { entity: 'scene' } });
      // The reason gives the rate that raised the prompt (it may have moved since, still under 90 %).
      const problem = prompt.detail.problem as { kind: string; rate: number };
      expect(problem.kind).toBe('low');
      expect(problem.rate).toBeLessThan(0.9);
      expect(prompt.reason).toBe(`同步率 ${formatPercent(problem.rate)}，低于 90%，请核实预警数据不一致情况`);
    }
  });

  it('raises the red-alert verification prompt and the non-standard prompt for alerts raised now', async () => {
    ({ alert: red } = await h.admin<{ alert: InjectedAlert }>('POST', 'alerts', {
      level: 'red',
      dispatch: 'never',
    }));
    ({ alert: nonStandard } = await h.admin<{ alert: InjectedAlert }>('POST', 'alerts', {
      level: 'blue',
      nonStandard: true,
    }));
    expect(red).toMatchObject({ level: 'red', handler: null });
    expect(nonStandard.elementIssues.map((issue) => issue.key)).toContain('contactPhone');
    t1 = Date.parse(red.reportedAt);

    const verify = await openPromptAt('red-alert', red.id, 0);
    expect(verify).toMatchObject({ subject: { entity: 'alert', id: red.id }, recipientRole: 'dutyTeam' });
    expect(verify.reason).toMatch(/^红色预警待核实：已上报 .+，请核实风险严重性及影响情况$/);
    expect(verify.dueAt).toBe(verify.raisedAt + 30 * MINUTE);

    const incomplete = await openPromptAt('non-standard', nonStandard.id, 0);
    expect(incomplete).toMatchObject({
      subject: { entity: 'alert', id: nonStandard.id },
      recipientRole: 'sceneHead',
    });
    expect(incomplete.reason).toMatch(/^要素信息填报不规范：.*未填写联系电话/);

    // The tick that raised those saw the red alert too young for the undispatched rule.
    expect(promptsOf('undispatched', red.id)).toEqual([]);
  });

  it('raises the undispatched prompt once the alert has gone more than an hour without a handler', async () => {
    await setPlatformTime(t1 + 61 * MINUTE);
    const prompt = await openPromptAt('undispatched', red.id, 0);
    expect(prompt).toMatchObject({ episode: t1, recipientRole: 'sceneOperator' });
    expect(prompt.reason).toMatch(/^已 1 小时( \d+ 分)?无处置人员$/);
    expect(prompt.dueAt).toBe(prompt.raisedAt + HOUR);
  });

  it('raises the scene-silent prompt after a day without alerts, then escalates it at 3 and 7 days', async () => {
    const scene = red.sceneId;
    await setPlatformTime(t1 + DAY + MINUTE);
    const first = await openPromptAt('scene-silent', scene, 0);
    expect(first).toMatchObject({ episode: t1, recipientRole: 'sceneTechnician' });
    expect(first.reason).toBe('已 1 天无预警信息，请技术人员自检');

    // Meanwhile: the red alert is past its handling limit by two days.
    const deadline = Date.parse(red.deadlineAt);
    expect(deadline).toBeGreaterThan(t1 + HOUR);
    expect(deadline + 2 * DAY).toBeLessThan(t1 + 3 * DAY);
    await setPlatformTime(deadline + 2 * DAY + MINUTE);
    const overdue = await openPromptAt('overdue-closure', red.id, 0);
    expect(overdue).toMatchObject({ episode: deadline, recipientRole: 'sceneOperator' });
    expect(overdue.reason).toBe(
      '超过处置时限 2 天仍未结案；确有特殊情形无法闭环的，应与行业部门进行风险研判',
    );

    await setPlatformTime(t1 + 3 * DAY + MINUTE);
    const second = await openPromptAt('scene-silent', scene, 1);
    expect(second).toMatchObject({ episode: t1, recipientRole: 'sceneOperator' });
    expect(second.reason).toBe('已 3 天无预警信息，请运营人员核实无预警情况');

    await setPlatformTime(t1 + 7 * DAY + MINUTE);
    const third = await openPromptAt('scene-silent', scene, 2);
    expect(third).toMatchObject({ episode: t1, recipientRole: 'sceneHead' });
    expect(third.reason).toBe('已 7 天无预警信息，请部门负责人核实无预警情况');

    // One prompt per stage of this silence, each earlier one closed by the escalation; nothing raised twice over
    // all those ticks. (A silence of the scene's before the alert, if any, closed when the alert arrived.)
    const ofScene = promptsOf('scene-silent', scene);
    expect(ofScene.filter((p) => p.episode === t1).map((p) => [p.stage, p.state, p.resolutionKind])).toEqual([
      [0, 'resolved', 'escalated'],
      [1, 'resolved', 'escalated'],
      [2, 'raised', null],
    ]);
    for (const earlier of ofScene.filter((p) => p.episode !== t1)) {
      expect(earlier.episode).toBeLessThan(t1);
      expect(earlier.state).toBe('resolved');
    }
    expect(promptsOf('undispatched', red.id).map((p) => p.state)).toEqual(['raised']);
    expect(promptsOf('overdue-closure', red.id).map((p) => p.state)).toEqual(['raised']);
  });

  it('follows the red-alert flow: verified significant, then a major loop started, both confirmed by the platform', async () => {
    await h.call<ActionRecord>('submitAction', {
      name: 'verifyAlert',
      args: { alertId: red.id, significant: true, assessment: '燃气泄漏浓度持续上升，影响周边居民' },
    });
    const start = await openPromptAt('red-alert', red.id, 1);
    expect(start.reason).toMatch(/^已核实构成较大风险，请启动大闭环处置程序/);

    await h.call<ActionRecord>('submitAction', {
      name: 'startMajorLoop',
      args: { alertId: red.id, kind: 'risk', summary: '已报综合减灾处，组织行业部门研判' },
    });
    const track = await openPromptAt('red-alert', red.id, 2);
    expect(track.reason).toBe('风险类大闭环已启动（报综合减灾处），请跟踪处置进度直至结案');
    await until(
      () => h.call<ShellStatus>('getStatus'),
      (status) => status.pendingActions === 0,
      'the platform confirms both actions',
    );
    expect((await h.call<ShellStatus>('getStatus')).rejectedActions).toBe(0);
    // The platform's own copy of the alert now says the same: the flow stays at its last step.
    await until(
      () => promptsOf('red-alert', red.id).map((p) => [p.stage, p.state, p.resolutionKind]),
      (found) =>
        JSON.stringify(found) ===
        JSON.stringify([
          [0, 'resolved', 'stepDone'],
          [1, 'resolved', 'stepDone'],
          [2, 'raised', null],
        ]),
      'the red-alert flow closes each step once',
    );
    expect(h.log.filter((entry) => entry.level === 'error' && entry.message.startsWith('rules'))).toEqual([]);
  });
});
