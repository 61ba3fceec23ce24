import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheMigrations } from '../db/migrations';
import { openCacheDatabase } from '../db/open-database';
import { CacheWriter } from './cache-writer';
import { ActionRejectedLocally, Outbox } from './outbox';
import { alertDocument } from './test-fixtures';
import { validatePage } from './wire';

const operator = { id: 'op-1', name: '张敏' };
const at = '2026-11-23T02:00:00.000Z';

function page(documents: Record<string, unknown>[], entity = 'alert') {
  return validatePage({
    changes: documents.map((data) => ({ entity, op: 'upsert', id: data.id, version: data.version, data })),
    cursor: 'c-1',
    hasMore: false,
    phase: 'live',
    serverTime: at,
  });
}

let dir: string;
let db: Database.Database;
let outbox: Outbox;
let writer: CacheWriter;

function alertRow(id = 'alert-1') {
  const row = db
    .prepare('SELECT version, verified_at, has_handler, loop, data FROM alert WHERE id = ?')
    .get(id) as
    | { version: number; verified_at: number | null; has_handler: number; loop: string; data: string }
    | undefined;
  return row && { ...row, data: JSON.parse(row.data) as Record<string, unknown> };
}

/** Applies a pulled page the way the sync engine does: write, then rebase the documents with pending effects. */
function applyServerPage(documents: Record<string, unknown>[], entity = 'alert') {
  const valid = page(documents, entity);
  db.transaction(() => {
    writer.apply(valid.changes);
    const based = outbox.basedKeys();
    for (const change of valid.changes) {
      if (Outbox.isBased(based, change.entity, change.id)) outbox.rebase(change.entity, change.id);
    }
  })();
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-outbox-'));
  db = openCacheDatabase(path.join(dir, 'cache.db'), {
    migrations: cacheMigrations,
    now: () => new Date(),
    warn: () => undefined,
  }).db;
  outbox = new Outbox(db);
  writer = new CacheWriter(db);
  applyServerPage([alertDocument()]);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const verify = () =>
  outbox.enqueue({
    name: 'verifyAlert',
    args: { alertId: 'alert-1', significant: true, assessment: '现场燃气泄漏，已疏散' },
    operator,
    at,
    clientId: 'ws-1',
  });

describe('Outbox', () => {
  it('writes the action and its local effect at once, pending', () => {
    const entry = verify();
    expect(entry).toMatchObject({ name: 'verifyAlert', state: 'pending', operatorId: 'op-1', createdAt: at });
    expect(outbox.counts()).toEqual({ pending: 1, rejected: 0 });
    // By the operator's id, as the platform records it (openapi.yaml, Alert.verifiedBy).
    expect(alertRow()).toMatchObject({ verified_at: Date.parse(at), data: { verifiedBy: 'op-1' } });
    expect(db.prepare("SELECT count(*) AS n FROM audit WHERE action = 'action.verifyAlert'").get()).toEqual({
      n: 1,
    });
  });

  it('refuses invalid arguments with a message naming the field, writing nothing', () => {
    expect(() =>
      outbox.enqueue({
        name: 'verifyAlert',
        args: { alertId: 'alert-1', significant: 'yes', assessment: 'x' },
        operator,
        at,
        clientId: 'ws-1',
      }),
    ).toThrow(/verifyAlert: significant/);
    expect(() => outbox.enqueue({ name: 'dropTables', args: {}, operator, at, clientId: 'ws-1' })).toThrow(
      ActionRejectedLocally,
    );
    expect(outbox.counts()).toEqual({ pending: 0, rejected: 0 });
  });

  it('keeps a pending effect on top of newer server data', () => {
    verify();
    applyServerPage([
      alertDocument({
        version: 4,
        status: 'dispatched',
        handler: { name: '李强', unit: '燃气公司', phone: '1' },
      }),
    ]);
    const row = alertRow();
    expect(row).toMatchObject({ version: 4, has_handler: 1, verified_at: Date.parse(at) });
    expect(row?.data.verification).toEqual({ significant: true, assessment: '现场燃气泄漏，已疏散' });
  });

  it('withdraws a rejected effect, keeping the server data that arrived meanwhile', () => {
    const entry = verify();
    applyServerPage([
      alertDocument({
        version: 4,
        status: 'dispatched',
        handler: { name: '李强', unit: '燃气公司', phone: '1' },
      }),
    ]);
    outbox.markRejected(entry.mutationId, 'INVALID_STATE', 'already verified', Date.parse(at));
    expect(alertRow()).toMatchObject({ version: 4, has_handler: 1, verified_at: null });
    expect(outbox.counts()).toEqual({ pending: 0, rejected: 1 });
    expect(outbox.get(entry.mutationId)).toMatchObject({ state: 'rejected', rejectedCode: 'INVALID_STATE' });
  });

  it('keeps an applied effect visible until the server version replaces it', () => {
    const entry = verify();
    outbox.markApplied(entry.mutationId, Date.parse(at));
    expect(alertRow()?.verified_at).toBe(Date.parse(at));
    expect(outbox.basedKeys().size).toBe(0);
    applyServerPage([
      alertDocument({
        version: 5,
        verifiedAt: at,
        verifiedBy: 'op-1',
        verification: { significant: true, assessment: 'server' },
      }),
    ]);
    expect(alertRow()?.data.verification).toEqual({ significant: true, assessment: 'server' });
  });

  it('folds several pending actions in order and creates and removes documents', () => {
    verify();
    outbox.enqueue({
      name: 'startMajorLoop',
      args: { alertId: 'alert-1', kind: 'emergency', summary: '报应急指挥中心' },
      operator,
      at,
      clientId: 'ws-1',
    });
    outbox.enqueue({
      name: 'claimItem',
      args: { subject: { entity: 'alert', id: 'alert-1' } },
      operator,
      at,
      clientId: 'ws-1',
    });
    expect(alertRow()).toMatchObject({ loop: 'major', verified_at: Date.parse(at) });
    expect(db.prepare("SELECT operator_id FROM claim WHERE id = 'alert:alert-1'").get()).toEqual({
      operator_id: 'op-1',
    });
    outbox.enqueue({
      name: 'releaseItem',
      args: { subject: { entity: 'alert', id: 'alert-1' } },
      operator,
      at,
      clientId: 'ws-1',
    });
    expect(db.prepare('SELECT count(*) AS n FROM claim').get()).toEqual({ n: 0 });
    expect(outbox.pendingBatch(10, operator.id).map((e) => e.name)).toEqual([
      'verifyAlert',
      'startMajorLoop',
      'claimItem',
      'releaseItem',
    ]);
  });

  it('lets the operator discard a rejected action or retry it edited, both audited', () => {
    const first = verify();
    outbox.markRejected(first.mutationId, 'VALIDATION_FAILED', 'assessment too short', Date.parse(at));
    const retry = outbox.retryEdited(
      first.mutationId,
      { alertId: 'alert-1', significant: false, assessment: '误报，设备故障' },
      operator,
      at,
      'ws-1',
    );
    expect(outbox.get(first.mutationId)?.state).toBe('discarded');
    expect(retry).toMatchObject({ state: 'pending', args: { significant: false } });
    expect(alertRow()?.data.verification).toEqual({ significant: false, assessment: '误报，设备故障' });
    outbox.markRejected(retry.mutationId, 'INVALID_STATE', 'closed', Date.parse(at));
    outbox.discard(retry.mutationId, operator, Date.parse(at));
    expect(outbox.counts()).toEqual({ pending: 0, rejected: 0 });
    expect(() => outbox.discard(retry.mutationId, operator, Date.parse(at))).toThrow(/not waiting/);
    const actions = (
      db.prepare("SELECT action FROM audit WHERE action LIKE 'outbox.%' ORDER BY id").all() as {
        action: string;
      }[]
    ).map((r) => r.action);
    expect(actions).toEqual(['outbox.rejected', 'outbox.retry', 'outbox.rejected', 'outbox.discard']);
  });
});
