/**
 * A confirmed action whose server data arrived while it waited (its answer was lost, or the process
 * died between the server's commit and the outbox's): the server will not send that data again, so the
 * local guess must not stay in the cache for good. It stays, without flicker, until a pull begun after
 * the confirmation has caught up, and then the server's data stands. Found by sync-kill.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheMigrations } from '../db/migrations';
import { openCacheDatabase } from '../db/open-database';
import { CacheWriter } from './cache-writer';
import { Outbox } from './outbox';
import { alertDocument } from './test-fixtures';
import { validatePage } from './wire';

const operator = { id: 'op-1', name: '张敏' };
const at = '2026-11-23T02:00:00.000Z';

let dir: string;
let db: Database.Database;
let outbox: Outbox;

/** Writes a pulled page the way the sync engine does: the documents, then the rebase of based ones. */
function applyServerPage(documents: Record<string, unknown>[]): void {
  const page = validatePage({
    changes: documents.map((data) => ({
      entity: 'alert',
      op: 'upsert',
      id: data.id,
      version: data.version,
      data,
    })),
    cursor: 'c-1',
    hasMore: false,
    phase: 'live',
    serverTime: at,
  });
  const writer = new CacheWriter(db);
  db.transaction(() => {
    writer.apply(page.changes);
    const based = outbox.basedKeys();
    for (const change of page.changes) {
      if (Outbox.isBased(based, change.entity, change.id)) outbox.rebase(change.entity, change.id);
    }
  })();
}

const verify = () =>
  outbox.enqueue({
    name: 'verifyAlert',
    args: { alertId: 'alert-1', significant: true, assessment: '现场燃气泄漏，已疏散' },
    operator,
    at,
    clientId: 'ws-1',
  });

/**
 * The platform records an action at the instant the workstation gave, but never later than its own now
 * (openapi.yaml, POST /mutations): here the workstation's estimate of the platform's clock ran 2 s ahead, so
 * the verification time tells the server's data from the local guess.
 */
const recordedAt = '2026-11-23T01:59:58.000Z';

/** The alert as the server records the verification. */
const verifiedOnServer = (version: number) =>
  alertDocument({
    version,
    verifiedAt: recordedAt,
    verifiedBy: 'op-1',
    verification: { significant: true, assessment: '现场燃气泄漏，已疏散' },
  });

const alertData = (): Record<string, unknown> =>
  JSON.parse(
    (db.prepare("SELECT data FROM alert WHERE id = 'alert-1'").get() as { data: string }).data,
  ) as Record<string, unknown>;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-settle-'));
  db = openCacheDatabase(path.join(dir, 'cache.db'), {
    migrations: cacheMigrations,
    now: () => new Date(),
    warn: () => undefined,
  }).db;
  outbox = new Outbox(db);
  applyServerPage([alertDocument()]);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Outbox: confirmed actions whose server data came first', () => {
  it('keeps the operator’s view through the confirmation, then settles on the server’s data', () => {
    const entry = verify();
    applyServerPage([verifiedOnServer(4)]);
    // Still pending: the local effect is folded over the server's data.
    expect(alertData()).toMatchObject({ version: 4, verifiedAt: at });
    const pullBefore = outbox.confirmations;
    outbox.markApplied(entry.mutationId, Date.parse(at));
    // No flicker at the confirmation...
    expect(alertData()).toMatchObject({ version: 4, verifiedAt: at });
    // ...a pull that began before the confirmation proves nothing...
    db.transaction(() => outbox.settle(pullBefore))();
    expect(alertData()).toMatchObject({ verifiedAt: at });
    // ...one that began after it and caught up does: the server's version 4 is its latest.
    db.transaction(() => outbox.settle(outbox.confirmations))();
    expect(alertData()).toMatchObject({ version: 4, verifiedAt: recordedAt });
    expect(outbox.basedKeys().size).toBe(0);
  });

  it('settles on newer server data as soon as it arrives', () => {
    const entry = verify();
    applyServerPage([verifiedOnServer(4)]);
    outbox.markApplied(entry.mutationId, Date.parse(at));
    applyServerPage([{ ...verifiedOnServer(5), status: 'dispatched' }]);
    expect(alertData()).toMatchObject({ version: 5, verifiedAt: recordedAt, status: 'dispatched' });
    expect(outbox.basedKeys().size).toBe(0);
  });

  it('after a restart between the server data and the confirmation, still settles', () => {
    const entry = verify();
    applyServerPage([verifiedOnServer(4)]);
    outbox = new Outbox(db);
    outbox.markApplied(entry.mutationId, Date.parse(at));
    expect(alertData()).toMatchObject({ verifiedAt: at });
    db.transaction(() => outbox.settle(outbox.confirmations))();
    expect(alertData()).toMatchObject({ version: 4, verifiedAt: recordedAt });
  });

  it('after a restart between the confirmation and the settling pull, settles at the next pull', () => {
    const entry = verify();
    applyServerPage([verifiedOnServer(4)]);
    outbox.markApplied(entry.mutationId, Date.parse(at));
    outbox = new Outbox(db);
    db.transaction(() => outbox.settle(outbox.confirmations))();
    expect(alertData()).toMatchObject({ version: 4, verifiedAt: recordedAt });
    expect(outbox.basedKeys().size).toBe(0);
  });

  it('leaves a document alone that a newer pending action took over meanwhile', () => {
    const first = verify();
    applyServerPage([verifiedOnServer(4)]);
    outbox.markApplied(first.mutationId, Date.parse(at));
    outbox.enqueue({
      name: 'startMajorLoop',
      args: { alertId: 'alert-1', kind: 'risk', summary: '可能波及周边居民' },
      operator,
      at,
      clientId: 'ws-1',
    });
    db.transaction(() => outbox.settle(outbox.confirmations))();
    expect(alertData()).toMatchObject({ version: 4, loop: 'major', majorLoopKind: 'risk' });
  });

  it('without server data meanwhile, behaves as before: the effect stays until the server version arrives', () => {
    const entry = verify();
    outbox.markApplied(entry.mutationId, Date.parse(at));
    expect(outbox.basedKeys().size).toBe(0);
    db.transaction(() => outbox.settle(outbox.confirmations))();
    expect(alertData()).toMatchObject({ version: 3, verifiedAt: at });
    applyServerPage([verifiedOnServer(4)]);
    expect(alertData()).toMatchObject({ version: 4, verifiedAt: recordedAt });
  });
});
