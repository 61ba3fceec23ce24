import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startCentral } from '../../central/server';
import type { ActionRecord, OperatorSummary, ShellStatus } from '../../preload/contract';
import { afterPageCommitted, CACHE_FILE_NAME, pullingHistory, type Core } from './app-core';
import { createTestCore, dispatchValue, eventually, useCoreTestBed } from './testing/core-test-bed';

const bed = useCoreTestBed('dutydesk-core-');
const call = <T>(name: string, ...args: unknown[]) => dispatchValue<T>(bed.core, name, args);
const until = eventually;

/** The test district (seed 3, 5 days), its data kept in the bed's folder so that a restart resumes it. */
function startDistrict(port = 0): ReturnType<typeof startCentral> {
  return startCentral({ port, seed: 3, historyDays: 5, dataDir: path.join(bed.dir, 'central') });
}

function startCore(centralUrl: string): Core {
  const started = createTestCore(bed.dir, centralUrl);
  started.start();
  return started;
}

interface RaisedPrompt {
  id: string;
  rule: string;
  entity: string;
  subjectId: string;
  role: string;
  reason: string;
}

/**
 * A prompt the rules raised here about an alert, scene or device, once there is one: they run after the sync,
 * and a simulated district always has prompts to raise (silent scenes, late alerts...).
 */
async function firstRaisedPrompt(): Promise<RaisedPrompt> {
  const cacheFile = path.join(bed.dir, 'workstation', CACHE_FILE_NAME);
  const raised = await until(
    () => {
      const db = new Database(cacheFile, { readonly: true });
      const row = db
        .prepare(
          "SELECT id, rule, subject_entity AS entity, subject_id AS subjectId, recipient_role AS role, reason FROM local_prompt WHERE state = 'raised' AND subject_entity IN ('alert', 'scene', 'device') LIMIT 1",
        )
        .get() as RaisedPrompt | undefined;
      db.close();
      return row;
    },
    (row) => row !== undefined,
  );
  if (raised === undefined) throw new Error('no prompt was raised');
  return raised;
}

/** The arguments that issue a raised prompt about `subjectId`, due in an hour. */
function issueArgsOf(raised: RaisedPrompt, subjectId: string) {
  if (!bed.core) throw new Error('no core');
  return {
    promptId: raised.id,
    rule: raised.rule,
    subject: { entity: raised.entity, id: subjectId },
    recipientRole: raised.role,
    message: raised.reason,
    dueAt: new Date(bed.core.clock.now() + 3_600_000).toISOString(),
  };
}

describe('the core with a central platform', () => {
  it('signs in, syncs, and sends an action that shows pending at once and applied once', async () => {
    bed.central = await startDistrict();
    bed.core = startCore(bed.central.url);

    const before = await call<ShellStatus>('getStatus');
    expect(before.operator).toBeNull();
    await expect(bed.core.dispatch('submitAction', [{ name: 'addNote', args: {} }])).resolves.toMatchObject({
      ok: false,
      error: { code: 'NOT_SIGNED_IN' },
    });
    await expect(
      bed.core.dispatch('signIn', [{ username: 'zhangmin', password: 'wrong' }]),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'SIGN_IN_REFUSED' },
    });

    const operator = await call<OperatorSummary>('signIn', {
      username: 'zhangmin',
      password: 'zhangmin-demo',
    });
    expect(operator).toEqual({ id: 'op-zhangmin', name: '张敏', role: 'operator' });
    const synced = await until(
      () => call<ShellStatus>('getStatus'),
      (status) => status.sync?.stage === 'live',
    );
    expect(synced.connection.state).toBe('online');
    expect(synced.lastSyncAt).not.toBeNull();

    const cache = new Database(path.join(bed.dir, 'workstation', CACHE_FILE_NAME), { readonly: true });
    const alert = cache.prepare('SELECT id FROM alert WHERE closed_at IS NULL LIMIT 1').get() as {
      id: string;
    };
    cache.close();

    await expect(
      bed.core.dispatch('submitAction', [
        { name: 'addNote', args: { noteId: 'n-1', subject: { entity: 'alert', id: alert.id } } },
      ]),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'ACTION_REFUSED', message: expect.stringContaining('text') as string },
    });

    const record = await call<ActionRecord>('submitAction', {
      name: 'addNote',
      args: { noteId: 'note-core-1', subject: { entity: 'alert', id: alert.id }, text: '已通知燃气公司到场' },
    });
    expect(record.state).toBe('pending');
    await until(
      () => call<ShellStatus>('getStatus'),
      (status) => status.pendingActions === 0 && status.rejectedActions === 0,
    );
    expect(await call<ActionRecord[]>('listUnfinishedActions')).toEqual([]);
  });

  it('issues a prompt the rules raised: the prompt is issued and the action queued together', async () => {
    bed.central = await startDistrict();
    bed.core = startCore(bed.central.url);
    await call<OperatorSummary>('signIn', { username: 'wangfang', password: 'wangfang-demo' });
    const cacheFile = path.join(bed.dir, 'workstation', CACHE_FILE_NAME);
    const raised = await firstRaisedPrompt();
    const record = await call<ActionRecord>('submitAction', {
      name: 'issueWorkPrompt',
      args: issueArgsOf(raised, raised.subjectId),
    });
    expect(record.state).toBe('pending');
    const db = new Database(cacheFile, { readonly: true });
    expect(db.prepare('SELECT state, issued_by FROM local_prompt WHERE id = ?').get(raised.id)).toEqual({
      state: 'issued',
      issued_by: 'op-wangfang',
    });
    db.close();
    await until(
      () => call<ShellStatus>('getStatus'),
      (status) => status.pendingActions === 0 && status.rejectedActions === 0,
    );
  });

  it('keeps a prompt issued from here in step with the platform: a rejected issue, then the recipient’s steps', async () => {
    bed.central = await startDistrict();
    bed.core = startCore(bed.central.url);
    await call<OperatorSummary>('signIn', { username: 'wangfang', password: 'wangfang-demo' });
    await until(
      () => call<ShellStatus>('getStatus'),
      (status) => status.sync?.stage === 'live',
    );
    const cacheFile = path.join(bed.dir, 'workstation', CACHE_FILE_NAME);
    const readPrompt = (id: string) => {
      const db = new Database(cacheFile, { readonly: true });
      const row = db
        .prepare(
          'SELECT state, issued_by, acknowledged_by, resolved_by, resolution FROM local_prompt WHERE id = ?',
        )
        .get(id) as
        | {
            state: string;
            issued_by: string | null;
            acknowledged_by: string | null;
            resolved_by: string | null;
            resolution: string | null;
          }
        | undefined;
      db.close();
      return row;
    };
    const raised = await firstRaisedPrompt();

    // The platform rejects an issue about a subject it does not have: the prompt is raised here again.
    const rejected = await call<ActionRecord>('submitAction', {
      name: 'issueWorkPrompt',
      args: issueArgsOf(raised, 'no-such-subject'),
    });
    expect(readPrompt(raised.id)?.state).toBe('issued');
    await until(
      () => readPrompt(raised.id)?.state,
      (state) => state === 'raised',
    );
    expect((await call<ShellStatus>('getStatus')).rejectedActions).toBe(1);

    // Retried with the right subject, it is issued again, and applied.
    await call<ActionRecord>('retryAction', {
      mutationId: rejected.mutationId,
      args: issueArgsOf(raised, raised.subjectId),
    });
    expect(readPrompt(raised.id)).toMatchObject({ state: 'issued', issued_by: 'op-wangfang' });
    await until(
      () => call<ShellStatus>('getStatus'),
      (status) => status.pendingActions === 0 && status.rejectedActions === 0,
    );

    // The recipient acknowledges and resolves it on the platform, from another client: this queue follows.
    const api = `${bed.central.url}/api/v1`;
    const session = (await (
      await fetch(`${api}/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'zhangmin', password: 'zhangmin-demo' }),
      })
    ).json()) as { token: string };
    const act = async (seq: number, name: string, args: Record<string, unknown>): Promise<void> => {
      const response = await fetch(`${api}/mutations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
        body: JSON.stringify({
          clientId: 'another-workstation',
          mutations: [
            { id: `other-${seq}`, seq, name, args, createdAt: new Date(bed.core!.clock.now()).toISOString() },
          ],
        }),
      });
      expect(response.status).toBe(200);
      expect(JSON.stringify(await response.json())).toContain('applied');
    };
    await act(1, 'acknowledgeWorkPrompt', { promptId: raised.id, note: '已安排人员' });
    await until(
      () => readPrompt(raised.id),
      (prompt) => prompt?.state === 'acknowledged',
    );
    expect(readPrompt(raised.id)).toMatchObject({ issued_by: 'op-wangfang', acknowledged_by: 'op-zhangmin' });
    await act(2, 'resolveWorkPrompt', { promptId: raised.id, resolution: '处置人员已到场' });
    await until(
      () => readPrompt(raised.id),
      (prompt) => prompt?.state === 'resolved',
    );
    expect(readPrompt(raised.id)).toMatchObject({ resolved_by: 'op-zhangmin', resolution: '处置人员已到场' });
  });

  it('keeps working offline: actions queue up and reach the platform exactly once when it returns', async () => {
    bed.central = await startDistrict();
    const { port } = bed.central;
    bed.core = startCore(bed.central.url);
    await call<OperatorSummary>('signIn', { username: 'liqiang', password: 'liqiang-demo' });
    await until(
      () => call<ShellStatus>('getStatus'),
      (status) => status.sync?.stage === 'live',
    );
    const cache = new Database(path.join(bed.dir, 'workstation', CACHE_FILE_NAME), { readonly: true });
    const alerts = cache.prepare('SELECT id FROM alert WHERE closed_at IS NULL LIMIT 3').all() as {
      id: string;
    }[];
    cache.close();

    await bed.central.close();
    bed.central = null;
    for (const [index, alert] of alerts.entries()) {
      await call<ActionRecord>('submitAction', {
        name: 'addNote',
        args: {
          noteId: `offline-${index}`,
          subject: { entity: 'alert', id: alert.id },
          text: `离线记录 ${index}`,
        },
      });
    }
    const offline = await until(
      () => call<ShellStatus>('getStatus'),
      (status) => status.connection.state !== 'online',
    );
    expect(offline.pendingActions).toBe(3);

    bed.central = await startDistrict(port);
    await until(
      () => call<ShellStatus>('getStatus'),
      (status) => status.pendingActions === 0 && status.connection.state === 'online',
      30_000,
    );
    // Exactly once on the platform: each note exists once in its feed, as the cache now shows.
    await until(
      () => {
        const db = new Database(path.join(bed.dir, 'workstation', CACHE_FILE_NAME), { readonly: true });
        const rows = db.prepare("SELECT id, version FROM timeline_entry WHERE id LIKE 'offline-%'").all() as {
          id: string;
          version: number;
        }[];
        db.close();
        return rows;
      },
      (rows) => rows.length === 3 && rows.every((row) => row.version > 0),
    );
  });
});

describe('pullingHistory', () => {
  it('holds only while an initial sync that has every open item pulls the rest', () => {
    expect(pullingHistory({ stage: 'initial', openItemsComplete: false })).toBe(false);
    expect(pullingHistory({ stage: 'initial', openItemsComplete: true })).toBe(true);
    // Live: every page may move a queue (another workstation's claim), counted at the usual pace.
    expect(pullingHistory({ stage: 'live', openItemsComplete: true })).toBe(false);
  });
});
describe('afterPageCommitted', () => {
  it('runs the rules after a page of the open items or of the live feed, and not after a page of history', () => {
    expect(afterPageCommitted({ stage: 'initial', openItemsComplete: false })).toEqual({
      counts: 'soon',
      rules: true,
    });
    expect(afterPageCommitted({ stage: 'initial', openItemsComplete: true })).toEqual({
      counts: 'duringHistory',
      rules: false,
    });
    expect(afterPageCommitted({ stage: 'live', openItemsComplete: true })).toEqual({
      counts: 'soon',
      rules: true,
    });
  });
});
