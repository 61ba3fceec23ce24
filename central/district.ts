/**
 * The static part of the simulated district, deterministic from the seed: scenes, their devices and command
 * manuals, the duty-room operators' profiles and the key periods of the calendar. What changes over time (alerts,
 * outages, silences) lives in world.ts.
 */
import {
  CATEGORIES,
  COMMON_REQUIRED_ELEMENTS,
  DUTY_ROOM,
  GIVEN_NAMES,
  STREETS,
  SURNAMES,
  type CategorySpec,
  type ElementField,
  type ElementSpec,
  type Street,
} from './catalogue';
import {
  ALERT_LEVELS,
  type AlertLevel,
  type Domain,
  type KeyPeriodKind,
  type Loop,
  type OperatorRole,
  type RiskCategory,
  type SceneKind,
} from './domain';
import { rngFor, type Rng } from './random';

export interface Contact {
  name: string;
  phone: string;
  unit: string;
}

export interface MonitoringElement {
  id: string;
  name: string;
  unit: string;
  direction: 'above' | 'below';
  thresholds: Record<AlertLevel, number>;
}

export interface SceneDefinition {
  /** Position in the district's scene list; keys every random draw about this scene. */
  index: number;
  id: string;
  name: string;
  kind: SceneKind;
  domain: Domain;
  category: RiskCategory;
  department: string;
  street: string | null;
  monitoringElements: MonitoringElement[];
  requiredElements: ElementField[];
  contacts: { sceneOperator: Contact; sceneTechnician: Contact; sceneHead: Contact };
  commissionedAt: string;
  /** Extra delay (minutes) between occurrence and report: sub-platforms relay through their own system. */
  relayDelayMinutes: number;
  /** Chronic data loss towards the central platform (share of alerts never synced), 0 for healthy scenes. */
  chronicLoss: number;
  deviceIds: string[];
}

export interface DeviceDefinition {
  index: number;
  id: string;
  sceneId: string;
  code: string;
  name: string;
  model: string;
  elementIds: string[];
  street: string;
  address: string;
  lng: number;
  lat: number;
  ownerUnit: string;
  installedAt: string;
}

export interface Commander {
  role: string;
  name: string;
  title: string;
  phone: string;
}

export interface CommandManualDefinition {
  id: string;
  sceneId: string;
  level: AlertLevel;
  handlingLimitHours: number;
  loop: Loop;
  commanders: Commander[];
  responseMeasures: string[];
  notify: string[];
  updatedAt: string;
}

export interface OperatorProfile {
  id: string;
  username: string;
  name: string;
  role: OperatorRole;
  dutyRoom: string;
}

export interface KeyPeriodDefinition {
  id: string;
  name: string;
  kind: KeyPeriodKind;
  startsAt: string;
  endsAt: string;
  leadDepartment: string;
}

export interface District {
  seed: number;
  scenes: SceneDefinition[];
  devices: DeviceDefinition[];
  commandManuals: CommandManualDefinition[];
  operators: OperatorProfile[];
  sceneById: Map<string, SceneDefinition>;
  deviceById: Map<string, DeviceDefinition>;
  manualByScene: Map<string, Record<AlertLevel, CommandManualDefinition>>;
}

/** Salts keep draws about different things apart even when their indexes coincide. */
const SALT = { scene: 11, device: 12, manual: 13, contact: 14 } as const;

export const DEMO_OPERATORS: readonly OperatorProfile[] = [
  { id: 'op-wangfang', username: 'wangfang', name: '王芳', role: 'operator', dutyRoom: DUTY_ROOM },
  { id: 'op-liqiang', username: 'liqiang', name: '李强', role: 'operator', dutyRoom: DUTY_ROOM },
  { id: 'op-zhangmin', username: 'zhangmin', name: '张敏', role: 'operator', dutyRoom: DUTY_ROOM },
  { id: 'op-liuyang', username: 'liuyang', name: '刘洋', role: 'operator', dutyRoom: DUTY_ROOM },
  { id: 'lead-chenjing', username: 'chenjing', name: '陈静', role: 'shiftLead', dutyRoom: DUTY_ROOM },
];

export function personName(rng: Rng): string {
  return rng.pick(SURNAMES) + rng.pick(GIVEN_NAMES);
}

/** Fictitious Shanghai landline numbers (021 + 8 digits). */
export function phoneNumber(rng: Rng): string {
  return `021-${rng.int(5000, 6899)}${String(rng.int(0, 9999)).padStart(4, '0')}`;
}

/**
 * Builds the district. `deviceScale` multiplies device counts (large districts for benchmarks).
 */
export function buildDistrict(seed: number, deviceScale = 1): District {
  const scenes: SceneDefinition[] = [];
  const devices: DeviceDefinition[] = [];
  const commandManuals: CommandManualDefinition[] = [];
  const districtRng = rngFor(seed, SALT.scene);
  // The chronically lossy scene: one sub-platform syncs badly (regulation art. 6 "同步率低于90%").
  const subplatformCount = CATEGORIES.filter((category) => category.subplatform !== null).length;
  const lossySubplatform = districtRng.int(0, subplatformCount - 1);
  let subplatformSeen = 0;

  const addScene = (
    category: CategorySpec,
    kind: SceneKind,
    street: Street | null,
    deviceShare: number,
  ): void => {
    const index = scenes.length;
    const rng = rngFor(seed, SALT.scene, index);
    const id = `SC${String(index + 1).padStart(3, '0')}`;
    const name =
      kind === 'subplatform'
        ? (category.subplatform ?? category.name)
        : kind === 'regional'
          ? `${street?.name ?? ''}${category.name}监测场景`
          : `浦东新区${category.name}监测场景`;
    const isLossy = kind === 'subplatform' && subplatformSeen++ === lossySubplatform;
    const scene: SceneDefinition = {
      index,
      id,
      name,
      kind,
      domain: category.domain,
      category: category.id,
      department: category.department,
      street: street?.name ?? null,
      monitoringElements: category.elements.map((element) => monitoringElement(category, element)),
      requiredElements: [...COMMON_REQUIRED_ELEMENTS, ...category.extraElements],
      contacts: {
        sceneOperator: contact(rng, `${name}运营组`),
        sceneTechnician: contact(rng, `${name}技术组`),
        sceneHead: contact(rng, category.department),
      },
      commissionedAt: new Date(Date.UTC(2023, rng.int(0, 11), rng.int(1, 28), 1)).toISOString(),
      relayDelayMinutes: kind === 'subplatform' ? rng.int(2, 12) : 0,
      chronicLoss: isLossy ? rng.between(0.18, 0.3) : 0,
      deviceIds: [],
    };
    scenes.push(scene);
    const [low, high] = category.devicesPerScene;
    const deviceCount = Math.max(4, Math.round(rng.int(low, high) * deviceShare * deviceScale));
    for (let n = 0; n < deviceCount; n++) {
      const device = buildDevice(seed, category, scene, devices.length, n, street);
      devices.push(device);
      scene.deviceIds.push(device.id);
    }
    for (const level of ALERT_LEVELS) commandManuals.push(buildManual(seed, category, scene, level));
  };

  for (const category of CATEGORIES) addScene(category, 'scene', null, 1);
  for (const category of CATEGORIES) if (category.subplatform) addScene(category, 'subplatform', null, 0.6);
  for (const category of CATEGORIES) {
    const regionalRng = rngFor(seed, SALT.scene, 1000 + CATEGORIES.indexOf(category));
    const chosen = new Set<number>();
    while (chosen.size < category.regionalScenes) chosen.add(regionalRng.int(0, STREETS.length - 1));
    for (const streetIndex of [...chosen].sort((a, b) => a - b)) {
      addScene(category, 'regional', STREETS[streetIndex] ?? null, 0.35);
    }
  }

  const manualByScene = new Map<string, Record<AlertLevel, CommandManualDefinition>>();
  for (const manual of commandManuals) {
    const entry = manualByScene.get(manual.sceneId) ?? ({} as Record<AlertLevel, CommandManualDefinition>);
    entry[manual.level] = manual;
    manualByScene.set(manual.sceneId, entry);
  }
  return {
    seed,
    scenes,
    devices,
    commandManuals,
    operators: [...DEMO_OPERATORS],
    sceneById: new Map(scenes.map((scene) => [scene.id, scene])),
    deviceById: new Map(devices.map((device) => [device.id, device])),
    manualByScene,
  };
}

function monitoringElement(category: CategorySpec, element: ElementSpec): MonitoringElement {
  return {
    id: `${category.id}.${element.code}`,
    name: element.name,
    unit: element.unit,
    direction: element.direction,
    thresholds: { ...element.thresholds },
  };
}

function contact(rng: Rng, unit: string): Contact {
  return { name: personName(rng), phone: phoneNumber(rng), unit };
}

const CATEGORY_CODES: Record<RiskCategory, string> = {
  gasPipeline: 'RQ',
  restaurantGas: 'CY',
  bridge: 'QL',
  waterSupply: 'GS',
  undergroundUtility: 'DX',
  oldBuilding: 'FW',
  crowd: 'KL',
  buildingFire: 'XF',
  elevator: 'DT',
  keyVehicle: 'CL',
  hazardousChemicals: 'WH',
  construction: 'GC',
  waterlogging: 'NL',
  typhoon: 'TF',
  geological: 'DZ',
};

function buildDevice(
  seed: number,
  category: CategorySpec,
  scene: SceneDefinition,
  index: number,
  numberInScene: number,
  street: Street | null,
): DeviceDefinition {
  const rng = rngFor(seed, SALT.device, index);
  const where = street ?? rng.pick(STREETS);
  const road = rng.pick(where.roads);
  const houseNumber = rng.int(1, 2999);
  const facility = category.facility({
    road,
    number: houseNumber,
    street: where.name,
    pick: (items) => rng.pick(items),
  });
  const model = rng.pick(category.deviceModels);
  // A device watches one or two of the category's elements.
  const elementIds = scene.monitoringElements.map((element) => element.id);
  const first = rng.int(0, elementIds.length - 1);
  const watched = [elementIds[first] as string];
  if (elementIds.length > 1 && rng.chance(0.4))
    watched.push(elementIds[(first + 1) % elementIds.length] as string);
  return {
    index,
    id: `${scene.id}-D${String(numberInScene + 1).padStart(4, '0')}`,
    sceneId: scene.id,
    code: `PD${CATEGORY_CODES[category.id]}${String(seed % 100).padStart(2, '0')}${String(index + 1).padStart(6, '0')}`,
    name: `${facility} ${model.split(' ')[0] ?? model}`,
    model,
    elementIds: watched,
    street: where.name,
    address: facility,
    lng: round(where.lng + rng.between(-0.02, 0.02), 5),
    lat: round(where.lat + rng.between(-0.015, 0.015), 5),
    ownerUnit: rng.pick(category.handlerUnits),
    installedAt: new Date(Date.UTC(2022, rng.int(0, 23), rng.int(1, 28), 2)).toISOString(),
  };
}

const LOOP_BY_LEVEL: Record<AlertLevel, Loop> = {
  blue: 'enterprise',
  yellow: 'enterprise',
  orange: 'sector',
  red: 'sector',
};

function buildManual(
  seed: number,
  category: CategorySpec,
  scene: SceneDefinition,
  level: AlertLevel,
): CommandManualDefinition {
  const rng = rngFor(seed, SALT.manual, scene.index, ALERT_LEVELS.indexOf(level));
  const commanders: Commander[] = [];
  if (level === 'red') {
    commanders.push({
      role: '总指挥',
      name: personName(rng),
      title: `${category.department}分管副职`,
      phone: phoneNumber(rng),
    });
  }
  if (level === 'red' || level === 'orange') {
    commanders.push({
      role: '指挥长',
      name: personName(rng),
      title: `${category.department}业务处室负责人`,
      phone: phoneNumber(rng),
    });
  }
  commanders.push({
    role: '现场指挥',
    name: personName(rng),
    title: `${rng.pick(category.handlerUnits)}负责人`,
    phone: phoneNumber(rng),
  });
  const notify = [scene.name, category.department, ...category.handlerUnits];
  if (level === 'red') notify.push('区应急管理局综合减灾处');
  return {
    id: `${scene.id}:${level}`,
    sceneId: scene.id,
    level,
    handlingLimitHours: category.handlingLimitHours[level],
    loop: LOOP_BY_LEVEL[level],
    commanders,
    responseMeasures: [...category.measures],
    notify,
    updatedAt: new Date(Date.UTC(2023, 10, rng.int(1, 30), 2)).toISOString(),
  };
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

const LUNAR_NEW_YEAR: Record<number, string> = {
  2023: '01-22',
  2024: '02-10',
  2025: '01-29',
  2026: '02-17',
  2027: '02-06',
  2028: '01-26',
  2029: '02-13',
  2030: '02-03',
};
const DRAGON_BOAT: Record<number, string> = {
  2023: '06-22',
  2024: '06-10',
  2025: '05-31',
  2026: '06-19',
  2027: '06-09',
  2028: '05-28',
  2029: '06-16',
  2030: '06-05',
};

/** Key periods (重点时段) of one calendar year, in Shanghai time. */
export function keyPeriodsOfYear(year: number): KeyPeriodDefinition[] {
  const periods: KeyPeriodDefinition[] = [];
  const add = (
    slug: string,
    name: string,
    kind: KeyPeriodKind,
    start: string,
    days: number,
    leadDepartment: string,
  ): void => {
    const startsAt = shanghaiMidnight(`${year}-${start}`);
    periods.push({
      id: `KP-${year}-${slug}`,
      name: `${year}年${name}`,
      kind,
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(startsAt + days * 86_400_000 - 1000).toISOString(),
      leadDepartment,
    });
  };
  add('flood', '汛期', 'floodSeason', '06-01', 122, '区防汛防台指挥部');
  add('typhoon', '台风集中期', 'typhoonSeason', '07-01', 92, '区防汛防台指挥部');
  add('freezing', '雨雪冰冻期', 'freezingPeriod', '12-15', 76, '区应急管理局综合减灾处');
  add('newyear', '元旦', 'holiday', '01-01', 3, '区应急管理局应急指挥中心');
  const lunar = LUNAR_NEW_YEAR[year];
  if (lunar) add('spring', '春节', 'holiday', shiftDate(year, lunar, -1), 8, '区应急管理局应急指挥中心');
  add('qingming', '清明节', 'holiday', '04-04', 3, '区应急管理局应急指挥中心');
  add('labour', '劳动节', 'holiday', '05-01', 5, '区应急管理局应急指挥中心');
  const dragon = DRAGON_BOAT[year];
  if (dragon) add('dragonboat', '端午节', 'holiday', dragon, 3, '区应急管理局应急指挥中心');
  add('national', '国庆节', 'holiday', '10-01', 7, '区应急管理局应急指挥中心');
  add('lujiazui-forum', '陆家嘴论坛', 'majorEvent', '06-18', 3, '区应急管理局应急指挥中心');
  add('ciie', '中国国际进口博览会', 'majorEvent', '11-05', 6, '区应急管理局应急指挥中心');
  return periods;
}

/** Milliseconds of 00:00 Asia/Shanghai (UTC+8, no daylight saving) on an ISO date. */
export function shanghaiMidnight(isoDate: string): number {
  return Date.parse(`${isoDate}T00:00:00+08:00`);
}

function shiftDate(year: number, monthDay: string, days: number): string {
  const date = new Date(Date.parse(`${year}-${monthDay}T00:00:00Z`) + days * 86_400_000);
  return date.toISOString().slice(5, 10);
}
