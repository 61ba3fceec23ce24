/**
 * Benchmark of the work-prompt rules engine: full evaluation ticks over a large cache.
 *
 *   npm run bench:rules -- --alerts 1000000 [--ticks 50] [--scenes 400] [--devices 60000] [--file cache.db] [--keep]
 *
 * Two series of ticks are measured: as the app runs them (tickP50Ms, tickP95Ms: the two rules with the largest
 * subject sets evaluated incrementally between full passes), and with every rule in full on every tick
 * (fullPassP50Ms, fullPassP95Ms).
 *
 * The cache is filled directly with SQL, in the shape the sync engine writes (indexed columns plus the document in
 * `data`), with a mix like a district's history: about 2 % of alerts open, a quarter of those without a handler,
 * red ones rare, one in twenty-two with non-standard elements, some scenes silent or syncing badly, some devices
 * offline or misregistered. Between ticks a little sync traffic arrives (new alerts, dispatches, closures) and the
 * clock moves 5 s, so each tick has real work, as in production. The catch-up after the fill (checking every open
 * document once and raising the whole backlog of prompts, a budgeted tick at a time) is reported apart. The last
 * output line is one JSON object.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type Database from 'better-sqlite3';
import { createManualClock } from '../main/core/clock';
import { cacheMigrations } from '../main/core/db/migrations';
import { openCacheDatabase } from '../main/core/db/open-database';
import { silentLogger } from '../main/core/logger';
import { shippedRulesConfig } from '../main/core/rules/config';
import { createRulesEngine, type TickReport } from '../main/core/rules/engine';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Tuesday 15 September 2026, 10:00 in Shanghai. */
const NOW = Date.UTC(2026, 8, 15, 2, 0);

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '1000000' },
    ticks: { type: 'string', default: '50' },
    scenes: { type: 'string', default: '400' },
    devices: { type: 'string', default: '60000' },
    file: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const positive = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer, got ${text}`);
  return value;
};
const alertCount = positive('alerts', values.alerts);
const tickCount = positive('ticks', values.ticks);
const sceneCount = positive('scenes', values.scenes);
const deviceCount = positive('devices', values.devices);

/** A small deterministic generator (mulberry32), so runs are comparable. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rng = random(20261115);
const chance = (p: number): boolean => rng() < p;
const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

const CATEGORIES = [
  'gasPipeline',
  'restaurantGas',
  'bridge',
  'waterSupply',
  'elevator',
  'buildingFire',
  'crowd',
  'waterlogging',
];
const EXTRA_ELEMENT: Record<string, [string, string]> = {
  gasPipeline: ['pipeSpec', 'DN300 中压'],
  restaurantGas: ['venueName', '张江美食广场'],
  bridge: ['bridgeGrade', 'B类'],
  waterSupply: ['pipeSpec', 'DN800'],
  elevator: ['registrationCode', '311012345678'],
  buildingFire: ['fireSafetyManager', '陈静'],
  crowd: ['venueCapacity', '20000人'],
  waterlogging: ['pumpStation', '张江镇中心雨水泵站'],
};
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function openBenchCache(): { db: Database.Database; file: string; dispose: () => void } {
  const dir = values.file ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-bench-rules-'));
  const file = values.file ?? path.join(dir ?? '.', 'cache.db');
  if (values.file && fs.existsSync(file)) throw new Error(`${file} exists: give a new file`);
  const { db } = openCacheDatabase(file, {
    migrations: cacheMigrations,
    now: () => new Date(),
    warn: console.error,
  });
  return {
    db,
    file,
    dispose: () => {
      db.close();
      if (dir && !values.keep) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface SceneRow {
  id: string;
  category: string;
}

function fillScenes(db: Database.Database): SceneRow[] {
  const insert = db.prepare(
    `INSERT INTO scene (id, version, name, kind, category, last_alert_at, sync_rate, data)
     VALUES (?, 1, ?, ?, ?, ?, ?, ?)`,
  );
  const scenes: SceneRow[] = [];
  for (let i = 0; i < sceneCount; i += 1) {
    const id = `SC${String(i).padStart(4, '0')}`;
    const category = CATEGORIES[i % CATEGORIES.length] as string;
    const kind = i % 10 === 0 ? 'subplatform' : i % 3 === 0 ? 'regional' : 'scene';
    // About 5 % of scenes have gone quiet, for 1 to 10 days.
    const lastAlertAt = chance(0.05) ? NOW - (1 + rng() * 9) * DAY : NOW - rng() * 6 * HOUR;
    const rate = chance(0.03) ? 0.7 + rng() * 0.19 : 0.95 + rng() * 0.05;
    const reported = 500 + Math.floor(rng() * 2000);
    const document = {
      id,
      version: 1,
      name: `浦东新区场景 ${i}`,
      kind,
      domain: 'lifeline',
      category,
      department: '区建设和交通委',
      street: null,
      monitoringElements: [],
      requiredElements: [],
      contacts: {},
      commissionedAt: '2024-01-01T00:00:00.000Z',
      deviceCount: Math.round(deviceCount / sceneCount),
      lastAlertAt: iso(lastAlertAt),
      sync: {
        windowStart: iso(NOW - 7 * DAY),
        windowEnd: iso(NOW),
        reportedByScene: reported,
        receivedByCentral: Math.round(reported * rate),
        rate,
      },
    };
    insert.run(id, document.name, kind, category, lastAlertAt, rate, JSON.stringify(document));
    scenes.push({ id, category });
  }
  return scenes;
}

function fillDevices(db: Database.Database, scenes: SceneRow[]): string[] {
  const insert = db.prepare(
    'INSERT INTO device (id, version, scene_id, status, offline_since, info_error, data) VALUES (?, 1, ?, ?, ?, ?, ?)',
  );
  const ids: string[] = [];
  for (let i = 0; i < deviceCount; i += 1) {
    const scene = scenes[i % scenes.length] as SceneRow;
    const id = `${scene.id}-D${String(i).padStart(6, '0')}`;
    const offline = chance(0.01);
    const offlineSince = offline ? NOW - rng() * 3 * DAY : null;
    const infoError = chance(0.003)
      ? {
          field: '安装地址',
          registered: '张江路 100 号',
          observed: '张江路 180 号',
          detectedAt: iso(NOW - rng() * 5 * DAY),
        }
      : null;
    const location = chance(0.001)
      ? { lng: 0, lat: 0 }
      : { lng: 121.5 + rng() * 0.4, lat: 30.9 + rng() * 0.4 };
    const document = {
      id,
      version: 1,
      sceneId: scene.id,
      code: `PD${String(i).padStart(8, '0')}`,
      name: `监测终端 ${i}`,
      model: '管网压力监测终端 PT-200',
      elementIds: ['e1'],
      street: '张江镇',
      address: `张江路 ${i % 900} 号`,
      location,
      ownerUnit: '浦东燃气',
      installedAt: '2023-05-01T00:00:00.000Z',
      status: offline ? 'offline' : 'online',
      offlineSince: iso(offlineSince),
      infoError,
    };
    insert.run(id, scene.id, document.status, offlineSince, infoError ? 1 : 0, JSON.stringify(document));
    ids.push(id);
  }
  return ids;
}

interface AlertShape {
  id: string;
  scene: SceneRow;
  deviceId: string;
  reportedAt: number;
  open: boolean;
  handler: boolean;
  level: string;
  nonStandard: boolean;
}

const alertInsertSql = `INSERT INTO alert (id, version, scene_id, device_id, category, level, status, occurred_at, reported_at,
                                           has_handler, dispatched_at, deadline_at, closed_at, loop, major_loop_kind,
                                           verified_at, non_standard, data)
                        VALUES (@id, @version, @sceneId, @deviceId, @category, @level, @status, @occurredAt, @reportedAt,
                                @hasHandler, @dispatchedAt, @deadlineAt, @closedAt, @loop, @majorLoopKind,
                                @verifiedAt, @nonStandard, @data)
                        ON CONFLICT (id) DO UPDATE SET version = excluded.version, status = excluded.status,
                          has_handler = excluded.has_handler, dispatched_at = excluded.dispatched_at,
                          closed_at = excluded.closed_at, data = excluded.data`;

function alertRow(shape: AlertShape, version = 1): Record<string, string | number | null> {
  const limitHours = shape.level === 'red' ? 4 : shape.level === 'orange' ? 12 : 48;
  const deadlineAt = shape.reportedAt + limitHours * HOUR;
  const dispatchedAt = shape.handler ? shape.reportedAt + 20 * MINUTE : null;
  const closedAt = shape.open ? null : shape.reportedAt + (2 + rng() * 40) * HOUR;
  const [extraKey, extraValue] = EXTRA_ELEMENT[shape.scene.category] ?? ['pipeSpec', 'DN300'];
  const elements: Record<string, string | null> = {
    location: `张江镇张江路 ${shape.id.length} 号旁燃气阀门井`,
    deviceCode: 'PDRQ01000001',
    monitoredValue: '2.4%LEL',
    threshold: '≥2%LEL（黄色）',
    ownerUnit: '浦东燃气',
    contact: '王伟',
    contactPhone: '021-58881234',
    riskDescription: '燃气管线泄漏，可能引发爆炸',
    [extraKey]: extraValue,
  };
  const elementIssues = shape.nonStandard
    ? [{ key: 'contactPhone', problem: 'missing', detail: '未填写联系电话' }]
    : [];
  if (shape.nonStandard) elements.contactPhone = null;
  const verifiedAt = shape.level === 'red' && chance(0.5) ? shape.reportedAt + 10 * MINUTE : null;
  const document = {
    id: shape.id,
    version,
    sceneId: shape.scene.id,
    deviceId: shape.deviceId,
    category: shape.scene.category,
    level: shape.level,
    title: '监测值超过预警阈值',
    location: { street: '张江镇', address: '张江路 100 号', lng: 121.6, lat: 31.2 },
    occurredAt: iso(shape.reportedAt - MINUTE),
    reportedAt: iso(shape.reportedAt),
    elements,
    elementIssues,
    readings: { elementId: 'e1', unit: '%LEL', peak: 2.4, latest: 2.1, threshold: 2 },
    status: closedAt !== null ? 'closed' : shape.handler ? 'handling' : 'pending',
    handler: shape.handler ? { name: '李强', unit: '浦东燃气抢修队', phone: '021-58880000' } : null,
    dispatchedAt: iso(dispatchedAt),
    handlingLimitHours: limitHours,
    deadlineAt: iso(deadlineAt),
    closedAt: iso(closedAt),
    closedReason: closedAt !== null ? 'resolved' : null,
    loop: 'enterprise',
    majorLoopKind: null,
    verifiedAt: iso(verifiedAt),
    verification: verifiedAt !== null ? { significant: chance(0.3), assessment: '现场核实' } : null,
    workOrderId: null,
  };
  return {
    id: shape.id,
    version,
    sceneId: shape.scene.id,
    deviceId: shape.deviceId,
    category: shape.scene.category,
    level: shape.level,
    status: document.status,
    occurredAt: shape.reportedAt - MINUTE,
    reportedAt: shape.reportedAt,
    hasHandler: shape.handler ? 1 : 0,
    dispatchedAt,
    deadlineAt,
    closedAt,
    loop: 'enterprise',
    majorLoopKind: null,
    verifiedAt,
    nonStandard: shape.nonStandard ? 1 : 0,
    data: JSON.stringify(document),
  };
}

function drawLevel(): string {
  const roll = rng();
  return roll < 0.005 ? 'red' : roll < 0.06 ? 'orange' : roll < 0.35 ? 'yellow' : 'blue';
}

function fillAlerts(db: Database.Database, scenes: SceneRow[], devices: string[]): AlertShape[] {
  const insert = db.prepare(alertInsertSql);
  const openAlerts: AlertShape[] = [];
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i += 1) {
      const open = chance(0.02);
      const shape: AlertShape = {
        id: `AL${String(i).padStart(9, '0')}`,
        scene: pick(scenes),
        deviceId: pick(devices),
        // History spreads over two years; open alerts are recent (the last ten days).
        reportedAt: open ? NOW - rng() * 10 * DAY : NOW - 10 * DAY - rng() * 720 * DAY,
        open,
        handler: open ? !chance(0.25) : true,
        level: drawLevel(),
        nonStandard: chance(1 / 22),
      };
      insert.run(alertRow(shape));
      if (open) openAlerts.push(shape);
    }
  });
  const step = 50_000;
  for (let from = 0; from < alertCount; from += step) {
    batch(from, Math.min(alertCount, from + step));
    if ((from / step) % 4 === 3)
      console.error(`  ${Math.min(alertCount, from + step).toLocaleString('en')} alerts`);
  }
  return openAlerts;
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}
const round = (ms: number): number => Math.round(ms * 100) / 100;

function main(): void {
  const cache = openBenchCache();
  const { db } = cache;
  try {
    console.error(
      `filling ${cache.file}: ${alertCount.toLocaleString('en')} alerts, ${sceneCount} scenes, ${deviceCount.toLocaleString('en')} devices`,
    );
    const fillStarted = performance.now();
    // The fill stands for the initial sync and is not measured: skip its fsyncs, then restore the app's setting.
    db.pragma('synchronous = OFF');
    const scenes = db.transaction(() => fillScenes(db))();
    const devices = db.transaction(() => fillDevices(db, scenes))();
    const openAlerts = fillAlerts(db, scenes, devices);
    db.prepare(
      `INSERT INTO key_period (id, version, starts_at, ends_at, data) VALUES ('KP-NATIONAL-DAY', 1, ?, ?, ?)`,
    ).run(NOW + 16 * DAY, NOW + 23 * DAY, JSON.stringify({ name: '国庆假期', kind: 'holiday' }));
    db.prepare('UPDATE sync_state SET last_success_at = ? WHERE id = 1').run(NOW - 20_000);
    db.pragma('synchronous = FULL');
    db.pragma('wal_checkpoint(TRUNCATE)');
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    console.error(
      `filled in ${fillSeconds.toFixed(1)} s (${openAlerts.length.toLocaleString('en')} open alerts)`,
    );

    const clock = createManualClock(NOW);
    const engine = createRulesEngine({ db, clock, config: shippedRulesConfig(), logger: silentLogger });
    // After the initial sync the engine works off its backlog (every open document to check, every prompt to
    // raise) a budgeted tick at a time; the schedule runs these back to back. Reported apart from steady ticks.
    const catchUp: number[] = [];
    let documentsChecked = 0;
    let backlogRaised = 0;
    for (let backlog = true; backlog;) {
      const report = engine.tick();
      catchUp.push(report.durationMs);
      documentsChecked += report.documentsChecked;
      backlogRaised += report.raised;
      backlog = report.backlog;
    }
    console.error(
      `catch-up: ${catchUp.length} ticks, ${catchUp.reduce((a, b) => a + b, 0).toFixed(0)} ms in all, ` +
        `longest ${Math.max(...catchUp).toFixed(1)} ms (${documentsChecked} documents checked, ${backlogRaised} prompts raised)`,
    );

    const insert = db.prepare(alertInsertSql);
    const undispatched = openAlerts.filter((shape) => !shape.handler);
    let serial = alertCount;
    /** Sync traffic between ticks, as one commit: a few new alerts, a few dispatches and closures. */
    const syncCommit = db.transaction(() => {
      for (let i = 0; i < 20; i += 1) {
        const shape: AlertShape = {
          id: `AL${String(serial++).padStart(9, '0')}`,
          scene: pick(scenes),
          deviceId: pick(devices),
          reportedAt: clock.now() - rng() * 2 * HOUR,
          open: true,
          handler: chance(0.5),
          level: drawLevel(),
          nonStandard: chance(1 / 22),
        };
        insert.run(alertRow(shape));
        openAlerts.push(shape);
        if (!shape.handler) undispatched.push(shape);
      }
      for (let dispatched = 0; dispatched < 5 && undispatched.length > 0;) {
        const shape = undispatched.shift() as AlertShape;
        if (!shape.open) continue;
        shape.handler = true;
        insert.run(alertRow(shape, 2));
        dispatched += 1;
      }
      for (let i = 0; i < 5 && openAlerts.length > 0; i += 1) {
        const shape = openAlerts.splice(Math.floor(rng() * openAlerts.length), 1)[0] as AlertShape;
        shape.open = false;
        insert.run(alertRow(shape, 3));
      }
    });
    const series = (tickOnce: () => TickReport) => {
      const durations: number[] = [];
      let raised = 0;
      let resolved = 0;
      for (let tick = 0; tick < tickCount; tick += 1) {
        syncCommit();
        clock.advance(5_000);
        const report = tickOnce();
        durations.push(report.durationMs);
        raised += report.raised;
        resolved += report.resolved;
      }
      const sorted = [...durations].sort((a, b) => a - b);
      return {
        p50: round(percentile(sorted, 50)),
        p95: round(percentile(sorted, 95)),
        max: round(sorted[sorted.length - 1] ?? Number.NaN),
        raised,
        resolved,
      };
    };

    // As the app runs: the two largest rules incremental between full passes (every 5 minutes of server time).
    const steady = series(() => engine.tick());
    console.error(`ticks: p50 ${steady.p50} ms, p95 ${steady.p95} ms`);
    const counts = engine.counts();
    // Every rule in full on every tick: the safety-net pass, and the cost if nothing were incremental.
    const fullEngine = createRulesEngine({
      db,
      clock,
      config: shippedRulesConfig(),
      logger: silentLogger,
      fullPassEveryMs: 0,
    });
    fullEngine.tick();
    const full = series(() => fullEngine.tick());
    console.error(`full-pass ticks: p50 ${full.p50} ms, p95 ${full.p95} ms`);
    const openPrompts = (
      db.prepare("SELECT COUNT(*) AS n FROM local_prompt WHERE state <> 'resolved'").get() as { n: number }
    ).n;
    console.error(`queue counts: ${JSON.stringify(counts)}`);
    console.log(
      JSON.stringify({
        alerts: alertCount,
        openAlerts: openAlerts.length,
        scenes: sceneCount,
        devices: deviceCount,
        ticks: tickCount,
        tickP50Ms: steady.p50,
        tickP95Ms: steady.p95,
        tickMaxMs: steady.max,
        fullPassP50Ms: full.p50,
        fullPassP95Ms: full.p95,
        fullPassMaxMs: full.max,
        catchUpTicks: catchUp.length,
        catchUpLongestTickMs: round(Math.max(...catchUp)),
        catchUpTotalMs: round(catchUp.reduce((a, b) => a + b, 0)),
        openPrompts,
        raisedDuringTicks: steady.raised + full.raised,
        resolvedDuringTicks: steady.resolved + full.resolved,
        fillSeconds: Math.round(fillSeconds * 10) / 10,
        cacheBytes: fs.statSync(cache.file).size,
        node: process.version,
      }),
    );
  } finally {
    cache.dispose();
  }
}

main();
