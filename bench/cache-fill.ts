/**
 * Fills a cache directly with SQL, in the shape the sync engine writes (indexed columns plus the document in
 * `data`), for the benchmarks that need a large district: scenes, their devices and a history of alerts. What
 * each benchmark varies (how many alerts are open, how old they are) it says in the shapes it draws; the
 * documents are built here, so every benchmark's cache looks alike to the queues and the rules.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { cacheMigrations } from '../main/core/db/migrations';
import { openCacheDatabase } from '../main/core/db/open-database';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** A flag's value as a positive whole number, or an error naming the flag. */
export function positiveFlag(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer, got ${text}`);
  return value;
}

/** A small deterministic generator (mulberry32), so runs are comparable. */
export interface BenchRandom {
  /** The next number in [0, 1). */
  next: () => number;
  /** True with probability p. */
  chance: (p: number) => boolean;
  pick: <T>(items: readonly T[]) => T;
}

export function createRandom(seed: number): BenchRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T,
  };
}

/** What every fill step needs: the cache, the generator, and the instant the data is "as of". */
export interface FillContext {
  db: Database.Database;
  random: BenchRandom;
  /** The platform's time the district is drawn around (ms since the epoch). */
  now: number;
}

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

export interface BenchCache {
  db: Database.Database;
  file: string;
  /** The folder holding the file (a fresh temporary one unless a file was given). */
  dir: string;
  /** Closes the database (once); the folder stays. */
  close(): void;
  /** Closes the database and removes the temporary folder, unless it was given or is to be kept. */
  dispose(): void;
}

/**
 * Opens a new cache with the app's migrations, as main/core/db/open-database.ts opens it: `file` if given
 * (it must not exist), else `cache.db` in a fresh temporary folder named after `prefix`.
 */
export function openBenchCache(options: { prefix: string; file?: string; keep: boolean }): BenchCache {
  const tempDir = options.file ? null : fs.mkdtempSync(path.join(os.tmpdir(), options.prefix));
  const file = options.file ?? path.join(tempDir ?? '.', 'cache.db');
  if (options.file && fs.existsSync(file)) throw new Error(`${file} exists: give a new file`);
  const { db } = openCacheDatabase(file, {
    migrations: cacheMigrations,
    now: () => new Date(),
    warn: console.error,
  });
  const close = () => {
    if (db.open) db.close();
  };
  return {
    db,
    file,
    dir: path.dirname(file),
    close,
    dispose: () => {
      close();
      if (tempDir && !options.keep) fs.rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/** The fill stands for the initial sync and is not measured: its fsyncs are skipped until `endFill`. */
export function beginFill(db: Database.Database): void {
  db.pragma('synchronous = OFF');
}

/** Restores the app's durability setting and folds the write-ahead log into the file. */
export function endFill(db: Database.Database): void {
  db.pragma('synchronous = FULL');
  db.pragma('wal_checkpoint(TRUNCATE)');
}

export interface SceneRow {
  id: string;
  category: string;
}

/** `sceneCount` scenes of the eight categories; about 5 % gone quiet, about 3 % syncing badly. */
export function fillScenes(context: FillContext, sceneCount: number, deviceCount: number): SceneRow[] {
  const { db, random, now } = context;
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
    const lastAlertAt = random.chance(0.05)
      ? now - (1 + random.next() * 9) * DAY
      : now - random.next() * 6 * HOUR;
    const rate = random.chance(0.03) ? 0.7 + random.next() * 0.19 : 0.95 + random.next() * 0.05;
    const reported = 500 + Math.floor(random.next() * 2000);
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
        windowStart: iso(now - 7 * DAY),
        windowEnd: iso(now),
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

/** `deviceCount` devices spread over the scenes; about 1 % offline, a few misregistered or unlocated. */
export function fillDevices(
  context: FillContext,
  scenes: readonly SceneRow[],
  deviceCount: number,
): string[] {
  const { db, random, now } = context;
  const insert = db.prepare(
    'INSERT INTO device (id, version, scene_id, status, offline_since, info_error, data) VALUES (?, 1, ?, ?, ?, ?, ?)',
  );
  const ids: string[] = [];
  for (let i = 0; i < deviceCount; i += 1) {
    const scene = scenes[i % scenes.length] as SceneRow;
    const id = `${scene.id}-D${String(i).padStart(6, '0')}`;
    const offline = random.chance(0.01);
    const offlineSince = offline ? now - random.next() * 3 * DAY : null;
    const infoError = random.chance(0.003)
      ? {
          field: '安装地址',
          registered: '张江路 100 号',
          observed: '张江路 180 号',
          detectedAt: iso(now - random.next() * 5 * DAY),
        }
      : null;
    const location = random.chance(0.001)
      ? { lng: 0, lat: 0 }
      : { lng: 121.5 + random.next() * 0.4, lat: 30.9 + random.next() * 0.4 };
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

/** What a benchmark decides about one alert; the rest of its document follows from these. */
export interface AlertShape {
  id: string;
  scene: SceneRow;
  deviceId: string;
  reportedAt: number;
  open: boolean;
  handler: boolean;
  level: string;
  nonStandard: boolean;
}

export const alertId = (serial: number): string => `AL${String(serial).padStart(9, '0')}`;

/** The handling limit of a level (DESIGN.md): the deadline is the report time plus this. */
export const handlingLimitHours = (level: string): number =>
  level === 'red' ? 4 : level === 'orange' ? 12 : 48;

/** Inserts an alert, or replaces the sync-written fields of one already there (a later version). */
export const alertInsertSql = `INSERT INTO alert (id, version, scene_id, device_id, category, level, status, occurred_at, reported_at,
                                           has_handler, dispatched_at, deadline_at, closed_at, loop, major_loop_kind,
                                           verified_at, non_standard, data)
                        VALUES (@id, @version, @sceneId, @deviceId, @category, @level, @status, @occurredAt, @reportedAt,
                                @hasHandler, @dispatchedAt, @deadlineAt, @closedAt, @loop, @majorLoopKind,
                                @verifiedAt, @nonStandard, @data)
                        ON CONFLICT (id) DO UPDATE SET version = excluded.version, status = excluded.status,
                          has_handler = excluded.has_handler, dispatched_at = excluded.dispatched_at,
                          closed_at = excluded.closed_at, data = excluded.data`;

/** The parameters of `alertInsertSql` for one alert: its columns and its whole document. */
export function alertRow(
  random: BenchRandom,
  shape: AlertShape,
  version = 1,
): Record<string, string | number | null> {
  const limitHours = handlingLimitHours(shape.level);
  const deadlineAt = shape.reportedAt + limitHours * HOUR;
  const dispatchedAt = shape.handler ? shape.reportedAt + 20 * MINUTE : null;
  const closedAt = shape.open ? null : shape.reportedAt + (2 + random.next() * 40) * HOUR;
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
  const verifiedAt = shape.level === 'red' && random.chance(0.5) ? shape.reportedAt + 10 * MINUTE : null;
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
    verification: verifiedAt !== null ? { significant: random.chance(0.3), assessment: '现场核实' } : null,
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

/** Mostly blue and yellow, red rare. */
export function drawLevel(random: BenchRandom): string {
  const roll = random.next();
  return roll < 0.005 ? 'red' : roll < 0.06 ? 'orange' : roll < 0.35 ? 'yellow' : 'blue';
}

/**
 * Inserts `alertCount` alerts drawn by `drawShape` (called with each serial number in turn), in batches of
 * 50,000 per transaction with progress on stderr; returns the open ones.
 */
export function fillAlerts(
  context: FillContext,
  alertCount: number,
  drawShape: (serial: number) => AlertShape,
): AlertShape[] {
  const insert = context.db.prepare(alertInsertSql);
  const openAlerts: AlertShape[] = [];
  const batch = context.db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i += 1) {
      const shape = drawShape(i);
      insert.run(alertRow(context.random, shape));
      if (shape.open) openAlerts.push(shape);
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

/** The value at percentile `p` (nearest rank) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** Milliseconds to two decimals, for the JSON figures. */
export const round = (ms: number): number => Math.round(ms * 100) / 100;
