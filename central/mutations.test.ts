import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCentral, uniqueId, type TestCentral } from './testing/fixture';
import { Replica, type CentralClient, type MutationInput } from './testing/spec-client';

let test: TestCentral;
let now: string;

interface AlertBody {
  id: string;
  level: string;
  status: string;
  loop: string;
  majorLoopKind: string | null;
  majorLoopReportedTo: string | null;
  verifiedAt: string | null;
  verifiedBy: string | null;
  verification: { significant: boolean } | null;
}

beforeAll(async () => {
  test = await startTestCentral();
  await test.client.login('wangfang');
  now = (await test.client.request<{ serverTime: string }>('GET', '/api/v1/time')).body.serverTime;
});

afterAll(async () => {
  await test.close();
});

/** A workstation's outbox: numbers its mutations 1, 2, 3... */
class Outbox {
  seq = 0;
  readonly clientId = uniqueId('ws');

  constructor(readonly client: CentralClient) {}

  next(name: string, args: unknown): MutationInput {
    return { id: uniqueId('mut'), seq: ++this.seq, name, args, createdAt: now };
  }

  async send(
    ...mutations: MutationInput[]
  ): Promise<Awaited<ReturnType<CentralClient['mutate']>>['results']> {
    return (await this.client.mutate(this.clientId, mutations)).results;
  }

  /** Sends mutations that are deliberately outside the spec. */
  async sendInvalid(
    ...mutations: MutationInput[]
  ): Promise<Awaited<ReturnType<CentralClient['mutate']>>['results']> {
    return (await this.client.mutate(this.clientId, mutations, true)).results;
  }
}

async function injectRedAlert(): Promise<AlertBody> {
  return (await test.client.admin<{ alert: AlertBody }>('POST', 'alerts', { level: 'red' })).alert;
}

async function current<T>(entity: string, id: string): Promise<T | undefined> {
  const replica = new Replica();
  replica.apply((await test.client.pullAll()).changes);
  return replica.get<T>(entity, id);
}

describe('each mutation', () => {
  it('verifyAlert then startMajorLoop: the alert is verified and escalated; the feed carries both', async () => {
    const outbox = new Outbox(test.client);
    const alert = await injectRedAlert();
    expect(alert.level).toBe('red');

    const early = await outbox.send(
      outbox.next('startMajorLoop', { alertId: alert.id, kind: 'risk', summary: '燃气泄漏，疑似管线破损' }),
    );
    expect(early[0]).toMatchObject({ status: 'rejected', code: 'INVALID_STATE' });

    const results = await outbox.send(
      outbox.next('verifyAlert', {
        alertId: alert.id,
        significant: true,
        assessment: '周边为人员密集区，构成较大风险',
      }),
      outbox.next('startMajorLoop', {
        alertId: alert.id,
        kind: 'emergency',
        summary: '燃气泄漏，已疏散周边群众',
      }),
    );
    expect(results.map((result) => result.status)).toEqual(['applied', 'applied']);
    const updated = await current<AlertBody>('alert', alert.id);
    expect(updated).toMatchObject({
      verifiedBy: 'op-wangfang',
      verification: { significant: true },
      loop: 'major',
      majorLoopKind: 'emergency',
      majorLoopReportedTo: '区应急管理局应急指挥中心',
    });
    expect(await current('timelineEntry', `${alert.id}-verify`)).toMatchObject({ kind: 'verification' });
    expect(await current('timelineEntry', `${alert.id}-major`)).toMatchObject({ kind: 'majorLoop' });

    // Another workstation verifying the same alert is told it is done.
    const other = test.newClient();
    await other.login('liqiang');
    const second = await new Outbox(other).send(
      new Outbox(other).next('verifyAlert', {
        alertId: alert.id,
        significant: false,
        assessment: '重复核实',
      }),
    );
    expect(second[0]).toMatchObject({ status: 'rejected', code: 'INVALID_STATE' });
    expect(second[0]?.message).toContain('already verified');
  });

  it('issueWorkPrompt, acknowledgeWorkPrompt, resolveWorkPrompt walk a prompt through its life', async () => {
    const outbox = new Outbox(test.client);
    const promptId = uniqueId('prompt');
    const results = await outbox.send(
      outbox.next('issueWorkPrompt', {
        promptId,
        rule: 'scene-silent',
        subject: { entity: 'scene', id: 'SC001' },
        recipientRole: 'sceneTechnician',
        message: '场景超过1天无预警信息，请开展自检',
        dueAt: '2025-07-11T02:00:00Z',
      }),
      outbox.next('acknowledgeWorkPrompt', { promptId, note: '技术人员已电话确认' }),
      outbox.next('resolveWorkPrompt', { promptId, resolution: '接口证书过期，已更换，恢复推送' }),
      outbox.next('acknowledgeWorkPrompt', { promptId }),
      outbox.next('resolveWorkPrompt', { promptId, resolution: '再次结束' }),
      outbox.next('issueWorkPrompt', {
        promptId,
        rule: 'manual',
        subject: { entity: 'district', id: 'pudong' },
        recipientRole: 'dutyTeam',
        message: '重复编号',
        dueAt: '2025-07-11T02:00:00Z',
      }),
    );
    expect(results.map((result) => result.code ?? result.status)).toEqual([
      'applied',
      'applied',
      'applied',
      'INVALID_STATE',
      'INVALID_STATE',
      'ALREADY_EXISTS',
    ]);
    expect(await current('workPrompt', promptId)).toMatchObject({
      status: 'resolved',
      issuedBy: 'op-wangfang',
      acknowledgedBy: 'op-wangfang',
      acknowledgementNote: '技术人员已电话确认',
      resolution: '接口证书过期，已更换，恢复推送',
      dueAt: '2025-07-11T02:00:00.000Z',
    });
  });

  it('claimItem and releaseItem keep two workstations off the same item', async () => {
    const alert = await injectRedAlert();
    const subject = { entity: 'alert', id: alert.id };
    const first = new Outbox(test.client);
    const secondClient = test.newClient();
    await secondClient.login('zhangmin');
    const second = new Outbox(secondClient);

    expect((await first.send(first.next('claimItem', { subject })))[0]?.status).toBe('applied');
    expect(await current('claim', `alert:${alert.id}`)).toMatchObject({
      operatorId: 'op-wangfang',
      clientId: first.clientId,
    });

    const taken = await second.send(
      second.next('claimItem', { subject }),
      second.next('releaseItem', { subject }),
    );
    expect(taken.map((result) => result.code)).toEqual(['CLAIMED_ELSEWHERE', 'NOT_CLAIMANT']);
    expect(taken[0]?.message).toContain('王芳');

    // Renewing one's own claim is fine; releasing ends it and the feed deletes it.
    const released = await first.send(
      first.next('claimItem', { subject }),
      first.next('releaseItem', { subject }),
      first.next('releaseItem', { subject }),
    );
    expect(released.map((result) => result.code ?? result.status)).toEqual([
      'applied',
      'applied',
      'NOT_CLAIMED',
    ]);
    expect(await current('claim', `alert:${alert.id}`)).toBeUndefined();
    expect((await second.send(second.next('claimItem', { subject })))[0]?.status).toBe('applied');
  });

  it('a claim lapses after 30 minutes of platform time', async () => {
    const alert = await injectRedAlert();
    const outbox = new Outbox(test.client);
    await outbox.send(outbox.next('claimItem', { subject: { entity: 'alert', id: alert.id } }));
    await test.client.admin('POST', 'clock', { advanceBySeconds: 31 * 60 });
    expect(await current('claim', `alert:${alert.id}`)).toBeUndefined();
  });

  it('addNote and recordHandover create timeline entries and handovers; unknown subjects are NOT_FOUND', async () => {
    const alert = await injectRedAlert();
    const outbox = new Outbox(test.client);
    const noteId = uniqueId('note');
    const handoverId = uniqueId('handover');
    const results = await outbox.send(
      outbox.next('addNote', {
        noteId,
        subject: { entity: 'alert', id: alert.id },
        text: '已电话联系权属单位，抢修队在途',
      }),
      outbox.next('addNote', {
        noteId: uniqueId('note'),
        subject: { entity: 'alert', id: 'YJ-NOPE' },
        text: '无',
      }),
      outbox.next('recordHandover', {
        handoverId,
        shiftStartedAt: '2025-07-09T16:00:00Z',
        shiftEndedAt: '2025-07-10T00:00:00Z',
        toOperatorId: 'lead-chenjing',
        summary: '夜班平稳，1起红色预警已核实并启动大闭环',
        openItems: [{ subject: { entity: 'alert', id: alert.id }, note: '跟踪处置进度' }],
      }),
      outbox.next('recordHandover', {
        handoverId: uniqueId('handover'),
        shiftStartedAt: '2025-07-10T00:00:00Z',
        shiftEndedAt: '2025-07-09T00:00:00Z',
        toOperatorId: null,
        summary: '时间倒置',
        openItems: [],
      }),
    );
    expect(results.map((result) => result.code ?? result.status)).toEqual([
      'applied',
      'NOT_FOUND',
      'applied',
      'VALIDATION_FAILED',
    ]);
    expect(await current('timelineEntry', noteId)).toMatchObject({
      kind: 'note',
      subject: { entity: 'alert', id: alert.id },
      actor: { kind: 'operator', name: '王芳', operatorId: 'op-wangfang' },
    });
    expect(await current('handover', handoverId)).toMatchObject({
      recordedBy: 'op-wangfang',
      toOperatorId: 'lead-chenjing',
    });
  });
});

describe('idempotency and ordering', () => {
  it('replaying the same ids answers duplicate with the first outcome and changes nothing', async () => {
    const alert = await injectRedAlert();
    const outbox = new Outbox(test.client);
    const batch = [
      outbox.next('addNote', {
        noteId: uniqueId('note'),
        subject: { entity: 'alert', id: alert.id },
        text: '第一次',
      }),
      outbox.next('resolveWorkPrompt', { promptId: 'no-such-prompt', resolution: 'x' }),
    ];
    const first = await outbox.send(...batch);
    expect(first.map((result) => result.code ?? result.status)).toEqual(['applied', 'NOT_FOUND']);
    const { cursor } = await test.client.pullAll();

    const replay = await outbox.send(...batch);
    expect(replay.map((result) => result.status)).toEqual(['duplicate', 'duplicate']);
    expect(replay[0]?.original).toMatchObject({ status: 'applied' });
    expect(replay[1]?.original).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' });
    const after = await test.client.changes({ cursor });
    expect(after.body.changes).toEqual([]);
    expect(after.body.cursor).toBe(cursor);
  });

  it('a gap is rejected with SEQUENCE_GAP and nothing kept; resending from expectedSeq applies all in order', async () => {
    const alert = await injectRedAlert();
    const outbox = new Outbox(test.client);
    const one = outbox.next('addNote', {
      noteId: uniqueId('note'),
      subject: { entity: 'alert', id: alert.id },
      text: '一',
    });
    const two = outbox.next('addNote', {
      noteId: uniqueId('note'),
      subject: { entity: 'alert', id: alert.id },
      text: '二',
    });
    const three = outbox.next('addNote', {
      noteId: uniqueId('note'),
      subject: { entity: 'alert', id: alert.id },
      text: '三',
    });

    const gap = await outbox.send(two, three);
    expect(gap.map((result) => [result.code, result.expectedSeq])).toEqual([
      ['SEQUENCE_GAP', 1],
      ['SEQUENCE_GAP', 1],
    ]);
    const { cursor } = await test.client.pullAll();

    const resent = await outbox.send(one, two, three);
    expect(resent.map((result) => result.status)).toEqual(['applied', 'applied', 'applied']);
    const notes = (await test.client.pullAll({ cursor })).changes.filter(
      (change) => change.entity === 'timelineEntry',
    );
    expect(notes.map((change) => (change.data as { text: string }).text)).toEqual(['一', '二', '三']);
  });

  it('mutations arriving out of order: the early one waits for its predecessor, nothing is applied twice', async () => {
    const alert = await injectRedAlert();
    const outbox = new Outbox(test.client);
    const one = outbox.next('addNote', {
      noteId: uniqueId('note'),
      subject: { entity: 'alert', id: alert.id },
      text: 'A',
    });
    const two = outbox.next('addNote', {
      noteId: uniqueId('note'),
      subject: { entity: 'alert', id: alert.id },
      text: 'B',
    });
    const reordered = await outbox.send(two, one);
    expect(reordered.map((result) => result.code ?? result.status)).toEqual(['SEQUENCE_GAP', 'applied']);
    expect(reordered[0]?.expectedSeq).toBe(1);

    // The client resends from expectedSeq: 1 is a duplicate, 2 applies now.
    const resent = await outbox.send(one, two);
    expect(resent.map((result) => result.status)).toEqual(['duplicate', 'applied']);
  });

  it('a seq reused by a different id is SEQUENCE_REUSED', async () => {
    const outbox = new Outbox(test.client);
    const first = outbox.next('claimItem', { subject: { entity: 'scene', id: 'SC002' } });
    await outbox.send(first);
    const impostor: MutationInput = { ...first, id: uniqueId('mut') };
    const results = await outbox.send(impostor);
    expect(results[0]).toMatchObject({ status: 'rejected', code: 'SEQUENCE_REUSED', expectedSeq: 2 });
    expect(results[0]?.message).toContain(first.id);
  });

  it('an unknown name or bad arguments reject that mutation only, naming the field, and consume its seq', async () => {
    const outbox = new Outbox(test.client);
    const results = await outbox.sendInvalid(
      outbox.next('deleteEverything', {}),
      outbox.next('issueWorkPrompt', {
        promptId: uniqueId('p'),
        rule: 'not-a-rule',
        subject: { entity: 'scene', id: 'SC001' },
        recipientRole: 'sceneOperator',
        message: 'x',
        dueAt: 'tomorrow',
      }),
      outbox.next('claimItem', { subject: { entity: 'scene', id: 'SC003' } }),
    );
    expect(results.map((result) => result.code ?? result.status)).toEqual([
      'UNKNOWN_MUTATION',
      'VALIDATION_FAILED',
      'applied',
    ]);
    expect(results[1]?.message).toContain('args.rule');
    expect(results[1]?.message).toContain('args.dueAt');
  });
});

describe('the request itself', () => {
  it('refuses a malformed envelope with 400 naming the field', async () => {
    const response = await test.client.request<{ code: string; details: { field: string }[] }>(
      'POST',
      '/api/v1/mutations',
      {
        body: {
          clientId: 'ws',
          mutations: [{ id: 'm1', seq: 0, name: 'addNote', args: {}, createdAt: now }],
        },
        unchecked: true,
      },
    );
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.details.map((detail) => detail.field)).toContain('mutations[0].seq');
  });

  it('refuses invalid JSON, a wrong media type and a body over 1 MiB', async () => {
    const broken = await test.client.request<{ code: string }>('POST', '/api/v1/mutations', {
      rawBody: '{"clientId":',
    });
    expect([broken.status, broken.body.code]).toEqual([400, 'INVALID_JSON']);
    const text = await test.client.request<{ code: string }>('POST', '/api/v1/mutations', {
      rawBody: 'clientId=ws',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([text.status, text.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const huge = await test.client.request<{ code: string }>('POST', '/api/v1/mutations', {
      rawBody: JSON.stringify({ clientId: 'ws', padding: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect([huge.status, huge.body.code]).toEqual([413, 'BODY_TOO_LARGE']);
  });

  it('needs a token', async () => {
    const response = await test.client.request<{ code: string }>('POST', '/api/v1/mutations', {
      body: {
        clientId: 'ws',
        mutations: [
          {
            id: 'm1',
            seq: 1,
            name: 'claimItem',
            args: { subject: { entity: 'scene', id: 'SC001' } },
            createdAt: now,
          },
        ],
      },
      token: null,
    });
    expect([response.status, response.body.code]).toEqual([401, 'TOKEN_MISSING']);
  });
});
