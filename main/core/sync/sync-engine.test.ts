import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type RunningCentral } from '../../../central/server';
import { createServerClock, systemClockSources } from '../clock';
import { cacheMigrations } from '../db/migrations';
import { openCacheDatabase } from '../db/open-database';
import { silentLogger } from '../logger';
import { signIn } from './session';
import { SyncEngine } from './sync-engine';
import { testClient } from './testing/harness';

let central: RunningCentral;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-sync-'));
  central = await startCentral({ port: 0, seed: 7, historyDays: 10, testAdmin: true });
}, 120_000);
afterAll(async () => {
  await central.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function openCache(name: string): Database.Database {
  return openCacheDatabase(path.join(dir, name), {
    migrations: cacheMigrations,
    now: () => new Date(),
    warn: () => undefined,
  }).db;
}

async function signedInEngine(name: string) {
  const db = openCache(name);
  const clock = createServerClock();
  await signIn(testClient(central.url), db, clock, { username: 'zhangmin', password: 'zhangmin-demo' });
  const engine = new SyncEngine({
    db,
    centralUrl: central.url,
    clock,
    monoNow: systemClockSources.monoNow,
    logger: silentLogger,
    pageLimit: 1000,
    useEventStream: false,
  });
  return { db, engine, clock };
}

const count = (db: Database.Database, table: string): number =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('SyncEngine against the reference central server', () => {
  it('pulls the whole feed, open items first, and ends caught up with the server clock measured', async () => {
    const { db, engine, clock } = await signedInEngine('full.db');
    const first = await engine.pullPage();
    expect(first?.phase).toBe('open');
    await engine.pullUntilCaughtUp();
    const snapshot = engine.snapshot();
    expect(snapshot.progress.stage).toBe('live');
    expect(snapshot.progress.openItemsComplete).toBe(true);
    expect(count(db, 'alert')).toBeGreaterThan(100);
    expect(count(db, 'scene')).toBeGreaterThan(10);
    expect(clock.isSynchronised()).toBe(true);
    // Pulling again finds nothing new.
    expect(await engine.pullUntilCaughtUp()).toBeLessThan(50);
    db.close();
  });

  it('sends actions exactly once and sees the server confirm them', async () => {
    const { db, engine } = await signedInEngine('push.db');
    await engine.pullUntilCaughtUp();
    const alert = db
      .prepare(
        "SELECT id FROM alert WHERE level = 'red' AND verified_at IS NULL AND closed_at IS NULL LIMIT 1",
      )
      .get() as { id: string } | undefined;
    const openAlert =
      alert ?? (db.prepare('SELECT id FROM alert WHERE closed_at IS NULL LIMIT 1').get() as { id: string });
    const operator = { id: 'op-zhangmin', name: '张敏' };
    const at = new Date().toISOString();
    const state = db.prepare('SELECT client_id FROM sync_state').get() as { client_id: string };
    engine.outbox.enqueue({
      name: 'addNote',
      args: {
        noteId: `note-${Date.now()}`,
        subject: { entity: 'alert', id: openAlert.id },
        text: '已电话联系现场',
      },
      operator,
      at,
      clientId: state.client_id,
    });
    engine.outbox.enqueue({
      name: 'claimItem',
      args: { subject: { entity: 'alert', id: openAlert.id } },
      operator,
      at,
      clientId: state.client_id,
    });
    expect(engine.outbox.counts()).toEqual({ pending: 2, rejected: 0 });
    expect(await engine.pushOnce()).toBe(2);
    expect(engine.outbox.counts()).toEqual({ pending: 0, rejected: 0 });
    await engine.pullUntilCaughtUp();
    const claim = db
      .prepare('SELECT operator_id, version FROM claim WHERE subject_id = ?')
      .get(openAlert.id) as { operator_id: string; version: number };
    expect(claim.operator_id).toBe('op-zhangmin');
    expect(claim.version).toBeGreaterThan(0);
    db.close();
  });

  it("holds an operator's actions until that operator signs in again: never sent under another's token", async () => {
    const { db, engine, clock } = await signedInEngine('handover.db');
    await engine.pullUntilCaughtUp();
    const openAlert = db.prepare('SELECT id FROM alert WHERE closed_at IS NULL LIMIT 1').get() as {
      id: string;
    };
    const clientId = (db.prepare('SELECT client_id FROM sync_state').get() as { client_id: string })
      .client_id;
    const note = (noteId: string, operator: { id: string; name: string }) =>
      engine.outbox.enqueue({
        name: 'addNote',
        args: { noteId, subject: { entity: 'alert', id: openAlert.id }, text: `${operator.name}的记录` },
        operator,
        at: new Date().toISOString(),
        clientId,
      });
    const stamp = Date.now();
    // 张敏 acted while her token had expired; 李强 signs in on the same workstation and acts too.
    note(`note-zm-${stamp}`, { id: 'op-zhangmin', name: '张敏' });
    const client = testClient(central.url);
    await signIn(client, db, clock, { username: 'liqiang', password: 'liqiang-demo' });
    note(`note-lq-${stamp}`, { id: 'op-liqiang', name: '李强' });

    expect(await engine.pushOnce()).toBe(0);
    expect(engine.outbox.heldFor('op-liqiang')).toEqual({
      operatorId: 'op-zhangmin',
      operatorName: '张敏',
      count: 1,
    });
    expect(engine.outbox.counts().pending).toBe(2);

    // 张敏 signs in again: her action goes up under her name, then 李强's under his.
    await signIn(client, db, clock, { username: 'zhangmin', password: 'zhangmin-demo' });
    expect(await engine.pushOnce()).toBe(1);
    await signIn(client, db, clock, { username: 'liqiang', password: 'liqiang-demo' });
    expect(await engine.pushOnce()).toBe(1);
    await engine.pullUntilCaughtUp();
    const authors = db
      .prepare(
        "SELECT id, json_extract(data, '$.actor.operatorId') AS author FROM timeline_entry WHERE id LIKE ?",
      )
      .all(`note-%-${stamp}`) as { id: string; author: string }[];
    expect(Object.fromEntries(authors.map((row) => [row.id, row.author]))).toEqual({
      [`note-zm-${stamp}`]: 'op-zhangmin',
      [`note-lq-${stamp}`]: 'op-liqiang',
    });
    db.close();
  });
});
