/**
 * A real cache on a temporary file for the rules engine's tests and benchmark: rows are written the way the sync
 * engine's CacheWriter writes them (indexed columns plus the whole document in `data`), so the triggers, partial
 * indexes and JSON paths the engine relies on are exercised as in production.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { cacheMigrations } from '../db/migrations';
import { openCacheDatabase } from '../db/open-database';

export interface TestCache {
  db: Database.Database;
  file: string;
  /** Closes the database (the file stays until `remove`). */
  close(): void;
  /** Reopens the same file, as after a restart. */
  reopen(): Database.Database;
  remove(): void;
}

export function openTestCache(prefix = 'dutydesk-rules-'): TestCache {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = path.join(dir, 'cache.db');
  const open = (): Database.Database =>
    openCacheDatabase(file, { migrations: cacheMigrations, now: () => new Date(0), warn: () => undefined })
      .db;
  const cache: TestCache = {
    db: open(),
    file,
    close: () => {
      if (cache.db.open) cache.db.close();
    },
    reopen: () => {
      cache.close();
      cache.db = open();
      return cache.db;
    },
    remove: () => {
      cache.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return cache;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export interface SceneInput {
  id: string;
  name?: string;
  kind?: 'scene' | 'subplatform' | 'regional';
  category?: string;
  lastAlertAt?: number | null;
  commissionedAt?: number;
  syncRate?: number | null;
  reportedByScene?: number;
  receivedByCentral?: number;
  version?: number;
}

export function upsertScene(db: Database.Database, input: SceneInput): void {
  const syncRate = input.syncRate === undefined ? 0.98 : input.syncRate;
  const reported = input.reportedByScene ?? 200;
  const document = {
    id: input.id,
    version: input.version ?? 1,
    name: input.name ?? `场景 ${input.id}`,
    kind: input.kind ?? 'scene',
    domain: 'lifeline',
    category: input.category ?? 'gasPipeline',
    department: '区建设和交通委',
    street: null,
    monitoringElements: [],
    requiredElements: [],
    contacts: {},
    commissionedAt: iso(input.commissionedAt ?? Date.UTC(2024, 0, 1)),
    deviceCount: 10,
    lastAlertAt: iso(input.lastAlertAt ?? null),
    sync: {
      windowStart: '2026-11-01T00:00:00.000Z',
      windowEnd: '2026-11-08T00:00:00.000Z',
      reportedByScene: reported,
      receivedByCentral: input.receivedByCentral ?? Math.round(reported * (syncRate ?? 1)),
      rate: syncRate,
    },
  };
  db.prepare(
    `INSERT INTO scene (id, version, name, kind, category, last_alert_at, sync_rate, data)
     VALUES (@id, @version, @name, @kind, @category, @lastAlertAt, @syncRate, @data)
     ON CONFLICT (id) DO UPDATE SET version = excluded.version, name = excluded.name, kind = excluded.kind,
       category = excluded.category, last_alert_at = excluded.last_alert_at, sync_rate = excluded.sync_rate,
       data = excluded.data`,
  ).run({
    id: input.id,
    version: document.version,
    name: document.name,
    kind: document.kind,
    category: document.category,
    lastAlertAt: input.lastAlertAt ?? null,
    syncRate,
    data: JSON.stringify(document),
  });
}

export interface DeviceInput {
  id: string;
  sceneId?: string;
  status?: 'online' | 'offline';
  offlineSince?: number | null;
  infoError?: { field: string; registered: string; observed: string; detectedAt: number } | null;
  location?: { lng: number; lat: number } | null;
}

export function upsertDevice(db: Database.Database, input: DeviceInput): void {
  const status = input.status ?? 'online';
  const document = {
    id: input.id,
    version: 1,
    sceneId: input.sceneId ?? 'S1',
    code: `PD${input.id}`,
    name: `设备 ${input.id}`,
    model: '管网压力监测终端 PT-200',
    elementIds: [],
    street: '张江镇',
    address: '张江路 100 号旁燃气阀门井',
    location: input.location === undefined ? { lng: 121.6, lat: 31.2 } : input.location,
    ownerUnit: '浦东燃气',
    installedAt: '2024-01-01T00:00:00.000Z',
    status,
    offlineSince: iso(input.offlineSince ?? null),
    infoError: input.infoError ? { ...input.infoError, detectedAt: iso(input.infoError.detectedAt) } : null,
  };
  db.prepare(
    `INSERT INTO device (id, version, scene_id, status, offline_since, info_error, data)
     VALUES (@id, 1, @sceneId, @status, @offlineSince, @infoError, @data)
     ON CONFLICT (id) DO UPDATE SET scene_id = excluded.scene_id, status = excluded.status,
       offline_since = excluded.offline_since, info_error = excluded.info_error, data = excluded.data`,
  ).run({
    id: input.id,
    sceneId: document.sceneId,
    status,
    offlineSince: input.offlineSince ?? null,
    infoError: input.infoError ? 1 : 0,
    data: JSON.stringify(document),
  });
}

/** Elements a gas-pipeline alert carries when filled in properly. */
export const GOOD_GAS_ELEMENTS: Record<string, string> = {
  location: '张江镇张江路 100 号旁燃气阀门井',
  deviceCode: 'PDRQ01000001',
  monitoredValue: '2.4%LEL',
  threshold: '≥2%LEL（红色）',
  ownerUnit: '浦东燃气',
  contact: '王伟',
  contactPhone: '021-58881234',
  riskDescription: '燃气管线泄漏，可能引发爆炸',
  pipeSpec: 'DN300 中压',
};

export interface AlertInput {
  id: string;
  sceneId?: string;
  deviceId?: string | null;
  category?: string;
  level?: 'blue' | 'yellow' | 'orange' | 'red';
  reportedAt: number;
  handler?: boolean;
  handlingLimitHours?: number;
  deadlineAt?: number;
  closedAt?: number | null;
  verifiedAt?: number | null;
  significant?: boolean | null;
  majorLoopKind?: 'emergency' | 'risk' | null;
  elements?: Record<string, string | null>;
  elementIssues?: { key: string; problem: 'missing' | 'malformed'; detail: string }[];
  version?: number;
}

export function alertDocument(input: AlertInput): Record<string, unknown> {
  const handlingLimitHours = input.handlingLimitHours ?? 24;
  const deadlineAt = input.deadlineAt ?? input.reportedAt + handlingLimitHours * 3_600_000;
  const closedAt = input.closedAt ?? null;
  const verifiedAt = input.verifiedAt ?? null;
  return {
    id: input.id,
    version: input.version ?? 1,
    sceneId: input.sceneId ?? 'S1',
    deviceId: input.deviceId === undefined ? 'D1' : input.deviceId,
    category: input.category ?? 'gasPipeline',
    level: input.level ?? 'yellow',
    title: '甲烷浓度超过黄色预警阈值',
    location: { street: '张江镇', address: '张江路 100 号', lng: 121.6, lat: 31.2 },
    occurredAt: iso(input.reportedAt - 60_000),
    reportedAt: iso(input.reportedAt),
    elements: input.elements ?? GOOD_GAS_ELEMENTS,
    elementIssues: input.elementIssues ?? [],
    readings: {},
    status: closedAt !== null ? 'closed' : input.handler ? 'handling' : 'pending',
    handler: input.handler ? { name: '李强', unit: '浦东燃气抢修队', phone: '021-58880000' } : null,
    dispatchedAt: input.handler ? iso(input.reportedAt + 600_000) : null,
    handlingLimitHours,
    deadlineAt: iso(deadlineAt),
    closedAt: iso(closedAt),
    closedReason: closedAt !== null ? 'resolved' : null,
    loop: input.majorLoopKind ? 'major' : 'enterprise',
    majorLoopKind: input.majorLoopKind ?? null,
    majorLoopStartedAt: null,
    majorLoopReportedTo: null,
    majorLoopSummary: null,
    verifiedAt: iso(verifiedAt),
    verifiedBy: verifiedAt !== null ? 'op-1' : null,
    verification:
      verifiedAt !== null && input.significant !== undefined && input.significant !== null
        ? { significant: input.significant, assessment: '现场核实' }
        : null,
    workOrderId: null,
  };
}

export function upsertAlert(db: Database.Database, input: AlertInput): void {
  const document = alertDocument(input);
  db.prepare(
    `INSERT INTO alert (id, version, scene_id, device_id, category, level, status, occurred_at, reported_at,
                        has_handler, dispatched_at, deadline_at, closed_at, loop, major_loop_kind, verified_at,
                        non_standard, data)
     VALUES (@id, @version, @sceneId, @deviceId, @category, @level, @status, @occurredAt, @reportedAt,
             @hasHandler, @dispatchedAt, @deadlineAt, @closedAt, @loop, @majorLoopKind, @verifiedAt,
             @nonStandard, @data)
     ON CONFLICT (id) DO UPDATE SET version = excluded.version, level = excluded.level, status = excluded.status,
       has_handler = excluded.has_handler, dispatched_at = excluded.dispatched_at, deadline_at = excluded.deadline_at,
       closed_at = excluded.closed_at, loop = excluded.loop, major_loop_kind = excluded.major_loop_kind,
       verified_at = excluded.verified_at, non_standard = excluded.non_standard, data = excluded.data`,
  ).run({
    id: input.id,
    version: document.version as number,
    sceneId: document.sceneId as string,
    deviceId: document.deviceId as string | null,
    category: document.category as string,
    level: document.level as string,
    status: document.status as string,
    occurredAt: input.reportedAt - 60_000,
    reportedAt: input.reportedAt,
    hasHandler: input.handler ? 1 : 0,
    dispatchedAt: input.handler ? input.reportedAt + 600_000 : null,
    deadlineAt: Date.parse(document.deadlineAt as string),
    closedAt: input.closedAt ?? null,
    loop: document.loop as string,
    majorLoopKind: input.majorLoopKind ?? null,
    verifiedAt: input.verifiedAt ?? null,
    nonStandard: (input.elementIssues ?? []).length > 0 ? 1 : 0,
    data: JSON.stringify(document),
  });
}

export function upsertKeyPeriod(
  db: Database.Database,
  input: { id: string; name: string; startsAt: number; endsAt: number },
): void {
  const document = {
    id: input.id,
    version: 1,
    name: input.name,
    kind: 'floodSeason',
    startsAt: iso(input.startsAt),
    endsAt: iso(input.endsAt),
    leadDepartment: '区应急管理局综合减灾处',
  };
  db.prepare(
    `INSERT INTO key_period (id, version, starts_at, ends_at, data) VALUES (?, 1, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET starts_at = excluded.starts_at, ends_at = excluded.ends_at, data = excluded.data`,
  ).run(input.id, input.startsAt, input.endsAt, JSON.stringify(document));
}

/** What the sync engine records after a successful pull. */
export function setLastSync(db: Database.Database, ms: number | null): void {
  db.prepare('UPDATE sync_state SET last_success_at = ? WHERE id = 1').run(ms);
}
