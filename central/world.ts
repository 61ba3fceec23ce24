/**
 * What happens in the district over time, as pure functions of (seed, time): when each scene raises alerts, when
 * devices drop offline or carry wrong registered info, when a scene falls silent or loses data on the way to the
 * central platform. Each draw is keyed by what and when it is about (see random.ts), so the district at a given
 * instant does not depend on how the clock got there: advancing a day in one jump yields the same alerts as
 * advancing it second by second.
 */
import { DAY_SHAPES, categorySpec, type CategorySpec } from './catalogue';
import type { DeviceDefinition, District, SceneDefinition } from './district';
import { DAY_MS, HOUR_MS } from './domain';
import { Rng, hash32, rngFor } from './random';

const SALT = {
  alertBucket: 21,
  alert: 22,
  silence: 23,
  syncLoss: 24,
  offline: 25,
  infoError: 26,
  rain: 27,
  typhoon: 28,
  keepSample: 29,
} as const;

const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

/** An episode (outage, silence, loss) that covers some instant. */
export interface Episode {
  start: number;
  end: number;
  /** Deterministic per-episode draw for details (which field is wrong, how much is lost...). */
  detail: number;
}

interface EpisodeShape {
  salt: number;
  slotMs: number;
  probability: number;
  minMs: number;
  maxMs: number;
}

/** Device outages: mostly minutes to hours, sometimes days (物联感知设备离线). */
const OFFLINE: EpisodeShape = {
  salt: SALT.offline,
  slotMs: DAY_MS,
  probability: 0.012,
  minMs: 15 * 60_000,
  maxMs: 4 * DAY_MS,
};
/** Wrong registered device info (信息报错): appears now and then, corrected within days. */
const INFO_ERROR: EpisodeShape = {
  salt: SALT.infoError,
  slotMs: 30 * DAY_MS,
  probability: 0.03,
  minMs: DAY_MS,
  maxMs: 12 * DAY_MS,
};
/** A scene stops reporting: an interface breaks, a sub-platform is being upgraded (无预警事件). */
const SILENCE: EpisodeShape = {
  salt: SALT.silence,
  slotMs: 10 * DAY_MS,
  probability: 0.3,
  minMs: 1.2 * DAY_MS,
  maxMs: 30 * DAY_MS,
};
/** A scene's sync to the centre degrades for days (同步率低于90%). */
const SYNC_LOSS: EpisodeShape = {
  salt: SALT.syncLoss,
  slotMs: 15 * DAY_MS,
  probability: 0.12,
  minMs: 2 * DAY_MS,
  maxMs: 10 * DAY_MS,
};

export const INFO_ERROR_FIELDS = ['address', 'location', 'ownerUnit', 'elements', 'model'] as const;
export type InfoErrorField = (typeof INFO_ERROR_FIELDS)[number];

export interface AlertDraw {
  scene: SceneDefinition;
  device: DeviceDefinition;
  /** Index within its scene-hour (a string for alerts injected by the admin): part of the alert's id. */
  ordinal: number | string;
  hourIndex: number;
  reportedAt: number;
  /** Lost on the way to the central platform: counts in the scene's own tally only. */
  lost: boolean;
  rng: Rng;
}

export class World {
  readonly #categoryOf: CategorySpec[];
  readonly #sceneDevices: DeviceDefinition[][];

  /**
   * @param rateFactor multiplies every scene's alert rate (alerts per device-day are relative weights; see
   *   `rateFactorFor`).
   */
  constructor(
    readonly district: District,
    readonly rateFactor: number,
  ) {
    this.#categoryOf = district.scenes.map((scene) => categorySpec(scene.category));
    this.#sceneDevices = district.scenes.map((scene) =>
      scene.deviceIds.map((id) => district.deviceById.get(id) as DeviceDefinition),
    );
  }

  get seed(): number {
    return this.district.seed;
  }

  deviceOffline(device: DeviceDefinition, at: number): Episode | null {
    return this.#episodeAt(OFFLINE, device.index, at);
  }

  deviceInfoError(device: DeviceDefinition, at: number): Episode | null {
    return this.#episodeAt(INFO_ERROR, device.index, at);
  }

  sceneSilence(scene: SceneDefinition, at: number): Episode | null {
    return this.#episodeAt(SILENCE, scene.index, at);
  }

  /** Share of the scene's alerts that never reach the central platform at this instant. */
  sceneLoss(scene: SceneDefinition, at: number): number {
    const episode = this.#episodeAt(SYNC_LOSS, scene.index, at);
    const episodic = episode ? 0.12 + (episode.detail % 1000) / 4000 : 0;
    return Math.min(0.6, scene.chronicLoss + episodic);
  }

  /** Expected alerts of one scene in one hour (before silences, outages and losses). */
  hourlyRate(scene: SceneDefinition, hourIndex: number): number {
    const category = this.#categoryOf[scene.index] as CategorySpec;
    const start = hourIndex * HOUR_MS;
    const localHour = new Date(start + SHANGHAI_OFFSET_MS).getUTCHours();
    const shape = DAY_SHAPES[category.dayShape][localHour] ?? 1;
    const perDay = category.ratePerDevicePerDay * scene.deviceIds.length;
    return (perDay / 24) * shape * this.#seasonFactor(category, start) * this.rateFactor;
  }

  /** Alerts one scene raised in one hour, in order of report; the same list every time it is asked. */
  alertsInHour(scene: SceneDefinition, hourIndex: number): AlertDraw[] {
    const bucket = rngFor(this.seed, SALT.alertBucket, scene.index, hourIndex);
    const count = bucket.poisson(this.hourlyRate(scene, hourIndex));
    if (count === 0) return [];
    const offsets: number[] = [];
    for (let i = 0; i < count; i++) offsets.push(Math.floor(bucket.next() * HOUR_MS));
    offsets.sort((a, b) => a - b);
    const devices = this.#sceneDevices[scene.index] as DeviceDefinition[];
    const draws: AlertDraw[] = [];
    for (let ordinal = 0; ordinal < count; ordinal++) {
      const reportedAt = hourIndex * HOUR_MS + (offsets[ordinal] as number);
      if (this.sceneSilence(scene, reportedAt)) continue;
      const rng = rngFor(this.seed, SALT.alert, scene.index, hourIndex, ordinal);
      const device = devices[rng.int(0, devices.length - 1)] as DeviceDefinition;
      // An offline device sends nothing: its would-be alert never happens.
      if (this.deviceOffline(device, reportedAt)) continue;
      const lost = rng.chance(this.sceneLoss(scene, reportedAt));
      draws.push({ scene, device, ordinal, hourIndex, reportedAt, lost, rng });
    }
    return draws;
  }

  /**
   * The latest alert the scene raised (and delivered) before `before`, looking back at most `lookbackMs`:
   * used for scenes that were quiet over the whole generated history.
   */
  lastAlertBefore(scene: SceneDefinition, before: number, lookbackMs: number): number | null {
    const lastHour = Math.floor((before - 1) / HOUR_MS);
    const firstHour = Math.floor((before - lookbackMs) / HOUR_MS);
    for (let hour = lastHour; hour >= firstHour; hour--) {
      const draws = this.alertsInHour(scene, hour).filter((draw) => !draw.lost && draw.reportedAt < before);
      const last = draws[draws.length - 1];
      if (last) return last.reportedAt;
    }
    return null;
  }

  #seasonFactor(category: CategorySpec, at: number): number {
    const local = new Date(at + SHANGHAI_OFFSET_MS);
    const month = local.getUTCMonth() + 1;
    const day = Math.floor((at + SHANGHAI_OFFSET_MS) / DAY_MS);
    switch (category.season) {
      case 'none':
        return 1;
      case 'winter':
        return month === 12 || month <= 2 ? 1.3 : 1;
      case 'flood': {
        const rain = rngFor(this.seed, SALT.rain, day);
        const floodSeason = month >= 6 && month <= 9;
        const rainy = rain.chance(floodSeason ? 0.4 : 0.22);
        const intensity = rainy ? rain.logUniform(1, floodSeason ? 8 : 3) : 0.15;
        return floodSeason ? 1.3 * intensity : intensity;
      }
      case 'typhoon': {
        // A typhoon passes now and then in July-September; outside it, only strong monsoon winds.
        const week = Math.floor(day / 7);
        const storm = rngFor(this.seed, SALT.typhoon, week);
        const season = month >= 7 && month <= 9;
        if (season && storm.chance(0.35)) {
          const firstDay = week * 7 + storm.int(0, 4);
          if (day >= firstDay && day < firstDay + storm.int(2, 3)) return 18;
        }
        return season ? 0.5 : 0.15;
      }
    }
  }

  #episodeAt(shape: EpisodeShape, key: number, at: number): Episode | null {
    const lastSlot = Math.floor(at / shape.slotMs);
    const firstSlot = Math.floor((at - shape.maxMs) / shape.slotMs);
    // Oldest first, so that overlapping episodes report the start of the whole stretch.
    for (let slot = firstSlot; slot <= lastSlot; slot++) {
      const draw = hash32(this.seed, shape.salt, key, slot);
      if (draw / 4_294_967_296 >= shape.probability) continue;
      const rng = new Rng(draw);
      const start = slot * shape.slotMs + Math.floor(rng.next() * shape.slotMs);
      const end = start + Math.floor(rng.logUniform(shape.minMs, shape.maxMs));
      if (start <= at && at < end) return { start, end, detail: hash32(draw, 1) };
    }
    return null;
  }
}

/**
 * The rate factor that makes the district raise about `alertsPerDay` alerts a day on average over
 * [from, to). Silences, outages and losses thin the raw rate; a sample of hours measures by how much.
 */
export function rateFactorFor(district: District, alertsPerDay: number, from: number, to: number): number {
  const probe = new World(district, 1);
  const firstHour = Math.floor(from / HOUR_MS);
  const lastHour = Math.max(firstHour + 1, Math.floor(to / HOUR_MS));
  const rng = rngFor(district.seed, SALT.keepSample);
  let delivered = 0;
  for (const scene of district.scenes) {
    let expected = 0;
    for (let hour = firstHour; hour < lastHour; hour++) expected += probe.hourlyRate(scene, hour);
    delivered += expected * sampleKeepRatio(probe, scene, firstHour, lastHour, rng);
  }
  const perDay = delivered / ((lastHour - firstHour) / 24);
  return perDay > 0 ? alertsPerDay / perDay : 1;
}

/** Share of a scene's raw alerts that survive its silences, its devices' outages and its losses. */
function sampleKeepRatio(
  world: World,
  scene: SceneDefinition,
  firstHour: number,
  lastHour: number,
  rng: Rng,
): number {
  const samples = 300;
  let kept = 0;
  for (let i = 0; i < samples; i++) {
    const at = (firstHour + rng.next() * (lastHour - firstHour)) * HOUR_MS;
    const device = world.district.deviceById.get(rng.pick(scene.deviceIds));
    if (world.sceneSilence(scene, at) || (device && world.deviceOffline(device, at))) continue;
    kept += 1 - world.sceneLoss(scene, at);
  }
  return kept / samples;
}

/** Average alerts a day of the demo district (tens of thousands over 90 days). */
export const DEMO_ALERTS_PER_DAY = 360;
