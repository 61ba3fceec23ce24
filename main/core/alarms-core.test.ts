/**
 * The alarm calls wired in the core, end to end against the reference server: a red alert raised on the platform
 * after the workstation began watching sounds (the `alarms` event), the old open ones of the initial sync do not,
 * acknowledging and muting are told to every window and need a signed-in operator.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCentral, type RunningCentral } from '../../central/server';
import type { AlarmState, BridgeResult, ShellStatus } from '../../preload/contract';
import { createCore, initialSyncEstimate, type Core } from './app-core';
import { silentLogger } from './logger';

let dir: string;
let central: RunningCentral | null;
let core: Core | null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-alarms-core-'));
  central = null;
  core = null;
});
afterEach(async () => {
  await core?.stop();
  await central?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function call<T>(name: string, ...args: unknown[]): Promise<BridgeResult<T>> {
  if (!core) throw new Error('no core');
  return (await core.dispatch(name, args)) as BridgeResult<T>;
}
async function value<T>(name: string, ...args: unknown[]): Promise<T> {
  const result = await call<T>(name, ...args);
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

async function until<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await read();
    if (accept(current)) return current;
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(current)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('alarms in the core', () => {
  it('sounds for a red alert raised after watching began, and acknowledges and mutes with the operator', async () => {
    central = await startCentral({
      port: 0,
      seed: 5,
      historyDays: 5,
      dataDir: path.join(dir, 'central'),
      testAdmin: true,
    });
    core = createCore({
      dataDir: path.join(dir, 'workstation'),
      mode: 'browser',
      demo: false,
      version: 'test',
      config: { centralUrl: central.url, pollIntervalMs: 500 },
      logger: silentLogger,
      sync: { kind: 'inline' },
    });
    const events: AlarmState[] = [];
    core.events.subscribe((event, payload) => {
      if (event === 'alarms') events.push(payload as AlarmState);
    });
    core.start();

    // Before anyone signs in nothing can be acknowledged or muted.
    await expect(call('acknowledgeAlarms', { alertIds: ['x'] })).resolves.toMatchObject({
      ok: false,
      error: { code: 'NOT_SIGNED_IN' },
    });
    await value('signIn', { username: 'zhangmin', password: 'zhangmin-demo' });
    await until(
      () => value<ShellStatus>('getStatus'),
      (status) => status.sync?.stage === 'live',
    );
    // The district's open red alerts of the past came with the initial sync: none of them sounds.
    expect(await value<AlarmState>('getAlarms')).toMatchObject({ active: [], total: 0 });

    const raised = await fetch(`${central.url}/api/v1/admin/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level: 'red' }),
    });
    expect(raised.status).toBe(200);
    const { alert } = (await raised.json()) as { alert: { id: string; title: string } };
    const sounding = await until(
      () => events.at(-1),
      (state) => state?.active.some((alarm) => alarm.alertId === alert.id) === true,
    );
    expect(sounding?.total).toBe(1);
    expect(sounding?.active[0]).toMatchObject({ alertId: alert.id, level: 'red', title: alert.title });

    const acknowledged = await value<AlarmState>('acknowledgeAlarms', { alertIds: [alert.id] });
    expect(acknowledged.total).toBe(0);
    expect(events.at(-1)).toEqual(acknowledged);

    const past = await call('setAlarmMute', { until: '2000-01-01T00:00:00Z' });
    expect(past).toMatchObject({ ok: false, error: { code: 'ACTION_REFUSED' } });
    expect(!past.ok && past.error.message).toMatch(/^until:/);

    const status = await value<ShellStatus>('getStatus');
    const until15 = new Date(Date.parse(status.serverTime ?? '') + 15 * 60_000).toISOString();
    const muted = await value<AlarmState>('setAlarmMute', { until: until15 });
    expect(muted).toMatchObject({ mutedUntil: until15, mutedBy: '张敏' });
    expect(events.at(-1)).toEqual(muted);
  }, 60_000);
});

describe('initialSyncEstimate', () => {
  it('adds what the platform says remains to what was applied, and the time left at the recent rate', () => {
    const progress = { stage: 'initial' as const, recordsApplied: 20_000, recordsRemaining: 60_000 };
    expect(initialSyncEstimate({ ...progress, rowsPerSecond: 10_000 })).toEqual({
      recordsTotal: 80_000,
      etaSeconds: 6,
    });
    expect(initialSyncEstimate({ ...progress, rowsPerSecond: null })).toEqual({
      recordsTotal: 80_000,
      etaSeconds: null,
    });
    expect(initialSyncEstimate({ ...progress, recordsRemaining: null, rowsPerSecond: 5 })).toEqual({
      recordsTotal: null,
      etaSeconds: null,
    });
    expect(initialSyncEstimate({ ...progress, stage: 'live', rowsPerSecond: 5 })).toEqual({
      recordsTotal: null,
      etaSeconds: null,
    });
  });
});
