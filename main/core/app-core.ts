import path from 'node:path';
import type Database from 'better-sqlite3';
import {
  queueIds,
  type ActionRecord,
  type AppInfo,
  type QueueCounts,
  type QueueCountsSnapshot,
  type ShellNotice,
  type ShellStatus,
} from '../../preload/contract';
import { BridgeFailure, createDispatcher, type BridgeHandlers, type Dispatch } from './bridge/dispatcher';
import { createServerClock, systemClockSources, type ClockSources, type ServerClock } from './clock';
import type { WorkstationConfig } from './config';
import { cacheMigrations } from './db/migrations';
import { openCacheDatabase } from './db/open-database';
import { EventHub } from './events';
import type { Logger } from './logger';
import { dataPaths } from './paths';
import { PreferencesStore } from './preferences';
import { QueueReader, type QueueThresholds } from './queues';
import {
  createRulesEngine,
  loadRulesConfig,
  startRulesSchedule,
  type RulesConfig,
  type RulesEngine,
  type RulesSchedule,
} from './rules';
import { CentralClient, CentralError } from './sync/central-client';
import { ActionRejectedLocally, Outbox, type OutboxEntry } from './sync/outbox';
import { readSession, signIn, signOut } from './sync/session';
import { createInlineSyncHost, createWorkerSyncHost, type SyncHost } from './sync/sync-host';

export const PLATFORM_TIME_ZONE = 'Asia/Shanghai';
export const CACHE_FILE_NAME = 'cache.db';

const emptyQueueCounts = (): QueueCounts => Object.fromEntries(queueIds.map((id) => [id, 0])) as QueueCounts;

/** The queues' filters follow the rules in force (a site may change the thresholds). */
function queueThresholds(config: RulesConfig): QueueThresholds {
  const firstStageHours = (stages: readonly { afterHours: number }[]): number => stages[0]?.afterHours ?? 0;
  const hour = 3_600_000;
  return {
    undispatchedAfterMs: firstStageHours(config.rules.undispatched.stages) * hour,
    overdueClosureAfterMs: firstStageHours(config.rules['overdue-closure'].stages) * hour,
    silentSceneAfterMs: firstStageHours(config.rules['scene-silent'].stages) * hour,
    syncRateBelow: config.rules['sync-rate-low'].minRate,
  };
}

/** During the initial sync pages commit many times a second; the rules need not run after every one. */
const RULES_AFTER_SYNC_MIN_INTERVAL_MS = 1_000;

export interface CoreOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  demo: boolean;
  version: string;
  config: WorkstationConfig;
  logger: Logger;
  clockSources?: ClockSources;
  fetch?: typeof globalThis.fetch;
  /** Where the sync engine runs: a worker thread (the app) or this thread (tests and tools). */
  sync?: { kind: 'worker'; workerScript: string } | { kind: 'inline' };
}

export interface Core {
  readonly dispatch: Dispatch;
  readonly events: EventHub;
  readonly clock: ServerClock;
  start(): void;
  stop(): Promise<void>;
  /** The status snapshot as the status bar shows it. */
  status(): ShellStatus;
}

const toIso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function toActionRecord(entry: OutboxEntry): ActionRecord {
  return {
    mutationId: entry.mutationId,
    name: entry.name,
    args: entry.args,
    createdAt: entry.createdAt,
    operatorId: entry.operatorId,
    operatorName: entry.operatorName,
    state: entry.state,
    attempts: entry.attempts,
    lastError: entry.lastError,
    rejectedCode: entry.rejectedCode,
    rejectedMessage: entry.rejectedMessage,
  };
}

/** The parts that exist only when a central platform is configured: the cache, its outbox and the sync. */
interface Connected {
  db: Database.Database;
  outbox: Outbox;
  sync: SyncHost;
  client: CentralClient;
  centralUrl: string;
  rules: RulesEngine;
  rulesConfig: RulesConfig;
  queues: QueueReader;
  /** What the operator must be told about the cache and the rules configuration. */
  notices: ShellNotice[];
}

/** Wires the core's parts and serves them through the one dispatcher. Plain Node: no Electron here. */
export function createCore(options: CoreOptions): Core {
  const { config, logger } = options;
  const clockSources = options.clockSources ?? systemClockSources;
  const clock = createServerClock(clockSources);
  const events = new EventHub();
  const paths = dataPaths(options.dataDir);
  const preferences = new PreferencesStore(paths.preferences, (message) => logger.warn(message));
  const startedAtMs = clock.now();

  const connected = config.centralUrl === null ? null : connect(config.centralUrl);
  let rulesSchedule: RulesSchedule | null = null;
  let lastRulesRunMs = Number.NEGATIVE_INFINITY;

  function connect(centralUrl: string): Connected {
    const dbFile = path.join(options.dataDir, CACHE_FILE_NAME);
    const opened = openCacheDatabase(dbFile, {
      migrations: cacheMigrations,
      now: () => new Date(clock.now()),
      warn: (message) => logger.warn(message),
    });
    const syncOptions = {
      dbFile,
      centralUrl,
      logger,
      pollIntervalMs: config.pollIntervalMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    };
    const sync =
      options.sync?.kind === 'worker'
        ? createWorkerSyncHost({ ...syncOptions, workerScript: options.sync.workerScript })
        : createInlineSyncHost({ ...syncOptions, clock, monoNow: clockSources.monoNow });
    const client = new CentralClient({
      baseUrl: centralUrl,
      fetch: options.fetch ?? globalThis.fetch,
      monoNow: clockSources.monoNow,
      timeoutMs: 15_000,
      maxBodyBytes: 1024 * 1024,
      // The sync engine's requests define the network state; a sign-in's outcome reaches the operator directly.
      onOutcome: () => undefined,
    });
    const rulesLoaded = loadRulesConfig(path.join(options.dataDir, 'rules.json'));
    for (const warning of rulesLoaded.warnings) logger.warn(warning);
    return {
      db: opened.db,
      outbox: new Outbox(opened.db),
      sync,
      client,
      centralUrl,
      rules: createRulesEngine({ db: opened.db, clock, config: rulesLoaded.config, logger }),
      rulesConfig: rulesLoaded.config,
      queues: new QueueReader(opened.db, queueThresholds(rulesLoaded.config)),
      notices: [
        ...(opened.movedAsideTo
          ? [
              {
                kind: 'cacheRebuilt' as const,
                movedTo: opened.movedAsideTo,
                recoveredActions: opened.recoveredActions,
              },
            ]
          : []),
        ...rulesLoaded.warnings.map((detail) => ({ kind: 'rulesOverrideRefused' as const, detail })),
      ],
    };
  }

  function status(): ShellStatus {
    if (connected === null) {
      return {
        connection: {
          state: 'unconfigured',
          since: new Date(startedAtMs).toISOString(),
          centralUrl: null,
          lastError: null,
        },
        sync: null,
        sessionExpired: false,
        notices: [],
        lastSyncAt: null,
        serverTime: clock.isSynchronised() ? new Date(clock.now()).toISOString() : null,
        pendingActions: 0,
        rejectedActions: 0,
        operator: null,
      };
    }
    const snapshot = connected.sync.snapshot();
    const session = readSession(connected.db);
    const outbox = connected.outbox.counts();
    return {
      connection: {
        state: snapshot?.network.state ?? 'offline',
        since: new Date(snapshot?.network.sinceMs ?? startedAtMs).toISOString(),
        centralUrl: connected.centralUrl,
        lastError: snapshot?.network.lastError ?? snapshot?.lastError ?? null,
      },
      sync: snapshot
        ? {
            stage: snapshot.progress.stage,
            openItemsComplete: snapshot.progress.openItemsComplete,
            recordsApplied: snapshot.progress.recordsApplied,
            bytesReceived: snapshot.progress.bytesReceived,
            rowsPerSecond: snapshot.progress.rowsPerSecond,
          }
        : null,
      sessionExpired: session !== null && session.token === null,
      notices: connected.notices,
      lastSyncAt: toIso(snapshot?.lastSuccessMs ?? null),
      serverTime: clock.isSynchronised() ? new Date(clock.now()).toISOString() : null,
      pendingActions: outbox.pending,
      rejectedActions: outbox.rejected,
      operator: session
        ? { id: session.operator.id, name: session.operator.name, role: session.operator.role }
        : null,
    };
  }

  const countsSnapshot = (): QueueCountsSnapshot => {
    if (connected === null) return { counts: emptyQueueCounts(), dataAsOf: null };
    // A badge counts exactly the rows its queue shows: both come from the same query.
    const now = clock.now();
    return {
      counts: Object.fromEntries(queueIds.map((id) => [id, connected.queues.count(id, now)])) as QueueCounts,
      dataAsOf: toIso(connected.rules.dataAsOfMs()),
    };
  };

  /** Evaluates the rules now and tells every window the new counts. */
  const runRules = (): void => {
    if (connected === null) return;
    lastRulesRunMs = clockSources.monoNow();
    connected.rules.tick();
    events.emit('queueCounts', countsSnapshot());
  };

  const requireConnected = (): Connected => {
    if (connected === null) {
      throw new BridgeFailure('UNAVAILABLE', 'no central platform is configured (see README: config.json)');
    }
    return connected;
  };

  /** The signed-in operator: actions need one, even offline and with an expired token. */
  const requireOperator = (parts: Connected) => {
    const session = readSession(parts.db);
    if (session === null) throw new BridgeFailure('NOT_SIGNED_IN', 'sign in before taking actions');
    return session.operator;
  };

  const clientIdOf = (db: Database.Database): string =>
    (db.prepare('SELECT client_id FROM sync_state WHERE id = 1').get() as { client_id: string }).client_id;

  const actionsChanged = (parts: Connected): void => {
    parts.sync.kickPush();
    events.emit('status', status());
    events.emit('queueCounts', countsSnapshot());
  };

  const refusedLocally = (error: unknown): never => {
    if (error instanceof ActionRejectedLocally) throw new BridgeFailure('ACTION_REFUSED', error.message);
    throw error;
  };

  const handlers: BridgeHandlers = {
    getAppInfo: () => ({
      name: 'DutyDesk',
      version: options.version,
      mode: options.mode,
      demo: options.demo,
      dataDir: options.dataDir,
      platformTimeZone: PLATFORM_TIME_ZONE,
    }),
    getStatus: () => status(),
    getQueueCounts: () => countsSnapshot(),
    getPreferences: () => preferences.get(),
    setPreferences: (patch) => {
      const next = preferences.update(patch);
      events.emit('preferences', next);
      return next;
    },
    signIn: async (credentials) => {
      const parts = requireConnected();
      try {
        const session = await signIn(parts.client, parts.db, clock, credentials);
        parts.sync.sessionRenewed();
        events.emit('status', status());
        return { id: session.operator.id, name: session.operator.name, role: session.operator.role };
      } catch (error) {
        if (error instanceof CentralError) {
          if (error.failure.kind === 'unauthorized') {
            throw new BridgeFailure(
              'SIGN_IN_REFUSED',
              'the central platform refused the username or password',
            );
          }
          throw new BridgeFailure('UNAVAILABLE', `sign-in failed: ${error.message}`);
        }
        throw error;
      }
    },
    signOut: () => {
      signOut(requireConnected().db);
      events.emit('status', status());
      return null;
    },
    submitAction: ({ name, args }) => {
      const parts = requireConnected();
      const operator = requireOperator(parts);
      try {
        const entry = parts.db.transaction(() => {
          const queued = parts.outbox.enqueue({
            name,
            args,
            operator: { id: operator.id, name: operator.name },
            at: new Date(clock.now()).toISOString(),
            clientId: clientIdOf(parts.db),
          });
          // Issuing a prompt the rules raised here moves it to `issued` in the same transaction as its
          // outbox entry: either both happen or neither.
          if (queued.name === 'issueWorkPrompt') {
            const promptId = (queued.args as { promptId: string }).promptId;
            if (parts.rules.getPrompt(promptId) !== null) {
              const issued = parts.rules.markIssued(promptId, operator.id);
              if (!issued.ok) throw new ActionRejectedLocally(issued.error.message);
            }
          }
          return queued;
        })();
        actionsChanged(parts);
        return toActionRecord(entry);
      } catch (error) {
        return refusedLocally(error);
      }
    },
    listUnfinishedActions: () => (connected ? connected.outbox.unfinished().map(toActionRecord) : []),
    retryAction: ({ mutationId, args }) => {
      const parts = requireConnected();
      const operator = requireOperator(parts);
      try {
        const entry = parts.outbox.retryEdited(
          mutationId,
          args,
          { id: operator.id, name: operator.name },
          new Date(clock.now()).toISOString(),
          clientIdOf(parts.db),
        );
        actionsChanged(parts);
        return toActionRecord(entry);
      } catch (error) {
        return refusedLocally(error);
      }
    },
    getQueuePage: ({ queue, offset, limit }) => {
      if (connected === null) return { rows: [], total: 0, dataAsOf: null };
      const now = clock.now();
      const lastSync = connected.db.prepare('SELECT last_success_at FROM sync_state WHERE id = 1').get() as {
        last_success_at: number | null;
      };
      return {
        rows: connected.queues.page(queue, now, offset, limit),
        total: connected.queues.count(queue, now),
        dataAsOf: toIso(lastSync.last_success_at),
      };
    },
    // IN PROGRESS (session 2): each of these is being built by its own change; none is wired to the UI yet.
    getItemDetail: () => {
      throw new BridgeFailure('UNAVAILABLE', 'getItemDetail is not built yet');
    },
    getReadings: () => {
      throw new BridgeFailure('UNAVAILABLE', 'getReadings is not built yet');
    },
    snoozeWorkPrompt: () => {
      throw new BridgeFailure('UNAVAILABLE', 'snoozeWorkPrompt is not built yet');
    },
    dismissWorkPrompt: () => {
      throw new BridgeFailure('UNAVAILABLE', 'dismissWorkPrompt is not built yet');
    },
    getAlarms: () => {
      throw new BridgeFailure('UNAVAILABLE', 'getAlarms is not built yet');
    },
    acknowledgeAlarms: () => {
      throw new BridgeFailure('UNAVAILABLE', 'acknowledgeAlarms is not built yet');
    },
    setAlarmMute: () => {
      throw new BridgeFailure('UNAVAILABLE', 'setAlarmMute is not built yet');
    },
    discardAction: ({ mutationId }) => {
      const parts = requireConnected();
      const operator = requireOperator(parts);
      try {
        parts.outbox.discard(mutationId, { id: operator.id, name: operator.name }, clock.now());
      } catch (error) {
        refusedLocally(error);
      }
      actionsChanged(parts);
      return null;
    },
  };

  connected?.sync.onUpdate((update, _snapshot, offsetMs) => {
    // The worker measures the server clock on its own monotonic origin; the core adopts its offset.
    if (offsetMs !== null && options.sync?.kind === 'worker') clock.adoptOffset(offsetMs);
    events.emit('status', status());
    if (update.kind === 'pageCommitted') {
      // New data: the rules run at once (throttled while the initial sync commits page after page).
      if (clockSources.monoNow() - lastRulesRunMs >= RULES_AFTER_SYNC_MIN_INTERVAL_MS) runRules();
    } else if (update.kind === 'outboxChanged') {
      events.emit('queueCounts', countsSnapshot());
    }
  });

  return {
    dispatch: createDispatcher(handlers, (message, error) => logger.error(message, error)),
    events,
    clock,
    status,
    start: () => {
      if (!connected) return;
      connected.sync.start();
      // The rules run on their own tick and calendar whether or not the network is up.
      rulesSchedule = startRulesSchedule(connected.rules, connected.rulesConfig, {
        logger,
        onTick: () => events.emit('queueCounts', countsSnapshot()),
      });
    },
    stop: async () => {
      if (!connected) return;
      rulesSchedule?.stop();
      await connected.sync.stop();
      connected.db.close();
    },
  };
}
