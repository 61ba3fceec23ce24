/**
 * The central API's change feed as the client checks it (central/openapi.yaml is the source of truth).
 *
 * Every change is validated before anything is written. Each entity's checks cover strictly the fields
 * the cache copies into columns (what queues and rules filter and sort on) and the fields the UI relies
 * on; the rest of the document is kept as received in `data`. A failure names the entity, its id and
 * the field.
 *
 * The checks are plain functions rather than a schema library: a million-alert initial sync validates
 * every document, and a generic validator cost 25 µs a document there, as much as writing it
 * (bench/sync.ts); these cost about a microsecond.
 */

type Check = (value: unknown) => string | null;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

const string: Check = (value) => (typeof value === 'string' ? null : 'expected a string');
const identifier: Check = (value) =>
  typeof value === 'string' && value.length > 0 && value.length <= 200
    ? null
    : 'expected an id (1-200 characters)';
const digitAt = (text: string, index: number): number => {
  const digit = text.charCodeAt(index) - 48;
  return digit >= 0 && digit <= 9 ? digit : Number.NaN;
};
const twoDigits = (text: string, index: number): number =>
  digitAt(text, index) * 10 + digitAt(text, index + 1);

/**
 * The milliseconds of an ISO 8601 instant as the contract writes it (`2026-11-23T01:00:00.000Z`, a fraction
 * of 1-9 digits, Z or an offset), or NaN when it is not one. Read by hand: a large initial sync reads seven of
 * them per alert, twice (checked, then copied into columns), and a regex with Date.parse cost a tenth of the
 * page fetch thread's time. The same answer as the regex and Date.parse; what is rare (a year before 100, a
 * day the month does not have, hour 24) is left to them.
 */
export function instantMs(text: string): number {
  const length = text.length;
  if (length === 24) {
    const canonical = canonicalInstantMs(text);
    if (!Number.isNaN(canonical)) return canonical;
  }
  if (length < 20 || length > 35) return Number.NaN;
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if (!hasDateTimeSeparators(text)) return Number.NaN;
  let index = 19;
  let millis = 0;
  if (text.charCodeAt(index) === 46) {
    const fractionStart = index + 1;
    index = fractionStart;
    while (index < length && !Number.isNaN(digitAt(text, index))) index += 1;
    const digits = index - fractionStart;
    if (digits < 1 || digits > 9) return Number.NaN;
    // Date.parse keeps the first three digits.
    for (let place = 0; place < 3; place += 1)
      millis = millis * 10 + (place < digits ? digitAt(text, fractionStart + place) : 0);
  }
  let offsetMinutes = 0;
  const zone = text.charCodeAt(index);
  const utc = zone === 90 && index + 1 === length;
  if (!utc) {
    if (!((zone === 43 || zone === 45) && index + 6 === length && text.charCodeAt(index + 3) === 58))
      return Number.NaN;
    const offsetHours = twoDigits(text, index + 1);
    const offsetRest = twoDigits(text, index + 4);
    if (!(offsetHours <= 23 && offsetRest <= 59)) return slowInstantMs(text);
    offsetMinutes = (zone === 43 ? 1 : -1) * (offsetHours * 60 + offsetRest);
  }
  // NaN fails every comparison, so a non-digit anywhere above ends here too.
  if (!isCalendarDate(year, month, day) || !isTimeOfDay(hour, minute, second)) return slowInstantMs(text);
  return utcMs(year, month, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/**
 * An instant in the form toISOString writes (`2026-11-23T01:00:00.000Z`), which is how the platform writes them:
 * every digit read once and checked at once, with no loop over the fraction and no offset. NaN for anything
 * else, which instantMs then reads its own way. With daysSinceEpoch, reading a page of the reference server's
 * took the page fetch thread 6.2 µs a change instead of 6.85 (readPage alone, best of 7 rounds).
 */
function canonicalInstantMs(text: string): number {
  let signs = 0;
  // A digit (0-9) leaves no sign bit in `signs`: neither it nor 9 minus it is negative.
  const digit = (index: number): number => {
    const value = text.charCodeAt(index) - 48;
    signs |= value | (9 - value);
    return value;
  };
  const year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const month = digit(5) * 10 + digit(6);
  const day = digit(8) * 10 + digit(9);
  const hour = digit(11) * 10 + digit(12);
  const minute = digit(14) * 10 + digit(15);
  const second = digit(17) * 10 + digit(18);
  const millis = digit(20) * 100 + digit(21) * 10 + digit(22);
  if (signs < 0 || !hasDateTimeSeparators(text) || text.charCodeAt(19) !== 46 || text.charCodeAt(23) !== 90)
    return Number.NaN;
  // What is rare (see instantMs) goes its way.
  if (!isCalendarDate(year, month, day) || !isTimeOfDay(hour, minute, second)) return Number.NaN;
  return utcMs(year, month, day, hour, minute, second, millis);
}

/** `YYYY-MM-DDTHH:MM:SS` as far as its separators go. */
function hasDateTimeSeparators(text: string): boolean {
  return (
    text.charCodeAt(4) === 45 &&
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 84 &&
    text.charCodeAt(13) === 58 &&
    text.charCodeAt(16) === 58
  );
}

// Every month has a 28th: the month's length is looked up only for the days after it.
const isCalendarDate = (year: number, month: number, day: number): boolean =>
  year >= 100 && month >= 1 && month <= 12 && day >= 1 && (day <= 28 || day <= daysInMonth(year, month));
const isTimeOfDay = (hour: number, minute: number, second: number): boolean =>
  hour <= 23 && minute <= 59 && second <= 59;

/** The milliseconds since the epoch of a UTC date and time whose fields are in range. */
function utcMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
): number {
  return daysSinceEpoch(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar (year 0 or later), as Date.UTC counts
 * them (H. Hinnant's days_from_civil): arithmetic, where Date.UTC is a call into the runtime (an instant read
 * in 91 ns instead of 107).
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  // Counted from March, so that a leap day ends its year.
  const marchYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function slowInstantMs(text: string): number {
  return ISO_INSTANT.test(text) ? Date.parse(text) : Number.NaN;
}

const instant: Check = (value) =>
  typeof value === 'string' && !Number.isNaN(instantMs(value)) ? null : 'expected an ISO 8601 instant';
const nullable =
  (check: Check): Check =>
  (value) =>
    value === null ? null : check(value);
const oneOf = (...options: string[]): Check => {
  const allowed = new Set(options);
  return (value) =>
    typeof value === 'string' && allowed.has(value) ? null : `expected one of ${options.join('|')}`;
};
const rate: Check = (value) =>
  typeof value === 'number' && value >= 0 && value <= 1 ? null : 'expected a number from 0 to 1';
const nonEmpty: Check = (value) =>
  typeof value === 'string' && value.length > 0 ? null : 'expected a non-empty string';

type Shape = Record<string, Check>;

/** An object whose listed fields pass their checks; other fields are kept as they are. */
function object(shape: Shape): Check {
  const entries = Object.entries(shape);
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected an object';
    for (const [field, check] of entries) {
      const problem = check((value as Record<string, unknown>)[field]);
      if (problem !== null) return problem.startsWith('.') ? `.${field}${problem}` : `.${field}: ${problem}`;
    }
    return null;
  };
}

function arrayOf(check: Check): Check {
  return (value) => {
    if (!Array.isArray(value)) return 'expected an array';
    for (let index = 0; index < value.length; index += 1) {
      const problem = check(value[index]);
      if (problem !== null)
        return problem.startsWith('.') ? `[${index}]${problem}` : `[${index}]: ${problem}`;
    }
    return null;
  };
}

const level = oneOf('blue', 'yellow', 'orange', 'red');
const subject = object({ entity: nonEmpty, id: identifier });

const entityShapes = {
  scene: {
    name: string,
    kind: oneOf('scene', 'subplatform', 'regional'),
    category: nonEmpty,
    lastAlertAt: nullable(instant),
    sync: object({ rate: nullable(rate) }),
  },
  device: {
    sceneId: identifier,
    status: oneOf('online', 'offline'),
    offlineSince: nullable(instant),
    infoError: nullable(object({ field: string })),
  },
  alert: {
    sceneId: identifier,
    deviceId: nullable(identifier),
    category: nonEmpty,
    level,
    status: oneOf('pending', 'dispatched', 'handling', 'closed'),
    occurredAt: instant,
    reportedAt: instant,
    handler: nullable(object({ name: string })),
    dispatchedAt: nullable(instant),
    deadlineAt: instant,
    closedAt: nullable(instant),
    loop: oneOf('enterprise', 'sector', 'major'),
    majorLoopKind: nullable(oneOf('emergency', 'risk')),
    verifiedAt: nullable(instant),
    elementIssues: arrayOf(object({ key: string })),
  },
  workOrder: { alertId: identifier, status: nonEmpty, deadlineAt: instant, closedAt: nullable(instant) },
  workPrompt: {
    rule: nonEmpty,
    subject,
    status: oneOf('issued', 'acknowledged', 'resolved'),
    dueAt: instant,
  },
  timelineEntry: { subject, at: instant },
  commandManual: { sceneId: identifier, level },
  keyPeriod: { startsAt: instant, endsAt: instant },
  operator: { name: string, role: oneOf('operator', 'shiftLead') },
  claim: { subject, operatorId: identifier, expiresAt: instant },
  handover: { recordedAt: instant },
} satisfies Record<string, Shape>;

export type EntityName = keyof typeof entityShapes;
export const entityNames = Object.keys(entityShapes) as EntityName[];
const documentChecks = Object.fromEntries(
  entityNames.map((entity) => [entity, object(entityShapes[entity])]),
) as Record<EntityName, Check>;

type Doc = Record<string, unknown>;
type Str = string;
type Instant = string;
type Nullable<T> = T | null;
/** The fields each entity's checks guarantee (the rest of the document is unchecked and kept as received). */
export interface EntityDocuments {
  scene: {
    name: Str;
    kind: Str;
    category: Str;
    lastAlertAt: Nullable<Instant>;
    sync: { rate: number | null };
  };
  device: {
    sceneId: Str;
    status: 'online' | 'offline';
    offlineSince: Nullable<Instant>;
    infoError: Doc | null;
  };
  alert: {
    sceneId: Str;
    deviceId: Nullable<Str>;
    category: Str;
    level: 'blue' | 'yellow' | 'orange' | 'red';
    status: Str;
    occurredAt: Instant;
    reportedAt: Instant;
    handler: Doc | null;
    dispatchedAt: Nullable<Instant>;
    deadlineAt: Instant;
    closedAt: Nullable<Instant>;
    loop: Str;
    majorLoopKind: Nullable<Str>;
    verifiedAt: Nullable<Instant>;
    elementIssues: Doc[];
  };
  workOrder: { alertId: Str; status: Str; deadlineAt: Instant; closedAt: Nullable<Instant> };
  workPrompt: { rule: Str; subject: { entity: Str; id: Str }; status: Str; dueAt: Instant };
  timelineEntry: { subject: { entity: Str; id: Str }; at: Instant };
  commandManual: { sceneId: Str; level: Str };
  keyPeriod: { startsAt: Instant; endsAt: Instant };
  operator: { name: Str; role: Str };
  claim: { subject: { entity: Str; id: Str }; operatorId: Str; expiresAt: Instant };
  handover: { recordedAt: Instant };
}
export type EntityDocument<E extends EntityName> = EntityDocuments[E] & Doc & { id: string; version: number };

export type ValidChange =
  | {
      [E in EntityName]: {
        entity: E;
        op: 'upsert';
        id: string;
        version: number;
        document: EntityDocument<E>;
      };
    }[EntityName]
  | { entity: EntityName; op: 'delete'; id: string; version: number };

export interface ValidPage {
  changes: ValidChange[];
  cursor: string;
  hasMore: boolean;
  phase: 'open' | 'history' | 'live';
  serverTimeMs: number;
  /** The platform's estimate of the changes after this page (optional in the contract), or null. */
  remaining: number | null;
}

export class PageRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PageRejected';
  }
}

function isEntityName(value: unknown): value is EntityName {
  return typeof value === 'string' && Object.hasOwn(entityShapes, value);
}

const PHASES = new Set(['open', 'history', 'live']);

/** Validates a parsed page; throws PageRejected naming the entity, id and field of the first fault. */
export function validatePage(body: unknown): ValidPage {
  if (typeof body !== 'object' || body === null) throw new PageRejected('the page is not a JSON object');
  const page = body as Doc;
  if (!Array.isArray(page.changes))
    throw new PageRejected('the page is malformed at .changes: expected an array');
  const meta = validatePageMeta(page);
  const changes: ValidChange[] = new Array<ValidChange>(page.changes.length);
  for (let index = 0; index < page.changes.length; index += 1)
    changes[index] = validateChange(page.changes[index], index);
  return { changes, ...meta };
}

/** Validates a page's members other than its changes (checked to be an array before). */
export function validatePageMeta(page: Doc): Omit<ValidPage, 'changes'> {
  if (typeof page.cursor !== 'string' || page.cursor.length === 0 || page.cursor.length > 1000) {
    throw new PageRejected('the page is malformed at .cursor: expected a cursor string');
  }
  if (typeof page.hasMore !== 'boolean')
    throw new PageRejected('the page is malformed at .hasMore: expected a boolean');
  if (page.phase !== undefined && !PHASES.has(page.phase as string)) {
    throw new PageRejected('the page is malformed at .phase: expected open|history|live');
  }
  if (instant(page.serverTime) !== null)
    throw new PageRejected('the page is malformed at .serverTime: expected an ISO 8601 instant');
  return {
    cursor: page.cursor,
    hasMore: page.hasMore,
    phase: (page.phase as ValidPage['phase'] | undefined) ?? 'live',
    serverTimeMs: instantMs(page.serverTime as string),
    // Only an estimate for the progress bar: a value that makes no sense is ignored, the page is not refused.
    remaining:
      typeof page.remaining === 'number' && Number.isSafeInteger(page.remaining) && page.remaining >= 0
        ? page.remaining
        : null,
  };
}

/** Validates the page's change at `index`; throws PageRejected naming its entity, id and field. */
export function validateChange(raw: unknown, index: number): ValidChange {
  if (typeof raw !== 'object' || raw === null) throw new PageRejected(`change [${index}] is not an object`);
  const { entity, op, id, version, data } = raw as Doc;
  if (identifier(id) !== null)
    throw new PageRejected(`change [${index}]: id: expected an id (1-200 characters)`);
  const label = `${typeof entity === 'string' ? entity : 'change'} ${id as string}`;
  if (!isEntityName(entity)) throw new PageRejected(`${label}: unknown entity "${String(entity)}"`);
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new PageRejected(`${label}: version: expected a whole number`);
  }
  if (op === 'delete') return { entity, op, id: id as string, version };
  if (op !== 'upsert') throw new PageRejected(`${label}: op: expected upsert|delete`);
  const problem = documentChecks[entity](data);
  if (problem !== null) {
    const field = problem.startsWith('.') ? problem.slice(1) : `(data): ${problem}`;
    throw new PageRejected(`${label}: field ${field}`);
  }
  const document = data as EntityDocument<typeof entity>;
  // The document's own id and version are the change's (a server that disagrees with itself is refused).
  if (document.id !== id || document.version !== version) {
    throw new PageRejected(`${label}: field id/version: the document disagrees with its change`);
  }
  return { entity, op, id, version, document } as ValidChange;
}
