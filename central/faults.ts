/**
 * Fault injection: the ways a real platform and the network between fail, so that the client's sync engine can
 * be tested against each. Every fault is off by default, can be set at start (`--faults key=value,...`) or through
 * the admin API, and switched off again. Probabilistic faults draw from a generator seeded by the district seed,
 * so a test run is reproducible.
 */
import { z } from 'zod';
import { Rng, hash32 } from './random';
import { describeProblems, fieldProblems } from './validation';

/** Operations faults can apply to; admin routes never see faults. */
export const FAULTABLE_OPERATIONS = [
  'session',
  'changes',
  'events',
  'mutations',
  'time',
  'health',
  'readings',
] as const;
export type FaultableOperation = (typeof FAULTABLE_OPERATIONS)[number];

const rate = z.number().min(0).max(1);

export const faultSettingsSchema = z.strictObject({
  /** Added before answering, in milliseconds. */
  latencyMs: z.int().min(0).max(120_000),
  /** Share of requests answered 500 INJECTED_FAULT before anything is done. */
  serverErrorRate: rate,
  /** Share of responses whose connection is destroyed halfway through the body. */
  dropMidBodyRate: rate,
  /** Share of JSON responses whose body is syntactically broken (a trailing comma before the last brace). */
  malformedJsonRate: rate,
  /** Share of JSON responses cut short: a complete HTTP message whose JSON ends too early. */
  truncatedJsonRate: rate,
  /** Share of GET /changes answers padded with whitespace to `oversizedBodyBytes` (valid JSON, absurd size). */
  oversizedBodyRate: rate,
  oversizedBodyBytes: z
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024),
  /** Share of POST /mutations requests that are committed and then answered by a dropped connection. */
  lostMutationResponseRate: rate,
  /** When set, sessions expire this many seconds after login (existing sessions included). */
  tokenLifetimeSeconds: z.int().min(0).max(86_400).nullable(),
  /** Event streams stop sending (no pokes, no heartbeats) without closing; streams stalled stay stalled. */
  stallEvents: z.boolean(),
  /** Which operations the faults above apply to; token expiry applies wherever a token is checked. */
  operations: z.array(z.enum(FAULTABLE_OPERATIONS)).min(1),
});
export type FaultSettings = z.infer<typeof faultSettingsSchema>;

export const NO_FAULTS: FaultSettings = {
  latencyMs: 0,
  serverErrorRate: 0,
  dropMidBodyRate: 0,
  malformedJsonRate: 0,
  truncatedJsonRate: 0,
  oversizedBodyRate: 0,
  oversizedBodyBytes: 64 * 1024 * 1024,
  lostMutationResponseRate: 0,
  tokenLifetimeSeconds: null,
  stallEvents: false,
  // Health stays out by default so that an orchestrator can still tell the server is up.
  operations: ['session', 'changes', 'events', 'mutations', 'time', 'readings'],
};

/** Validates a partial update (admin PUT body or start flags). */
export function parseFaultUpdate(
  input: unknown,
): { ok: true; update: Partial<FaultSettings> } | { ok: false; message: string } {
  const parsed = faultSettingsSchema.partial().safeParse(input);
  if (!parsed.success) return { ok: false, message: describeProblems(fieldProblems(parsed.error)) };
  return { ok: true, update: parsed.data };
}

/** `latencyMs=200,serverErrorRate=0.1,stallEvents=true,operations=changes+mutations` -> a partial update. */
export function parseFaultFlag(flag: string): Partial<FaultSettings> {
  const raw: Record<string, unknown> = {};
  for (const pair of flag.split(',').filter((part) => part.trim() !== '')) {
    const [key, value] = pair.split('=').map((part) => part.trim());
    if (!key || value === undefined) throw new Error(`--faults: "${pair}" is not key=value`);
    if (key === 'operations') raw[key] = value.split('+');
    else if (value === 'true' || value === 'false') raw[key] = value === 'true';
    else if (value === 'null') raw[key] = null;
    else raw[key] = Number(value);
  }
  const result = parseFaultUpdate(raw);
  if (!result.ok) throw new Error(`--faults: ${result.message}`);
  return result.update;
}

/** What to do to one response. */
export interface ResponseFault {
  dropMidBody: boolean;
  malformed: boolean;
  truncated: boolean;
  oversized: boolean;
  /** Size of an oversized body, in bytes. */
  oversizedBytes: number;
  loseMutationResponse: boolean;
}

export class FaultInjector {
  #settings: FaultSettings = { ...NO_FAULTS };
  readonly #rng: Rng;
  /** How many times each fault actually fired: lets tests and operators see that a fault happens. */
  readonly fired: Record<string, number> = {};

  constructor(seed: number, initial: Partial<FaultSettings> = {}) {
    this.#rng = new Rng(hash32(seed, 0xfa17));
    this.update(initial);
  }

  get settings(): FaultSettings {
    return { ...this.#settings, operations: [...this.#settings.operations] };
  }

  update(update: Partial<FaultSettings>): FaultSettings {
    this.#settings = { ...this.#settings, ...update };
    return this.settings;
  }

  reset(): FaultSettings {
    this.#settings = { ...NO_FAULTS };
    return this.settings;
  }

  applies(operation: FaultableOperation): boolean {
    return this.#settings.operations.includes(operation);
  }

  latencyFor(operation: FaultableOperation): number {
    if (!this.applies(operation) || this.#settings.latencyMs === 0) return 0;
    this.#count('latency');
    return this.#settings.latencyMs;
  }

  serverError(operation: FaultableOperation): boolean {
    return this.applies(operation) && this.#roll(this.#settings.serverErrorRate, 'serverError');
  }

  /** Decides the faults for one response of `operation` (which is already known to be faultable). */
  responseFault(operation: FaultableOperation): ResponseFault {
    const none: ResponseFault = {
      dropMidBody: false,
      malformed: false,
      truncated: false,
      oversized: false,
      oversizedBytes: this.#settings.oversizedBodyBytes,
      loseMutationResponse: false,
    };
    if (!this.applies(operation)) return none;
    const settings = this.#settings;
    return {
      oversizedBytes: settings.oversizedBodyBytes,
      loseMutationResponse:
        operation === 'mutations' && this.#roll(settings.lostMutationResponseRate, 'lostMutationResponse'),
      oversized: operation === 'changes' && this.#roll(settings.oversizedBodyRate, 'oversizedBody'),
      dropMidBody: this.#roll(settings.dropMidBodyRate, 'dropMidBody'),
      malformed: this.#roll(settings.malformedJsonRate, 'malformedJson'),
      truncated: this.#roll(settings.truncatedJsonRate, 'truncatedJson'),
    };
  }

  get stallEvents(): boolean {
    return this.#settings.stallEvents && this.applies('events');
  }

  get tokenLifetimeMs(): number | null {
    return this.#settings.tokenLifetimeSeconds === null ? null : this.#settings.tokenLifetimeSeconds * 1000;
  }

  noteFired(name: string): void {
    this.#count(name);
  }

  #roll(probability: number, name: string): boolean {
    if (probability <= 0) return false;
    const hit = probability >= 1 || this.#rng.next() < probability;
    if (hit) this.#count(name);
    return hit;
  }

  #count(name: string): void {
    this.fired[name] = (this.fired[name] ?? 0) + 1;
  }
}
