/**
 * Clock skew: the machine's clock is wrong by an hour or a day either way, and the central platform's
 * clock is itself 2 h 17 min ahead of real time (so that no skew can pass for the server's time by
 * accident). After a sync, every time the core tells or computes follows the server: the engine's clock,
 * the offset it stores, the status bar, an action's time, a claim's lease, the time-based queues.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueIds, type ActionRecord, type BridgeResult, type ShellStatus } from '../../../preload/contract';
import { CACHE_FILE_NAME, createCore, type Core } from '../app-core';
import { createServerClock, type ClockSources } from '../clock';
import { silentLogger } from '../logger';
import { QueueReader } from '../queues';
import {
  alertIds,
  serverEntity,
  startTestCentral,
  syncedCache,
  until,
  type TestCentral,
} from './testing/harness';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const SERVER_AHEAD_MS = 2 * HOUR_MS + 17 * 60_000;
/** Loopback round trips are a few milliseconds; the clock's error is half of one. */
const TOLERANCE_MS = 500;
const CLAIM_LEASE_MS = 30 * 60_000;

const SKEWS: [string, number][] = [
  ['+1 h', HOUR_MS],
  ['-1 h', -HOUR_MS],
  ['+1 day', DAY_MS],
  ['-1 day', -DAY_MS],
];

let test: TestCentral;

beforeAll(async () => {
  test = await startTestCentral({ seed: 41, historyDays: 2 });
  await test.admin.advanceClock(SERVER_AHEAD_MS / 1000);
  // Queue counts compared at two instants must not change in between for another reason.
  await test.admin.pauseGeneration(true);
}, 60_000);

afterAll(async () => {
  await test.close();
});

/** A machine clock `skewMs` off real time, which the test can move while the app runs. */
function skewedMachine(skewMs: number): { sources: ClockSources; move(byMs: number): void } {
  let skew = skewMs;
  return {
    sources: { wallNow: () => Date.now() + skew, monoNow: () => performance.now() },
    move: (byMs) => {
      skew += byMs;
    },
  };
}

/** `read()` tells the server's time: the server's own answer falls between two readings, give or take. */
async function expectServerTime(what: string, read: () => number): Promise<void> {
  const before = read();
  const server = await test.admin.serverTimeMs();
  const after = read();
  expect(
    server,
    `${what}: ${new Date(before).toISOString()} vs server ${new Date(server).toISOString()}`,
  ).toBeGreaterThanOrEqual(before - TOLERANCE_MS);
  expect(
    server,
    `${what}: ${new Date(after).toISOString()} vs server ${new Date(server).toISOString()}`,
  ).toBeLessThanOrEqual(after + TOLERANCE_MS);
}

describe.each(SKEWS)('a machine clock %s off', (label, skewMs) => {
  it('the engine’s clock tells the server’s time after a sync, and keeps it when the machine clock moves', async () => {
    const machine = skewedMachine(skewMs);
    const clock = createServerClock(machine.sources);
    // Before any contact the clock can only tell the machine's time.
    expect(Math.abs(clock.now() - (Date.now() + skewMs))).toBeLessThan(TOLERANCE_MS);
    const { db } = await syncedCache(test, `engine ${label}.db`, { clock });
    try {
      expect(clock.isSynchronised()).toBe(true);
      await expectServerTime('after the sync', () => clock.now());
      // The stored offset is the server's time minus the machine's.
      const { server_offset_ms: offset } = db
        .prepare('SELECT server_offset_ms FROM sync_state WHERE id = 1')
        .get() as { server_offset_ms: number };
      expect(Math.abs(offset - (SERVER_AHEAD_MS - skewMs))).toBeLessThan(TOLERANCE_MS);
      // Someone sets the machine's clock while the app runs: the platform's time does not move.
      machine.move(-skewMs + 3 * HOUR_MS);
      await expectServerTime('after the machine clock moved', () => clock.now());
    } finally {
      db.close();
    }
  });

  it('the core’s status, an action’s time, a claim’s lease and the time-based queues follow the server', async () => {
    const machine = skewedMachine(skewMs);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-clock-'));
    const core: Core = createCore({
      dataDir,
      mode: 'browser',
      demo: false,
      version: 'test',
      config: { centralUrl: test.url, pollIntervalMs: 300 },
      logger: silentLogger,
      sync: { kind: 'inline' },
      clockSources: machine.sources,
    });
    const call = async <T>(name: string, ...args: unknown[]): Promise<T> => {
      const result = (await core.dispatch(name, args)) as BridgeResult<T>;
      if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
      return result.value;
    };
    let cache: Database.Database | null = null;
    try {
      core.start();
      await call('signIn', { username: 'wangfang', password: 'wangfang-demo' });
      await until(
        'synced',
        () => call<ShellStatus>('getStatus'),
        (status) => status.sync?.stage === 'live',
      );
      await expectServerTime('the core’s clock', () => core.clock.now());
      const status = await call<ShellStatus>('getStatus');
      expect(status.serverTime).not.toBeNull();
      expect(Math.abs(Date.parse(status.serverTime ?? '') - core.clock.now())).toBeLessThan(TOLERANCE_MS);

      cache = new Database(path.join(dataDir, CACHE_FILE_NAME), { readonly: true });
      const index = SKEWS.findIndex(([name]) => name === label);
      const [noteAlert, claimAlert] = alertIds(cache, 2, 100 + index * 2);
      const noteId = `clock-note-${index}`;
      const serverBefore = await test.admin.serverTimeMs();
      const note = await call<ActionRecord>('submitAction', {
        name: 'addNote',
        args: { noteId, subject: { entity: 'alert', id: noteAlert }, text: `时钟偏差 ${label}` },
      });
      await call<ActionRecord>('submitAction', {
        name: 'claimItem',
        args: { subject: { entity: 'alert', id: claimAlert } },
      });
      const serverAfter = await test.admin.serverTimeMs();
      // The action's time is the server's, not the machine's.
      const createdAt = Date.parse(note.createdAt);
      expect(createdAt).toBeGreaterThanOrEqual(serverBefore - TOLERANCE_MS);
      expect(createdAt).toBeLessThanOrEqual(serverAfter + TOLERANCE_MS);
      // The claim's lease, computed locally at once, runs from the server's time.
      const claim = cache.prepare('SELECT expires_at FROM claim WHERE id = ?').get(`alert:${claimAlert}`) as {
        expires_at: number;
      };
      expect(Math.abs(claim.expires_at - (serverAfter + CLAIM_LEASE_MS))).toBeLessThan(2 * TOLERANCE_MS);

      // The server keeps the operator's time unless it lies in the server's future (then it takes its
      // own): either way the note's time is the server's, within the clock's error.
      const sent = await until(
        'sent',
        () => call<ShellStatus>('getStatus'),
        (s) => s.pendingActions === 0,
      );
      expect(sent.rejectedActions).toBe(0);
      const entry = serverEntity(test.serverDb(), 'timelineEntry', noteId);
      expect(Math.abs(Date.parse(String(entry?.at)) - createdAt)).toBeLessThan(TOLERANCE_MS);

      // The time-based queues are evaluated at the server's time.
      const reader = new QueueReader(cache);
      const serverNow = await test.admin.serverTimeMs();
      for (const queue of queueIds) {
        const page = await call<{ total: number }>('getQueuePage', { queue, offset: 0, limit: 1 });
        const around = [reader.count(queue, serverNow - 2_000), reader.count(queue, serverNow + 2_000)];
        expect(page.total, queue).toBeGreaterThanOrEqual(Math.min(...around));
        expect(page.total, queue).toBeLessThanOrEqual(Math.max(...around));
      }
      // ...which matters: at the machine's time a day off, the silent scenes would be others.
      if (Math.abs(skewMs) >= DAY_MS) {
        expect(reader.count('silentScenes', Date.now() + skewMs)).not.toBe(
          reader.count('silentScenes', serverNow),
        );
      }
    } finally {
      cache?.close();
      await core.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
