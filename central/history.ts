/**
 * Generating the district's history, in day-long chunks. A chunk holds its feed rows already serialised and
 * UTF-8 encoded in one buffer, so the thread that writes SQLite does nothing but write: a large district
 * (1,000,000 alerts) can have its chunks made by worker threads while the main thread stores them (see
 * history-worker.ts), and a small one makes them inline. Either way the rows are the same, in the same order.
 */
import { buildDistrict, type District } from './district';
import { DAY_MS, HOUR_MS, type EntityKind } from './domain';
import type { AlertData, TimelineEntryData, WorkOrderData } from './entities';
import { applyDueSteps, raiseAlert, type AlertState } from './lifecycle';
import { entityKey, serialiseRecord } from './store';
import { World } from './world';

/** Everything a worker needs to rebuild the district and generate any chunk of its history. */
export interface HistoryJob {
  seed: number;
  deviceScale: number;
  rateFactor: number;
  /** The history covers [start, now); `now` is also the history boundary (see lifecycle.raiseAlert). */
  start: number;
  now: number;
}

/** Feed rows of one chunk: row i's JSON is bytes[ends[i-1] ?? 0, ends[i]). */
export interface EncodedRows {
  kinds: EntityKind[];
  ids: string[];
  keys: number[];
  open: boolean[];
  bytes: Uint8Array;
  ends: Uint32Array;
}

export interface HistoryChunk {
  index: number;
  rows: EncodedRows;
  pending: { alertId: string; dueAt: number; plan: string }[];
  tally: { sceneId: string; day: number; reported: number; received: number }[];
  /** The last alert each scene delivered in this chunk. */
  lastAlerts: [string, number][];
  alerts: number;
  lostAlerts: number;
}

const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;
/** The size the previous chunk needed: the next one starts with that much room instead of regrowing to it. */
let chunkBytesHint = 1 << 20;
export const CHUNK_HOURS = 24;

export function chunkCount(job: HistoryJob): number {
  const firstHour = Math.floor(job.start / HOUR_MS);
  const lastHour = Math.floor((job.now - 1) / HOUR_MS);
  return Math.max(0, Math.ceil((lastHour - firstHour + 1) / CHUNK_HOURS));
}

export function worldFor(job: HistoryJob): { district: District; world: World } {
  const district = buildDistrict(job.seed, job.deviceScale);
  return { district, world: new World(district, job.rateFactor) };
}

/** Generates chunk `index`: every alert reported in its hours, in its state at `job.now`. */
export function generateChunk(world: World, job: HistoryJob, index: number): HistoryChunk {
  const { district } = world;
  const firstHour = Math.floor(job.start / HOUR_MS) + index * CHUNK_HOURS;
  const lastHour = Math.min(firstHour + CHUNK_HOURS - 1, Math.floor((job.now - 1) / HOUR_MS));
  const sink = new RowSink(chunkBytesHint);
  const pending: HistoryChunk['pending'] = [];
  const tally = new Map<string, { sceneId: string; day: number; reported: number; received: number }>();
  const lastAlerts = new Map<string, number>();
  let alerts = 0;
  let lostAlerts = 0;
  // Hour by hour across all scenes, so that the feed's order follows time.
  for (let hour = firstHour; hour <= lastHour; hour++) {
    for (const scene of district.scenes) {
      for (const draw of world.alertsInHour(scene, hour)) {
        if (draw.reportedAt < job.start || draw.reportedAt >= job.now) continue;
        const day = Math.floor((draw.reportedAt + SHANGHAI_OFFSET_MS) / DAY_MS);
        const tallyKey = `${scene.id}|${day}`;
        const entry = tally.get(tallyKey) ?? { sceneId: scene.id, day, reported: 0, received: 0 };
        entry.reported++;
        tally.set(tallyKey, entry);
        if (draw.lost) {
          lostAlerts++;
          continue;
        }
        entry.received++;
        alerts++;
        const raised = raiseAlert(district, draw, job.now);
        applyDueSteps(raised.state, raised.plan, scene, job.now);
        addAlertRows(sink, raised.state);
        const next = raised.plan.steps[0];
        if (next)
          pending.push({ alertId: raised.plan.alertId, dueAt: next.at, plan: JSON.stringify(raised.plan) });
        lastAlerts.set(scene.id, draw.reportedAt);
      }
    }
  }
  const rows = sink.finish();
  chunkBytesHint = Math.max(chunkBytesHint, Math.ceil(rows.bytes.length * 1.25));
  return {
    index,
    rows,
    pending,
    tally: [...tally.values()],
    lastAlerts: [...lastAlerts],
    alerts,
    lostAlerts,
  };
}

function addAlertRows(sink: RowSink, state: AlertState): void {
  const open = state.alert.status !== 'closed';
  sink.add('alert', state.alert.id, open, serialiseRecord<AlertData>(state.alert, 1));
  if (state.workOrder) {
    sink.add(
      'workOrder',
      state.workOrder.id,
      state.workOrder.status !== 'closed',
      serialiseRecord<WorkOrderData>(state.workOrder, 1),
    );
  }
  for (const entry of state.timeline)
    sink.add('timelineEntry', entry.id, open, serialiseRecord<TimelineEntryData>(entry, 1));
}

/** Collects rows, encoding their JSON into one growing UTF-8 buffer. */
class RowSink {
  readonly #kinds: EntityKind[] = [];
  readonly #ids: string[] = [];
  readonly #keys: number[] = [];
  readonly #open: boolean[] = [];
  readonly #ends: number[] = [];
  readonly #encoder = new TextEncoder();
  #bytes: Uint8Array;
  #length = 0;

  constructor(initialBytes: number) {
    this.#bytes = new Uint8Array(initialBytes);
  }

  add(kind: EntityKind, id: string, open: boolean, json: string): void {
    // UTF-8 takes at most three bytes per UTF-16 code unit.
    this.#reserve(json.length * 3);
    const { written } = this.#encoder.encodeInto(json, this.#bytes.subarray(this.#length));
    this.#length += written;
    this.#kinds.push(kind);
    this.#ids.push(id);
    this.#keys.push(entityKey(kind, id));
    this.#open.push(open);
    this.#ends.push(this.#length);
  }

  finish(): EncodedRows {
    return {
      kinds: this.#kinds,
      ids: this.#ids,
      keys: this.#keys,
      open: this.#open,
      bytes: this.#bytes.slice(0, this.#length),
      ends: Uint32Array.from(this.#ends),
    };
  }

  #reserve(extra: number): void {
    if (this.#length + extra <= this.#bytes.length) return;
    let size = this.#bytes.length * 2;
    while (size < this.#length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }
}
