/**
 * Runs the simulated district: generates the history when the server's file is created, then moves the district
 * forward whenever the clock does (a timer at run time, the admin clock in tests): new alerts, their lifecycle
 * steps, devices going offline and back, wrong registrations appearing and corrected, scenes' last alert and sync
 * rate, expired claims. Everything is written through the store, so every change reaches the feed.
 */
import { categorySpec } from './catalogue';
import { keyPeriodsOfYear, type DeviceDefinition, type District, type SceneDefinition } from './district';
import { ALERT_LEVELS, DAY_MS, HOUR_MS } from './domain';
import type {
  AlertData,
  ClaimData,
  CommandManualData,
  DeviceData,
  DeviceInfoError,
  KeyPeriodData,
  OperatorData,
  SceneData,
  SyncStats,
  TimelineEntryData,
  Unversioned,
  WorkOrderData,
} from './entities';
import {
  alertIdFor,
  applyDueSteps,
  iso,
  raiseAlert,
  type AlertPlan,
  type AlertState,
  type RaisedAlert,
} from './lifecycle';
import { rngFor } from './random';
import type { Store } from './store';
import type { HistoryJob } from './history';
import { historyChunks, type ParallelHistory } from './history-worker';
import { INFO_ERROR_FIELDS, type World } from './world';

const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;
/** The sync rate is measured over the last seven local days (today included). */
const SYNC_WINDOW_DAYS = 7;
/** How long a tombstone stays in the feed; an older cursor gets 410 and resyncs. */
export const TOMBSTONE_RETENTION_MS = 7 * DAY_MS;
/** How far back to look for a scene's last alert when the generated history holds none. */
const LAST_ALERT_LOOKBACK_MS = 60 * DAY_MS;
const INJECTED_SALT = 99;
const DEVICE_CHECK_INTERVAL_MS = 10_000;

export interface GenerationReport {
  alerts: number;
  lostAlerts: number;
  devices: number;
  scenes: number;
  feedRows: number;
  /** Wall time of the whole generation. */
  milliseconds: number;
  /** Of which the main thread spent writing chunks to SQLite... */
  storeMilliseconds: number;
  /** ...and building the lookup index at the end. */
  indexMilliseconds: number;
}

interface DeviceSnapshot {
  status: DeviceData['status'];
  offlineSince: string | null;
  infoErrorKey: string | null;
}

export class Simulator {
  readonly #sceneLastAlert = new Map<string, number | null>();
  readonly #sceneSignature = new Map<string, string>();
  readonly #deviceSnapshot = new Map<string, DeviceSnapshot>();
  readonly #tally = new Map<string, { sceneId: string; day: number; reported: number; received: number }>();
  #simulatedThrough: number;
  #paused = false;
  #lastPurgeHour = 0;
  #devicesCheckedAt = Number.NEGATIVE_INFINITY;

  private constructor(
    readonly store: Store,
    readonly district: District,
    readonly world: World,
    /** Alerts raised before this instant belong to the generated past (see lifecycle.raiseAlert). */
    readonly historyBoundary: number,
    simulatedThrough: number,
  ) {
    this.#simulatedThrough = simulatedThrough;
  }

  /**
   * Generates the history [job.start, job.now) into a freshly created store, in chunks made inline or by worker
   * threads (`parallel`).
   */
  static async generate(
    store: Store,
    world: World,
    job: HistoryJob,
    parallel: ParallelHistory | null = null,
  ): Promise<{ simulator: Simulator; report: GenerationReport }> {
    const started = performance.now();
    const { district } = world;
    const { start, now } = job;
    const simulator = new Simulator(store, district, world, now, now);
    store.setMeta('historyBoundary', String(now));
    store.setMeta('historyStart', String(start));
    store.setMeta('rateFactor', String(world.rateFactor));

    store.transaction(() => {
      for (const operator of district.operators) store.insertNew<OperatorData>('operator', operator, 1, true);
      simulator.#insertKeyPeriods(start, now, true);
      for (const manual of district.commandManuals) {
        store.insertNew<CommandManualData>('commandManual', manual, 1, true);
      }
      for (const device of district.devices) {
        const record = simulator.#deviceRecord(device, now);
        store.insertNew<DeviceData>('device', record, 1, true);
        simulator.#rememberDevice(record);
      }
    });

    let alerts = 0;
    let lostAlerts = 0;
    // One transaction per day-long chunk, in order, so that the feed's order follows time.
    let storeMs = 0;
    for await (const chunk of historyChunks(world, job, parallel)) {
      const storing = performance.now();
      store.transaction(() => {
        store.insertEncoded(chunk.rows);
        for (const step of chunk.pending) store.addPendingStep(step);
        for (const entry of chunk.tally)
          store.addSyncTally(entry.sceneId, entry.day, entry.reported, entry.received);
      });
      for (const [sceneId, at] of chunk.lastAlerts) simulator.#noteAlert(sceneId, at);
      alerts += chunk.alerts;
      lostAlerts += chunk.lostAlerts;
      storeMs += performance.now() - storing;
    }

    store.transaction(() => {
      for (const scene of district.scenes) {
        if ((simulator.#sceneLastAlert.get(scene.id) ?? null) === null) {
          simulator.#sceneLastAlert.set(
            scene.id,
            world.lastAlertBefore(scene, start, LAST_ALERT_LOOKBACK_MS),
          );
        }
        const record = simulator.#sceneRecord(scene, now);
        store.insertNew<SceneData>('scene', record, 1, true);
        simulator.#sceneSignature.set(scene.id, sceneSignature(record));
      }
      store.setMeta('simulatedThrough', String(now));
    });
    const indexing = performance.now();
    store.finishBulkLoad();
    const indexMs = performance.now() - indexing;
    const report: GenerationReport = {
      alerts,
      lostAlerts,
      devices: district.devices.length,
      scenes: district.scenes.length,
      feedRows: store.head,
      milliseconds: Math.round(performance.now() - started),
      storeMilliseconds: Math.round(storeMs),
      indexMilliseconds: Math.round(indexMs),
    };
    return { simulator, report };
  }

  /** Picks up a store generated earlier (same seed and options) where it left off. */
  static resume(store: Store, world: World): Simulator {
    const boundary = Number(store.getMeta('historyBoundary'));
    const through = Number(store.getMeta('simulatedThrough'));
    const simulator = new Simulator(store, world.district, world, boundary, through);
    for (const scene of store.openOfKind<SceneData>('scene')) {
      simulator.#sceneLastAlert.set(scene.id, scene.lastAlertAt ? Date.parse(scene.lastAlertAt) : null);
      simulator.#sceneSignature.set(scene.id, sceneSignature(scene));
    }
    for (const device of store.openOfKind<DeviceData>('device')) simulator.#rememberDevice(device);
    return simulator;
  }

  get simulatedThrough(): number {
    return this.#simulatedThrough;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Pauses or resumes generation. While paused nothing happens in the district; on resume it continues from the
   * current instant: the paused stretch stays without alerts, steps that fell due in it are applied at once.
   */
  setPaused(paused: boolean, now: number): void {
    const resuming = this.#paused && !paused;
    this.#paused = paused;
    if (resuming) this.advanceTo(now, { skipAlerts: true });
  }

  /** Moves the district to `target`; returns whether anything was written. */
  advanceTo(target: number, options: { skipAlerts?: boolean } = {}): boolean {
    if (this.#paused || target <= this.#simulatedThrough) return false;
    const from = this.#simulatedThrough;
    const headBefore = this.store.head;
    this.store.transaction(() => {
      this.#applyDueSteps(target);
      if (!options.skipAlerts) this.#generateAlerts(from, target, target);
      this.#flushTally();
      // Thousands of devices: checking them on every one-second tick would be wasted work; a few seconds' lag in
      // an outage reaching the feed is not.
      if (target - this.#devicesCheckedAt >= DEVICE_CHECK_INTERVAL_MS) {
        this.#refreshDevices(target);
        this.#devicesCheckedAt = target;
      }
      this.#refreshScenes(target);
      this.#expireClaims(target);
      this.#insertKeyPeriods(from, target, false);
      const hour = Math.floor(target / HOUR_MS);
      if (hour !== this.#lastPurgeHour) {
        this.#lastPurgeHour = hour;
        this.store.purgeTombstones(target - TOMBSTONE_RETENTION_MS);
      }
      this.#simulatedThrough = target;
      this.store.setMeta('simulatedThrough', String(target));
    });
    return this.store.head !== headBefore;
  }

  /**
   * Raises one alert now on demand (admin tooling for tests and demos), with the given level and shape; it then
   * follows an ordinary plan unless told never to be dispatched.
   */
  injectAlert(
    now: number,
    request: {
      sceneId?: string | undefined;
      level?: AlertData['level'] | undefined;
      nonStandard?: boolean | undefined;
      dispatch?: 'normal' | 'never' | undefined;
    },
  ): AlertData {
    const scene = request.sceneId
      ? this.district.sceneById.get(request.sceneId)
      : this.district.scenes[Math.floor(now / 1000) % this.district.scenes.length];
    if (!scene) throw new Error(`no scene ${request.sceneId ?? ''}`);
    const hourIndex = Math.floor(now / HOUR_MS);
    const devices = scene.deviceIds.map((id) => this.district.deviceById.get(id) as DeviceDefinition);
    const online = devices.find((device) => !this.world.deviceOffline(device, now)) ?? devices[0];
    if (!online) throw new Error(`scene ${scene.id} has no devices`);
    // Injected alerts carry an X in their ordinal, so their ids never collide with generated ones.
    let injected = 1;
    while (this.store.get('alert', alertIdFor(scene, hourIndex, `X${injected}`))) injected++;
    const draw = {
      scene,
      device: online,
      ordinal: `X${injected}`,
      hourIndex,
      reportedAt: now,
      lost: false,
      rng: rngFor(this.world.seed, INJECTED_SALT, scene.index, hourIndex, injected),
    };
    const raised = raiseAlert(this.district, draw, this.historyBoundary);
    const { alert } = raised.state;
    if (request.level && request.level !== alert.level)
      retuneLevel(this.district, scene, alert, request.level);
    if (request.nonStandard && alert.elementIssues.length === 0) {
      alert.elements = { ...alert.elements, contactPhone: null };
      alert.elementIssues = [{ key: 'contactPhone', problem: 'missing', detail: '未填写联系电话' }];
    }
    if (request.dispatch === 'never') {
      raised.plan.steps = raised.plan.steps.filter(
        (step) => step.kind !== 'dispatch' && step.kind !== 'arrive',
      );
      raised.plan.handler = null;
      raised.plan.steps = raised.plan.steps.map((step) =>
        step.kind === 'close' ? { ...step, at: now + 30 * DAY_MS } : step,
      );
    }
    this.store.transaction(() => {
      this.#countForSync(scene.id, now, false);
      this.#flushTally();
      this.#writeRaised(raised);
      this.#noteAlert(scene.id, now);
      this.#refreshScenes(now);
    });
    return this.store.get<AlertData>('alert', alert.id) as AlertData;
  }

  #applyDueSteps(target: number): void {
    for (const pending of this.store.pendingStepsDue(target)) {
      const plan = JSON.parse(pending.plan) as AlertPlan;
      const alert = this.store.get<AlertData>('alert', plan.alertId);
      if (!alert) {
        this.store.deletePendingStep(plan.alertId);
        continue;
      }
      const scene = this.district.sceneById.get(alert.sceneId) as SceneDefinition;
      const workOrder = alert.workOrderId
        ? (this.store.get<WorkOrderData>('workOrder', alert.workOrderId) ?? null)
        : null;
      const workOrderBefore = workOrder ? JSON.stringify(workOrder) : null;
      const state: AlertState = { alert, workOrder, timeline: [] };
      applyDueSteps(state, plan, scene, target);
      this.store.put<AlertData>('alert', state.alert, state.alert.status !== 'closed');
      if (state.workOrder && JSON.stringify(state.workOrder) !== workOrderBefore) {
        this.store.put<WorkOrderData>('workOrder', state.workOrder, state.workOrder.status !== 'closed');
      }
      for (const entry of state.timeline) {
        this.store.put<TimelineEntryData>('timelineEntry', entry, state.alert.status !== 'closed');
      }
      const next = plan.steps[0];
      if (next)
        this.store.addPendingStep({ alertId: plan.alertId, dueAt: next.at, plan: JSON.stringify(plan) });
      else this.store.deletePendingStep(plan.alertId);
    }
  }

  #generateAlerts(from: number, to: number, asOf: number): void {
    if (to <= from) return;
    const firstHour = Math.floor(from / HOUR_MS);
    const lastHour = Math.floor((to - 1) / HOUR_MS);
    for (let hour = firstHour; hour <= lastHour; hour++) {
      for (const scene of this.district.scenes) {
        for (const draw of this.world.alertsInHour(scene, hour)) {
          if (draw.reportedAt < from || draw.reportedAt >= to) continue;
          this.#countForSync(scene.id, draw.reportedAt, draw.lost);
          if (draw.lost) continue;
          const raised = raiseAlert(this.district, draw, this.historyBoundary);
          applyDueSteps(raised.state, raised.plan, scene, asOf);
          this.#writeRaised(raised);
          this.#noteAlert(scene.id, draw.reportedAt);
        }
      }
    }
  }

  #writeRaised({ state, plan }: RaisedAlert): void {
    const open = state.alert.status !== 'closed';
    this.store.put<AlertData>('alert', state.alert, open);
    if (state.workOrder)
      this.store.put<WorkOrderData>('workOrder', state.workOrder, state.workOrder.status !== 'closed');
    for (const entry of state.timeline) this.store.put<TimelineEntryData>('timelineEntry', entry, open);
    const next = plan.steps[0];
    if (next)
      this.store.addPendingStep({ alertId: plan.alertId, dueAt: next.at, plan: JSON.stringify(plan) });
  }

  #noteAlert(sceneId: string, reportedAt: number): void {
    const previous = this.#sceneLastAlert.get(sceneId) ?? null;
    if (previous === null || reportedAt > previous) this.#sceneLastAlert.set(sceneId, reportedAt);
  }

  #countForSync(sceneId: string, at: number, lost: boolean): void {
    const day = localDay(at);
    const key = `${sceneId}|${day}`;
    const entry = this.#tally.get(key) ?? { sceneId, day, reported: 0, received: 0 };
    entry.reported++;
    if (!lost) entry.received++;
    this.#tally.set(key, entry);
  }

  #flushTally(): void {
    for (const entry of this.#tally.values()) {
      this.store.addSyncTally(entry.sceneId, entry.day, entry.reported, entry.received);
    }
    this.#tally.clear();
  }

  #refreshScenes(now: number): void {
    for (const scene of this.district.scenes) {
      const record = this.#sceneRecord(scene, now);
      const signature = sceneSignature(record);
      if (this.#sceneSignature.get(scene.id) === signature) continue;
      this.#sceneSignature.set(scene.id, signature);
      this.store.put<SceneData>('scene', record, true);
    }
  }

  #refreshDevices(now: number): void {
    for (const device of this.district.devices) {
      const record = this.#deviceRecord(device, now);
      const before = this.#deviceSnapshot.get(device.id);
      const after = snapshotOf(record);
      if (
        before &&
        before.status === after.status &&
        before.offlineSince === after.offlineSince &&
        before.infoErrorKey === after.infoErrorKey
      ) {
        continue;
      }
      this.#deviceSnapshot.set(device.id, after);
      this.store.put<DeviceData>('device', record, true);
    }
  }

  #rememberDevice(record: Unversioned<DeviceData>): void {
    this.#deviceSnapshot.set(record.id, snapshotOf(record));
  }

  #expireClaims(now: number): void {
    for (const claim of this.store.openOfKind<ClaimData>('claim')) {
      if (Date.parse(claim.expiresAt) <= now) this.store.remove('claim', claim.id);
    }
  }

  #insertKeyPeriods(from: number, to: number, bulk: boolean): void {
    const firstYear = new Date(from + SHANGHAI_OFFSET_MS).getUTCFullYear();
    // Next year's periods are published in advance, so an outlook three days ahead always has them.
    const lastYear = new Date(to + SHANGHAI_OFFSET_MS).getUTCFullYear() + 1;
    const known = Number(this.store.getMeta('keyPeriodsThrough') ?? '0');
    for (let year = Math.max(firstYear, known + 1); year <= lastYear; year++) {
      for (const period of keyPeriodsOfYear(year)) {
        if (bulk) this.store.insertNew<KeyPeriodData>('keyPeriod', period, 1, true);
        else this.store.put<KeyPeriodData>('keyPeriod', period, true);
      }
    }
    if (lastYear > known) this.store.setMeta('keyPeriodsThrough', String(lastYear));
  }

  #sceneRecord(scene: SceneDefinition, now: number): Unversioned<SceneData> {
    const lastAlert = this.#sceneLastAlert.get(scene.id) ?? null;
    return {
      id: scene.id,
      name: scene.name,
      kind: scene.kind,
      domain: scene.domain,
      category: scene.category,
      department: scene.department,
      street: scene.street,
      monitoringElements: scene.monitoringElements,
      requiredElements: scene.requiredElements,
      contacts: scene.contacts,
      commissionedAt: scene.commissionedAt,
      deviceCount: scene.deviceIds.length,
      lastAlertAt: lastAlert === null ? null : iso(lastAlert),
      sync: this.#syncStats(scene, now),
    };
  }

  #syncStats(scene: SceneDefinition, now: number): SyncStats {
    const today = localDay(now);
    const firstDay = today - (SYNC_WINDOW_DAYS - 1);
    const { reported, received } = this.store.syncTally(scene.id, firstDay, today);
    return {
      windowStart: iso(firstDay * DAY_MS - SHANGHAI_OFFSET_MS),
      windowEnd: iso((today + 1) * DAY_MS - SHANGHAI_OFFSET_MS),
      reportedByScene: reported,
      receivedByCentral: received,
      rate: reported === 0 ? null : Math.round((received / reported) * 10_000) / 10_000,
    };
  }

  #deviceRecord(device: DeviceDefinition, now: number): Unversioned<DeviceData> {
    const outage = this.world.deviceOffline(device, now);
    const wrong = this.world.deviceInfoError(device, now);
    return {
      id: device.id,
      sceneId: device.sceneId,
      code: device.code,
      name: device.name,
      model: device.model,
      elementIds: device.elementIds,
      street: device.street,
      address: device.address,
      location: { lng: device.lng, lat: device.lat },
      ownerUnit: device.ownerUnit,
      installedAt: device.installedAt,
      status: outage ? 'offline' : 'online',
      offlineSince: outage ? iso(outage.start) : null,
      infoError: wrong ? this.#infoError(device, wrong.detail, wrong.start) : null,
    };
  }

  #infoError(device: DeviceDefinition, detail: number, start: number): DeviceInfoError {
    const field = INFO_ERROR_FIELDS[detail % INFO_ERROR_FIELDS.length] ?? 'address';
    const detectedAt = iso(start);
    switch (field) {
      case 'address':
        return { field, registered: `${device.street}（门牌缺失）`, observed: device.address, detectedAt };
      case 'location':
        return {
          field,
          registered: `${(device.lng + 0.31).toFixed(5)},${(device.lat - 0.27).toFixed(5)}`,
          observed: `${device.lng.toFixed(5)},${device.lat.toFixed(5)}`,
          detectedAt,
        };
      case 'ownerUnit':
        return { field, registered: `${device.ownerUnit}（已注销）`, observed: device.ownerUnit, detectedAt };
      case 'elements': {
        const category = categorySpec(this.district.sceneById.get(device.sceneId)?.category ?? 'gasPipeline');
        return {
          field,
          registered: '未绑定监测要素',
          observed: category.elements.map((element) => element.name).join('、'),
          detectedAt,
        };
      }
      case 'model':
        return { field, registered: '型号未登记', observed: device.model, detectedAt };
    }
  }
}

function snapshotOf(record: Unversioned<DeviceData>): DeviceSnapshot {
  return {
    status: record.status,
    offlineSince: record.offlineSince,
    infoErrorKey: record.infoError ? `${record.infoError.field}|${record.infoError.detectedAt}` : null,
  };
}

function sceneSignature(record: Unversioned<SceneData>): string {
  return JSON.stringify([record.lastAlertAt, record.sync]);
}

function localDay(at: number): number {
  return Math.floor((at + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** Moves an injected alert to another level, keeping its reading consistent with the level's threshold. */
function retuneLevel(
  district: District,
  scene: SceneDefinition,
  alert: Unversioned<AlertData>,
  level: AlertData['level'],
): void {
  const element = scene.monitoringElements.find((candidate) => candidate.id === alert.readings.elementId);
  const manual = district.manualByScene.get(scene.id)?.[level];
  if (!element || !manual) return;
  const threshold = element.thresholds[level];
  const next = ALERT_LEVELS[ALERT_LEVELS.indexOf(level) + 1];
  const limit = next ? element.thresholds[next] : threshold * (element.direction === 'above' ? 1.3 : 0.75);
  const peak = Math.round((threshold + (limit - threshold) * 0.4) * 1000) / 1000;
  alert.level = level;
  alert.readings = { ...alert.readings, threshold, peak };
  alert.elements = {
    ...alert.elements,
    monitoredValue: `${peak}${element.unit}`,
    threshold: `${element.direction === 'above' ? '≥' : '≤'}${threshold}${element.unit}`,
  };
  alert.handlingLimitHours = manual.handlingLimitHours;
  alert.deadlineAt = iso(Date.parse(alert.reportedAt) + manual.handlingLimitHours * HOUR_MS);
  alert.loop = manual.loop;
  alert.title = alert.title.replace(
    /(蓝色|黄色|橙色|红色)/,
    { blue: '蓝色', yellow: '黄色', orange: '橙色', red: '红色' }[level],
  );
}
