/**
 * The reference central server: the contract DutyDesk syncs from (openapi.yaml), serving a simulated district.
 *
 * `startCentral` opens (or generates) the district's SQLite file, starts the clock and the generator, and serves
 * the API under /api/v1 on loopback. With `testAdmin` it also serves /api/v1/admin/* to drive the clock, pause
 * generation, raise alerts on demand and inject faults.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { handleAdmin, type AdminContext } from './admin';
import { Sessions, seedDemoAccounts } from './auth';
import { ClockBackwardsError, SimClock } from './clock';
import { buildDistrict, type District } from './district';
import { DAY_MS } from './domain';
import { EventHub } from './events';
import type { HistoryJob } from './history';
import { FaultInjector, type FaultSettings, type FaultableOperation } from './faults';
import { CursorError, headCursor, readPage, serialisePage } from './feed';
import { HttpError, errorReply, json, readJsonBody, sleep, writeReply, type JsonReply } from './http';
import { iso } from './lifecycle';
import type { AlertData } from './entities';
import { MutationProcessor, mutationRequestSchema } from './mutations';
import { alertReadings } from './readings';
import { Simulator, type GenerationReport } from './simulator';
import { Store } from './store';
import { fieldProblems } from './validation';
import { DEMO_ALERTS_PER_DAY, World, rateFactorFor } from './world';

export interface CentralOptions {
  /** 0 picks a free port. */
  port: number;
  /** Seed of the simulated district (deterministic). */
  seed: number;
  /** Where the server keeps its SQLite file; a temporary directory (removed on close) when omitted. */
  dataDir?: string | undefined;
  /** Interface to listen on (loopback unless told otherwise). */
  host?: string | undefined;
  /** Total alerts of the generated history (a large district for benchmarks); about 360 a day when omitted. */
  alerts?: number | undefined;
  /** Days of generated history (default 90). */
  historyDays?: number | undefined;
  /** Serve /api/v1/admin/* (clock, generation, faults, injected alerts); refused with 403 otherwise. */
  testAdmin?: boolean | undefined;
  /** Faults switched on from the start (see faults.ts). */
  faults?: Partial<FaultSettings> | undefined;
  /** The simulated "now" at start (default: the wall clock); giving it always regenerates the district. */
  startTime?: Date | string | number | undefined;
  /** Start with the simulated clock frozen: it then moves only through the admin API. */
  freezeClock?: boolean | undefined;
  /** How often the generator catches up with the clock (real milliseconds, default 1000). */
  tickMs?: number | undefined;
  /** Interval between event-stream heartbeats (real milliseconds, default 15000). */
  heartbeatMs?: number | undefined;
  /**
   * A script that runs `runHistoryWorker()` in a worker thread (the CLI bundle itself): large histories are then
   * generated on every core. Without it, generation runs on the main thread.
   */
  historyWorkerScript?: string | undefined;
  /** Where progress lines go (default: nowhere). */
  log?: ((line: string) => void) | undefined;
}

export interface RunningCentral {
  readonly url: string;
  readonly port: number;
  /** The SQLite file holding the district. */
  readonly dataFile: string;
  /** What generation produced, or null when an existing file was resumed. */
  readonly generation: GenerationReport | null;
  close(): Promise<void>;
}

const DEFAULT_HISTORY_DAYS = 90;
const PARALLEL_HISTORY_ALERTS = 100_000;
const MAX_PAGE = 5000;
const DEFAULT_PAGE = 500;

const changesQuerySchema = z.strictObject({
  cursor: z.string().min(1).max(400).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
  scope: z.enum(['all', 'open']).default('all'),
});

const loginSchema = z.strictObject({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
});

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  operation: FaultableOperation | 'admin';
}

export const ROUTES: readonly Route[] = [
  { method: 'POST', path: '/api/v1/session', operation: 'session' },
  { method: 'GET', path: '/api/v1/changes', operation: 'changes' },
  { method: 'GET', path: '/api/v1/events', operation: 'events' },
  { method: 'POST', path: '/api/v1/mutations', operation: 'mutations' },
  { method: 'GET', path: '/api/v1/time', operation: 'time' },
  { method: 'GET', path: '/api/v1/health', operation: 'health' },
  { method: 'GET', path: '/api/v1/alerts/{alertId}/readings', operation: 'readings' },
  { method: 'GET', path: '/api/v1/admin/state', operation: 'admin' },
  { method: 'POST', path: '/api/v1/admin/clock', operation: 'admin' },
  { method: 'POST', path: '/api/v1/admin/generation', operation: 'admin' },
  { method: 'GET', path: '/api/v1/admin/faults', operation: 'admin' },
  { method: 'PUT', path: '/api/v1/admin/faults', operation: 'admin' },
  { method: 'DELETE', path: '/api/v1/admin/faults', operation: 'admin' },
  { method: 'POST', path: '/api/v1/admin/alerts', operation: 'admin' },
];

/** Whether a route's path (with `{name}` segments) matches a request path; the named segments when it does. */
export function matchRoutePath(pattern: string, pathname: string): Record<string, string> | null {
  const expected = pattern.split('/');
  const actual = pathname.split('/');
  if (expected.length !== actual.length) return null;
  const parameters: Record<string, string> = {};
  for (let index = 0; index < expected.length; index += 1) {
    const part = expected[index] as string;
    const given = actual[index] as string;
    if (part.startsWith('{') && part.endsWith('}')) {
      if (given === '') return null;
      let decoded: string;
      try {
        decoded = decodeURIComponent(given);
      } catch {
        return null;
      }
      parameters[part.slice(1, -1)] = decoded;
    } else if (part !== given) {
      return null;
    }
  }
  return parameters;
}

export async function startCentral(options: CentralOptions): Promise<RunningCentral> {
  validateOptions(options);
  const temporaryDir = options.dataDir ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-central-'));
  try {
    return await launch(options, temporaryDir);
  } catch (error) {
    // A server that did not start leaves nothing behind.
    if (temporaryDir) fs.rmSync(temporaryDir, { recursive: true, force: true });
    throw error;
  }
}

async function launch(options: CentralOptions, temporaryDir: string | null): Promise<RunningCentral> {
  const startedAt = Date.now();
  const log = options.log ?? ((): void => undefined);
  const historyDays = options.historyDays ?? DEFAULT_HISTORY_DAYS;
  const dataDir = options.dataDir ?? (temporaryDir as string);
  fs.mkdirSync(dataDir, { recursive: true });
  const dataFile = path.join(dataDir, 'central.sqlite');

  const profile = JSON.stringify({ seed: options.seed, alerts: options.alerts ?? null, historyDays });
  const deviceScale =
    options.alerts === undefined
      ? 1
      : clamp(Math.sqrt(options.alerts / (DEMO_ALERTS_PER_DAY * historyDays)), 1, 4);
  const district = buildDistrict(options.seed, deviceScale);
  const requestedStart = options.startTime === undefined ? null : new Date(options.startTime).getTime();

  // The clock is needed by the store (to stamp changes) before we know where it starts; it is re-anchored below.
  let clock = new SimClock(requestedStart ?? Date.now(), options.freezeClock ?? false);
  const now = (): number => clock.now();

  let store: Store | null = null;
  let simulator: Simulator | null = null;
  let generation: GenerationReport | null = null;
  if (requestedStart === null) {
    store = Store.open(dataFile, now);
    if (store && store.getMeta('profile') !== profile) {
      store.close();
      store = null;
    }
    if (store) {
      const through = Number(store.getMeta('simulatedThrough'));
      if (Date.now() - through > historyDays * DAY_MS) {
        // Away longer than the whole history: start a fresh district rather than replaying months.
        store.close();
        store = null;
      } else {
        clock = new SimClock(Math.max(Date.now(), through), options.freezeClock ?? false);
        simulator = Simulator.resume(store, new World(district, Number(store.getMeta('rateFactor'))));
        simulator.advanceTo(clock.now());
        log(`resumed the district in ${dataFile} (feed head ${store.head})`);
      }
    }
  }
  if (!store || !simulator) {
    removeDatabase(dataFile);
    store = Store.create(dataFile, now);
    const start = clock.now();
    const alertsPerDay = options.alerts === undefined ? DEMO_ALERTS_PER_DAY : options.alerts / historyDays;
    const rateFactor = rateFactorFor(district, alertsPerDay, start - historyDays * DAY_MS, start);
    const job: HistoryJob = {
      seed: options.seed,
      deviceScale,
      rateFactor,
      start: start - historyDays * DAY_MS,
      now: start,
    };
    // Worker threads pay off for large districts only: starting them costs more than a demo's history.
    const parallel =
      options.historyWorkerScript && alertsPerDay * historyDays >= PARALLEL_HISTORY_ALERTS
        ? { script: options.historyWorkerScript }
        : null;
    const generated = await Simulator.generate(store, new World(district, rateFactor), job, parallel);
    simulator = generated.simulator;
    generation = generated.report;
    await seedDemoAccounts(store);
    // Written last: a file without it (generation interrupted) is regenerated rather than resumed.
    store.setMeta('profile', profile);
    log(
      `generated ${generation.alerts} alerts, ${generation.devices} devices, ${generation.scenes} scenes ` +
        `(${generation.feedRows} feed entries) in ${generation.milliseconds} ms ` +
        `(storing ${generation.storeMilliseconds} ms, indexing ${generation.indexMilliseconds} ms` +
        `${parallel ? ', chunks made by worker threads' : ''})`,
    );
  }

  const faults = new FaultInjector(options.seed, options.faults);
  const sessions = new Sessions(store, district.operators, () => faults.tokenLifetimeMs);
  const mutations = new MutationProcessor(store, district);
  const activeStore = store;
  const activeSimulator = simulator;
  const hub = new EventHub({
    heartbeatMs: options.heartbeatMs ?? 15_000,
    shouldStall: () => faults.stallEvents,
    onStall: () => faults.noteFired('stallEvents'),
    serverTime: () => iso(clock.now()),
    headCursor: () => headCursor(activeStore),
  });

  const tick = (): void => {
    try {
      if (activeSimulator.advanceTo(clock.now())) hub.poke();
    } catch (error) {
      log(
        `generator tick failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  };
  const ticker = setInterval(tick, options.tickMs ?? 1000);
  ticker.unref();

  const admin: AdminContext = {
    clock: () => clock,
    simulator: activeSimulator,
    store: activeStore,
    faults,
    hub,
    district,
  };
  const context: RequestContext = {
    options,
    startedAt,
    clock: () => clock,
    store: activeStore,
    district,
    faults,
    sessions,
    mutations,
    hub,
    admin,
  };

  const server = http.createServer((request, response) => {
    handleRequest(context, request, response).catch((error: unknown) => {
      log(`request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!response.headersSent) {
        void writeReply(
          response,
          errorReply(new HttpError(500, 'INTERNAL_ERROR', 'the server failed; see its log')),
          null,
        );
      } else {
        response.destroy();
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (error) {
    clearInterval(ticker);
    hub.close();
    activeStore.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  let closed = false;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    dataFile,
    generation,
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(ticker);
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      activeStore.close();
      if (temporaryDir) fs.rmSync(temporaryDir, { recursive: true, force: true });
    },
  };
}

interface RequestContext {
  options: CentralOptions;
  startedAt: number;
  clock: () => SimClock;
  store: Store;
  district: District;
  faults: FaultInjector;
  sessions: Sessions;
  mutations: MutationProcessor;
  hub: EventHub;
  admin: AdminContext;
}

async function handleRequest(
  context: RequestContext,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://central.invalid');
  const route = ROUTES.find(
    (candidate) =>
      matchRoutePath(candidate.path, url.pathname) !== null && candidate.method === request.method,
  );
  if (!route) {
    const allowed = ROUTES.filter((candidate) => matchRoutePath(candidate.path, url.pathname) !== null).map(
      (candidate) => candidate.method,
    );
    const error =
      allowed.length > 0
        ? new HttpError(
            405,
            'METHOD_NOT_ALLOWED',
            `${url.pathname} accepts ${allowed.join(', ')}`,
            undefined,
            {
              allow: allowed.join(', '),
            },
          )
        : new HttpError(404, 'NOT_FOUND', `no route ${request.method ?? ''} ${url.pathname}`);
    request.resume();
    await writeReply(response, errorReply(error), null);
    return;
  }

  if (route.operation === 'admin') {
    if (!context.options.testAdmin) {
      request.resume();
      await writeReply(
        response,
        errorReply(
          new HttpError(
            403,
            'ADMIN_DISABLED',
            'the admin API is only served when the server runs with --test-admin',
          ),
        ),
        null,
      );
      return;
    }
    await writeReply(response, await adminReply(context, route, request, url), null);
    return;
  }

  const operation = route.operation;
  const { faults } = context;
  const latency = faults.latencyFor(operation);
  if (latency > 0) await sleep(latency);
  if (faults.serverError(operation)) {
    request.resume();
    await writeReply(
      response,
      errorReply(new HttpError(500, 'INJECTED_FAULT', 'injected fault: the server answered 500')),
      null,
    );
    return;
  }
  if (operation === 'events') {
    const failure = authenticate(context, request);
    if (failure) {
      await writeReply(response, failure, null);
      return;
    }
    context.hub.open(response);
    return;
  }
  let reply: JsonReply;
  try {
    reply = await operationReply(context, operation, request, url, route);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    reply = errorReply(error);
  }
  // Faults that damage a body are applied to successful answers only: a client's error handling is tested by the
  // 500 fault, its parser and size limits by these.
  await writeReply(response, reply, reply.status === 200 ? faults.responseFault(operation) : null);
}

async function operationReply(
  context: RequestContext,
  operation: Exclude<FaultableOperation, 'events'>,
  request: http.IncomingMessage,
  url: URL,
  route: Route,
): Promise<JsonReply> {
  const serverTime = iso(context.clock().now());
  switch (operation) {
    case 'health':
      return json(200, {
        status: 'ok',
        uptimeSeconds: Math.round((Date.now() - context.startedAt) / 1000),
        serverTime,
      });
    case 'time':
      return json(200, { serverTime });
    case 'session': {
      const parsed = loginSchema.safeParse(await readJsonBody(request));
      if (!parsed.success) throw validationError(parsed.error);
      const login = await context.sessions.login(parsed.data.username, parsed.data.password, Date.now());
      if (!login) throw new HttpError(401, 'CREDENTIALS_INVALID', 'the username or password is wrong');
      const lifetimeMs = login.session.expiresAt - login.session.issuedAt;
      return json(200, {
        token: login.token,
        tokenType: 'Bearer',
        expiresAt: iso(context.clock().now() + lifetimeMs),
        expiresInSeconds: Math.round(lifetimeMs / 1000),
        operator: login.session.operator,
        serverTime,
      });
    }
    case 'changes': {
      const failure = authenticate(context, request);
      if (failure) return failure;
      const parsed = changesQuerySchema.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) throw validationError(parsed.error);
      try {
        const page = readPage(context.store, parsed.data.cursor, parsed.data.scope, parsed.data.limit);
        return { status: 200, body: serialisePage(page, serverTime) };
      } catch (error) {
        if (error instanceof CursorError) throw new HttpError(410, error.code, error.message);
        throw error;
      }
    }
    case 'readings': {
      const failure = authenticate(context, request);
      if (failure) return failure;
      request.resume();
      const alertId = matchRoutePath(route.path, url.pathname)?.alertId ?? '';
      const alert = context.store.get<AlertData>('alert', alertId);
      if (!alert) throw new HttpError(404, 'NOT_FOUND', `no alert ${alertId}`);
      return json(200, { ...alertReadings(context.district, alert), serverTime });
    }
    case 'mutations': {
      const authentication = context.sessions.authenticate(request.headers.authorization, Date.now());
      if (!authentication.ok)
        return errorReply(new HttpError(401, authentication.code, authentication.message));
      const parsed = mutationRequestSchema.safeParse(await readJsonBody(request));
      if (!parsed.success) throw validationError(parsed.error);
      const results = context.mutations.processBatch(
        parsed.data,
        authentication.session.operator,
        context.clock().now(),
      );
      if (results.some((result) => result.status === 'applied')) context.hub.poke();
      return json(200, {
        results,
        cursor: headCursor(context.store),
        serverTime: iso(context.clock().now()),
      });
    }
  }
}

function authenticate(context: RequestContext, request: http.IncomingMessage): JsonReply | null {
  const result = context.sessions.authenticate(request.headers.authorization, Date.now());
  return result.ok ? null : errorReply(new HttpError(401, result.code, result.message));
}

async function adminReply(
  context: RequestContext,
  route: Route,
  request: http.IncomingMessage,
  url: URL,
): Promise<JsonReply> {
  try {
    const body = route.method === 'POST' || route.method === 'PUT' ? await readJsonBody(request) : undefined;
    if (body === undefined) request.resume();
    return handleAdmin(context.admin, `${route.method} ${url.pathname.replace('/api/v1/admin', '')}`, body);
  } catch (error) {
    if (error instanceof ClockBackwardsError)
      return errorReply(new HttpError(409, 'CLOCK_BACKWARDS', error.message));
    if (error instanceof HttpError) return errorReply(error);
    throw error;
  }
}

export function validationError(error: z.ZodError): HttpError {
  const details = fieldProblems(error);
  return new HttpError(
    400,
    'VALIDATION_FAILED',
    details.map((detail) => `${detail.field}: ${detail.problem}`).join('; '),
    details,
  );
}

function validateOptions(options: CentralOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535)
    problems.push(`port must be 0-65535, got ${options.port}`);
  if (!Number.isSafeInteger(options.seed)) problems.push(`seed must be a whole number, got ${options.seed}`);
  if (
    options.alerts !== undefined &&
    (!Number.isInteger(options.alerts) || options.alerts < 1 || options.alerts > 20_000_000)
  ) {
    problems.push(`alerts must be a whole number from 1 to 20000000, got ${options.alerts}`);
  }
  if (
    options.historyDays !== undefined &&
    (!Number.isInteger(options.historyDays) || options.historyDays < 1 || options.historyDays > 730)
  ) {
    problems.push(`historyDays must be a whole number from 1 to 730, got ${options.historyDays}`);
  }
  if (options.startTime !== undefined && Number.isNaN(new Date(options.startTime).getTime())) {
    problems.push(`startTime must be a date, got ${String(options.startTime)}`);
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
}

function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${file}${suffix}`, { force: true });
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
