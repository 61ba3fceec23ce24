/**
 * The alarm calls wired in the core, end to end against the reference server: a red alert raised on the platform
 * after the workstation began watching sounds (the `alarms` event), the old open ones of the initial sync do not,
 * acknowledging and muting are told to every window and need a signed-in operator.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCentral } from '../../central/server';
import type { AlarmState, ShellStatus } from '../../preload/contract';
import { initialSyncEstimate } from './app-core';
import {
  createTestCore,
  dispatchCall,
  dispatchValue,
  eventually,
  useCoreTestBed,
} from './testing/core-test-bed';

const bed = useCoreTestBed('dutydesk-alarms-core-');
const call = (name: string, ...args: unknown[]) => dispatchCall(bed.core, name, args);
const value = <T>(name: string, ...args: unknown[]) => dispatchValue<T>(bed.core, name, args);

describe('alarms in the core', () => {
  it('sounds for a red alert raised after watching began, and acknowledges and mutes with the operator', async () => {
    const central = await startCentral({
      port: 0,
      seed: 5,
      historyDays: 5,
      dataDir: path.join(bed.dir, 'central'),
      testAdmin: true,
    });
    bed.central = central;
    const core = createTestCore(bed.dir, central.url);
    bed.core = core;
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
    await eventually(
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
    const sounding = await eventually(
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
