import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Replica, type Change } from './testing/spec-client';
import { startTestCentral, uniqueId, type TestCentral } from './testing/fixture';

let test: TestCentral;

beforeAll(async () => {
  test = await startTestCentral();
  await test.client.login();
});

afterAll(async () => {
  await test.close();
});

const key = (change: Change): string => `${change.entity}|${change.id}|${change.version}`;

async function advance(seconds: number): Promise<void> {
  await test.client.admin('POST', 'clock', { advanceBySeconds: seconds });
}

describe('GET /changes', () => {
  it('serves the whole district in one ordered feed', async () => {
    const { changes } = await test.client.pullAll();
    const kinds = new Set(changes.map((change) => change.entity));
    for (const kind of [
      'scene',
      'device',
      'alert',
      'workOrder',
      'timelineEntry',
      'commandManual',
      'keyPeriod',
      'operator',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    // Compacted: each entity once.
    const ids = changes.map((change) => `${change.entity}|${change.id}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resumes exactly after the last change a cursor covered, whatever the page size', async () => {
    const whole = await test.client.pullAll({ limit: 5000 });
    const paged = await test.client.pullAll({ limit: 97 });
    expect(paged.pages.length).toBeGreaterThan(10);
    expect(paged.changes.map(key)).toEqual(whole.changes.map(key));
    expect(paged.cursor).toBe(whole.cursor);

    // Nothing new: the same cursor comes back with an empty page.
    const idle = await test.client.changes({ cursor: whole.cursor });
    expect(idle.body.changes).toEqual([]);
    expect(idle.body.hasMore).toBe(false);
    expect(idle.body.cursor).toBe(whole.cursor);
  });

  it('delivers exactly what changed after a cursor, so an incremental copy equals a fresh one', async () => {
    const replica = new Replica();
    const first = await test.client.pullAll();
    replica.apply(first.changes);

    await advance(6 * 3600);
    await test.client.mutate(uniqueId('feed-client'), [
      {
        id: uniqueId('m'),
        seq: 1,
        name: 'addNote',
        args: {
          noteId: uniqueId('note'),
          subject: { entity: 'district', id: 'pudong' },
          text: '夜班巡查记录',
        },
        createdAt: new Date().toISOString(),
      },
    ]);
    const next = await test.client.pullAll({ cursor: first.cursor, limit: 50 });
    expect(next.changes.length).toBeGreaterThan(0);
    expect(next.changes.some((change) => change.entity === 'alert')).toBe(true);
    // None of the incremental changes repeats a version already held.
    for (const change of next.changes) expect(first.changes.map(key)).not.toContain(key(change));
    replica.apply(next.changes);

    const fresh = new Replica();
    fresh.apply((await test.client.pullAll()).changes);
    expect([...replica.entities.keys()].sort()).toEqual([...fresh.entities.keys()].sort());
    for (const [id, change] of fresh.entities)
      expect(replica.entities.get(id)?.version, id).toBe(change.version);
  });

  it('answers 410 CURSOR_UNKNOWN for a cursor it never issued', async () => {
    for (const cursor of ['garbage', 'YzEuMDAwMDAwMDAwMDAwLnAuMTA', 'a'.repeat(300)]) {
      const response = await test.client.changes({ cursor });
      expect(response.status, cursor).toBe(410);
      expect((response.body as unknown as { code: string }).code).toBe('CURSOR_UNKNOWN');
    }
  });

  it('answers 410 CURSOR_UNKNOWN for a cursor from another generation of the data', async () => {
    const other = await startTestCentral({ seed: 8, historyDays: 1 });
    try {
      await other.client.login();
      const foreign = (await other.client.changes({ limit: 1 })).body.cursor;
      const response = await test.client.changes({ cursor: foreign });
      expect(response.status).toBe(410);
      expect((response.body as unknown as { code: string }).code).toBe('CURSOR_UNKNOWN');
    } finally {
      await other.close();
    }
  });

  it('rejects a bad limit with 400 naming the field', async () => {
    const response = await test.client.request<{ code: string; details: { field: string }[] }>(
      'GET',
      '/api/v1/changes',
      {
        query: { limit: 0 },
      },
    );
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.details[0]?.field).toBe('limit');
  });
});

/** The alerts open right now, as a separate workstation's full sync sees them. */
async function openAlerts(): Promise<string[]> {
  const observer = test.newClient();
  observer.token = test.client.token;
  const replica = new Replica();
  replica.apply((await observer.pullAll()).changes);
  return replica
    .of<{ id: string; status: string }>('alert')
    .filter((alert) => alert.status !== 'closed')
    .map((alert) => alert.id);
}

describe('open items first (scope=open)', () => {
  it('delivers every open item before the history and ends with a cursor covering everything', async () => {
    const openAlertIds = await openAlerts();
    expect(openAlertIds.length).toBeGreaterThan(10);
    let openWhenPhaseEnded: string[] | null = null;

    const replica = new Replica();
    const delivered = new Set<string>();
    const phases: string[] = [];
    const openPhaseAlerts = new Set<string>();
    let cursor: string | undefined;
    let page = 0;
    const clientId = uniqueId('open-first');
    let seq = 0;
    let claimed: { entity: string; id: string } | null = null;
    for (;;) {
      const response = await test.client.changes({
        cursor,
        limit: 200,
        ...(cursor === undefined ? { scope: 'open' as const } : {}),
      });
      expect(response.status).toBe(200);
      const phaseOfThisPage = phases.length === 0 ? 'open' : (phases[phases.length - 1] as string);
      for (const change of response.body.changes) {
        expect(delivered.has(key(change)), `${key(change)} delivered twice`).toBe(false);
        delivered.add(key(change));
        if (phaseOfThisPage === 'open' && change.entity === 'alert') {
          expect((change.data as { status: string }).status).not.toBe('closed');
          openPhaseAlerts.add(change.id);
        }
      }
      replica.apply(response.body.changes);
      if (openWhenPhaseEnded === null && response.body.phase !== 'open')
        openWhenPhaseEnded = await openAlerts();
      phases.push(response.body.phase);
      cursor = response.body.cursor;
      page++;
      // The district keeps moving during the sync: alerts arrive and close, operators act.
      if (page % 3 === 0) {
        await advance(1800);
        const subject = { entity: 'alert', id: openAlertIds[page % openAlertIds.length] as string };
        const createdAt = new Date().toISOString();
        // A claim taken and, two pages later, released: its deletion must reach the new workstation too.
        const mutations = [
          { name: 'addNote', args: { noteId: uniqueId('note'), subject, text: '电话核实中' } },
          { name: 'claimItem', args: { subject } },
        ];
        if (claimed) mutations.push({ name: 'releaseItem', args: { subject: claimed } });
        claimed = subject;
        await test.client.mutate(
          clientId,
          mutations.map((mutation) => ({ ...mutation, id: uniqueId('m'), seq: ++seq, createdAt })),
        );
      }
      if (!response.body.hasMore) break;
    }

    // Phases run open -> history -> live, each at least once, never back.
    const order = ['open', 'history', 'live'];
    for (let i = 1; i < phases.length; i++) {
      expect(order.indexOf(phases[i] as string)).toBeGreaterThanOrEqual(
        order.indexOf(phases[i - 1] as string),
      );
    }
    expect(phases).toContain('history');
    expect(phases[phases.length - 1]).toBe('live');
    // When the open phase ended, the client held every alert open at that moment.
    expect(openWhenPhaseEnded?.length).toBeGreaterThan(10);
    for (const id of openWhenPhaseEnded ?? []) expect(openPhaseAlerts.has(id), id).toBe(true);

    // The final cursor covers everything: the copy equals a fresh full sync, and nothing more is pending.
    const fresh = new Replica();
    const full = await test.client.pullAll();
    fresh.apply(full.changes);
    expect([...replica.entities.keys()].sort()).toEqual([...fresh.entities.keys()].sort());
    for (const [id, change] of fresh.entities)
      expect(replica.entities.get(id)?.version, id).toBe(change.version);
    const after = await test.client.changes({ cursor });
    expect(after.body.changes).toEqual([]);
    expect(after.body.cursor).toBe(full.cursor);
  });
});

describe('tombstones and expired cursors', () => {
  it('sends a delete for a released claim, then forgets it after 7 days: older cursors get 410 CURSOR_EXPIRED', async () => {
    const alert = (await test.client.pullAll()).changes.find(
      (change) => change.entity === 'alert' && (change.data as { status: string }).status !== 'closed',
    );
    expect(alert).toBeDefined();
    const subject = { entity: 'alert', id: alert?.id ?? '' };
    const before = (await test.client.changes({ limit: 1 })).body.cursor; // a cursor near the start of the feed
    const clientId = uniqueId('tomb');
    const results = await test.client.mutate(clientId, [
      {
        id: uniqueId('m'),
        seq: 1,
        name: 'claimItem',
        args: { subject },
        createdAt: new Date().toISOString(),
      },
      {
        id: uniqueId('m'),
        seq: 2,
        name: 'releaseItem',
        args: { subject },
        createdAt: new Date().toISOString(),
      },
    ]);
    expect(results.results.map((result) => result.status)).toEqual(['applied', 'applied']);
    const { changes, cursor: latest } = await test.client.pullAll({ cursor: before });
    const tombstone = changes.find(
      (change) => change.entity === 'claim' && change.id === `alert:${subject.id}`,
    );
    expect(tombstone?.op).toBe('delete');
    expect(tombstone?.data).toBeNull();

    await advance(8 * 86_400);
    const expired = await test.client.changes({ cursor: before });
    expect(expired.status).toBe(410);
    expect((expired.body as unknown as { code: string }).code).toBe('CURSOR_EXPIRED');
    // A cursor past the forgotten tombstone still resumes.
    const recent = await test.client.changes({ cursor: latest });
    expect(recent.status).toBe(200);
  });
});
