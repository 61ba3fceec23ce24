import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { categorySpec } from './catalogue';
import { buildDistrict } from './district';
import { ALERT_LEVELS, DAY_MS, HOUR_MS, type AlertLevel } from './domain';
import type { AlertData, DeviceData, SceneData, TimelineEntryData, WorkOrderData } from './entities';
import { Simulator } from './simulator';
import { Store } from './store';
import { DEMO_ALERTS_PER_DAY, World, rateFactorFor } from './world';

const START = Date.parse('2025-07-10T02:00:00Z');
const directories: string[] = [];

afterEach(() => {
  for (const directory of directories.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
});

async function generate(
  seed: number,
  historyDays: number,
): Promise<{ store: Store; simulator: Simulator; now: { value: number } }> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'central-sim-'));
  directories.push(directory);
  const now = { value: START };
  const store = Store.create(path.join(directory, 'central.sqlite'), () => now.value);
  const district = buildDistrict(seed);
  const world = new World(
    district,
    rateFactorFor(district, DEMO_ALERTS_PER_DAY, START - historyDays * DAY_MS, START),
  );
  const job = {
    seed,
    deviceScale: 1,
    rateFactor: world.rateFactor,
    start: START - historyDays * DAY_MS,
    now: START,
  };
  const { simulator } = await Simulator.generate(store, world, job);
  return { store, simulator, now };
}

function snapshot(store: Store): Record<string, unknown[]> {
  const strip = <T extends { version?: number }>(records: T[]): Omit<T, 'version'>[] =>
    records.map(({ version: _version, ...rest }) => rest);
  return {
    alerts: strip(store.allOfKind<AlertData>('alert')),
    workOrders: strip(store.allOfKind<WorkOrderData>('workOrder')),
    timeline: strip(store.allOfKind<TimelineEntryData>('timelineEntry')),
    devices: strip(store.allOfKind<DeviceData>('device')),
    scenes: strip(store.allOfKind<SceneData>('scene')),
  };
}

describe('the simulated district', () => {
  it('is the same whether the clock jumps a day at once or moves in uneven steps', async () => {
    const jump = await generate(3, 2);
    const steps = await generate(3, 2);
    jump.now.value = START + DAY_MS;
    jump.simulator.advanceTo(START + DAY_MS);
    for (const minutes of [1, 7, 59, 60, 61, 240, 13, 600, 45, 120]) {
      steps.now.value += minutes * 60_000;
      steps.simulator.advanceTo(steps.now.value);
    }
    steps.now.value = START + DAY_MS;
    steps.simulator.advanceTo(START + DAY_MS);
    expect(snapshot(steps.store)).toEqual(snapshot(jump.store));
    jump.store.close();
    steps.store.close();
  });

  it('has a realistic level mix, readings past their level threshold and plausible lifecycles', async () => {
    const { store } = await generate(4, 20);
    const alerts = store.allOfKind<AlertData>('alert');
    expect(alerts.length).toBeGreaterThan(5000);
    const share = (level: AlertLevel): number =>
      alerts.filter((alert) => alert.level === level).length / alerts.length;
    expect(share('blue')).toBeGreaterThan(0.5);
    expect(share('red')).toBeGreaterThan(0.005);
    expect(share('red')).toBeLessThan(0.05);
    expect(share('blue')).toBeGreaterThan(share('yellow'));
    expect(share('yellow')).toBeGreaterThan(share('orange'));
    expect(share('orange')).toBeGreaterThan(share('red'));

    for (const alert of alerts) {
      const { direction, peak, threshold } = alert.readings;
      expect(direction === 'above' ? peak >= threshold : peak <= threshold, alert.id).toBe(true);
      const element = categorySpec(alert.category).elements.find((candidate) =>
        alert.readings.elementId.endsWith(`.${candidate.code}`),
      );
      expect(element?.thresholds[alert.level]).toBe(threshold);
      const next = ALERT_LEVELS[ALERT_LEVELS.indexOf(alert.level) + 1];
      if (next && element)
        expect(
          direction === 'above' ? peak < element.thresholds[next] : peak > element.thresholds[next],
          alert.id,
        ).toBe(true);
    }

    const dispatched = alerts.filter((alert) => alert.dispatchedAt !== null);
    const late = dispatched.filter(
      (alert) => Date.parse(alert.dispatchedAt as string) - Date.parse(alert.reportedAt) > HOUR_MS,
    );
    expect(dispatched.length / alerts.length).toBeGreaterThan(0.9);
    expect(late.length / dispatched.length).toBeGreaterThan(0.05);
    expect(late.length / dispatched.length).toBeLessThan(0.25);

    const closed = alerts.filter((alert) => alert.closedAt !== null && alert.dispatchedAt !== null);
    const overTwoDays = closed.filter(
      (alert) => Date.parse(alert.closedAt as string) > Date.parse(alert.deadlineAt) + 2 * DAY_MS,
    );
    const withinLimit = closed.filter(
      (alert) => Date.parse(alert.closedAt as string) <= Date.parse(alert.deadlineAt),
    );
    expect(withinLimit.length / closed.length).toBeGreaterThan(0.6);
    expect(overTwoDays.length / closed.length).toBeGreaterThan(0.02);

    const nonStandard = alerts.filter((alert) => alert.elementIssues.length > 0);
    expect(nonStandard.length).toBeGreaterThan(0);
    for (const alert of nonStandard) {
      for (const issue of alert.elementIssues) {
        if (issue.problem === 'missing') expect(alert.elements[issue.key]).toBeNull();
      }
    }
    store.close();
  });

  it('builds a district across the four domains with thousands of devices and a manual per scene and level', () => {
    const district = buildDistrict(1);
    expect(new Set(district.scenes.map((scene) => scene.domain))).toEqual(
      new Set(['lifeline', 'publicSafety', 'productionSafety', 'naturalDisaster']),
    );
    expect(district.devices.length).toBeGreaterThan(2000);
    expect(district.commandManuals).toHaveLength(district.scenes.length * 4);
    expect(district.scenes.filter((scene) => scene.chronicLoss > 0)).toHaveLength(1);
    expect(district.scenes.some((scene) => scene.name.includes('张江镇') || scene.street !== null)).toBe(
      true,
    );
    // Deterministic from the seed.
    expect(buildDistrict(1)).toEqual(district);
    expect(buildDistrict(2).devices[0]).not.toEqual(district.devices[0]);
  });
});
