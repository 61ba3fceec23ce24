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
  type SyncProgress,
} from '../../preload/contract';
import { AlarmCentre } from './alarms';
import { BridgeFailure, createDispatcher, type BridgeHandlers, type Dispatch } from './bridge/dispatcher';
import { createServerClock, systemClockSources, type ClockSources, type ServerClock } from './clock';
import type { WorkstationConfig } from './config';
import { cacheMigrations } from './db/migrations';
import { openCacheDatabase } from './db/open-database';
import { EventHub } from './events';
import { ItemDetailReader } from './item-detail';
import type { Logger } from './logger';
import { dataPaths } from './paths';
import { PreferencesStore } from './preferences';
import { dismissPrompt, queueAction, retryAction as retryQueuedAction, snoozePrompt } from './prompt-actions';
import { throttle } from './throttle';
import { QueueReader, type QueueThresholds } from './queues';
import { ReadingsService, ReadingsUnknown } from './readings';
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
import { createWriteGate, gateTransactions } from './db/write-gate';

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
/** The queue counts (and the grids that refresh with them) after a committed page. */
const COUNTS_AFTER_SYNC_MIN_INTERVAL_MS = 200;
/**
 * The same while the initial sync pulls the history: its pages hold closed items (and the odd deletion), the
 * queues hardly move, and counting every queue five times a second took about 3 s of the core's 75 s of CPU
 * over a million-alert sync (bench/sync.ts), CPU the sync itself needs on two cores.
 */
const COUNTS_DURING_HISTORY_MIN_INTERVAL_MS = 1_000;

/** Whether the initial sync is pulling the history: the open items are all in, the sync not yet live. */
export function pullingHistory(progress: Pick<SyncProgress, 'stage' | 'openItemsComplete'>): boolean {
  return progress.stage === 'initial' && progress.openItemsComplete;
}

/**
 * What a committed page sets going: the queue counts at the pace of the sync's stage, and the rules unless the
 * page is history (see the page handler in createCore).
 */
export function afterPageCommitted(progress: Pick<SyncProgress, 'stage' | 'openItemsComplete'>): {
  counts: 'soon' | 'duringHistory';
  rules: boolean;
} {
  const history = pullingHistory(progress);
  return { counts: history ? 'duringHistory' : 'soon', rules: !history };
}

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

/** While the initial sync runs: the records it should apply in all and the time left, from the platform's estimate. */
export function initialSyncEstimate(progress: {
  stage: 'initial' | 'live';
  recordsApplied: number;
  recordsRemaining: number | null;
  rowsPerSecond: number | null;
}): { recordsTotal: number | null; etaSeconds: number | null } {
  if (progress.stage !== 'initial' || progress.recordsRemaining === null) {
    return { recordsTotal: null, etaSeconds: null };
  }
  const rate = progress.rowsPerSecond;
  return {
    recordsTotal: progress.recordsApplied + progress.recordsRemaining,
    etaSeconds: rate !== null && rate > 0 ? Math.ceil(progress.recordsRemaining / rate) : null,
  };
}

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
  /** Which red and orange alerts sound on this workstation; their acknowledgement and the mute. */
  alarms: AlarmCentre;
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
  // The core's write transactions (actions, rules, alarms) go before the sync worker's next page.
  const writeGate = createWriteGate();

  const connected = config.centralUrl === null ? null : connect(config.centralUrl);
  let rulesSchedule: RulesSchedule | null = null;
  let stopping = false;
  // The detail pane's readers (item-detail.ts, readings.ts), prepared on first use.
  let itemDetails: ItemDetailReader | null = null;
  let readings: ReadingsService | null = null;

  function connect(centralUrl: string): Connected {
    const dbFile = path.join(options.dataDir, CACHE_FILE_NAME);
    const opened = openCacheDatabase(dbFile, {
      migrations: cacheMigrations,
      now: () => new Date(clock.now()),
      warn: (message) => logger.warn(message),
    });
    gateTransactions(opened.db, writeGate);
    const syncOptions = {
      dbFile,
      centralUrl,
      logger,
      pollIntervalMs: config.pollIntervalMs,
      writeGateBuffer: writeGate.buffer,
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
      alarms: new AlarmCentre(opened.db, clock),
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
        heldActions: null,
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
            ...initialSyncEstimate(snapshot.progress),
          }
        : null,
      sessionExpired: session !== null && session.token === null,
      notices: connected.notices,
      lastSyncAt: toIso(snapshot?.lastSuccessMs ?? null),
      serverTime: clock.isSynchronised() ? new Date(clock.now()).toISOString() : null,
      pendingActions: outbox.pending,
      rejectedActions: outbox.rejected,
      heldActions: session?.token ? connected.outbox.heldFor(session.operator.id) : null,
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

  /**
   * Evaluates the rules now; the schedule's tick tells every window the new counts, and a tick that fails
   * (the cache busy past its timeout) is logged and made good by the next.
   */
  const runRulesSoon = throttle(
    () => rulesSchedule?.tickNow('sync'),
    RULES_AFTER_SYNC_MIN_INTERVAL_MS,
    clockSources.monoNow,
  );
  const emitCounts = (): void => events.emit('queueCounts', countsSnapshot());
  const emitCountsSoon = throttle(emitCounts, COUNTS_AFTER_SYNC_MIN_INTERVAL_MS, clockSources.monoNow);
  // A throttle of its own: the page that ends the history (the sync then live) is counted at its usual pace.
  const emitCountsDuringHistory = throttle(
    emitCounts,
    COUNTS_DURING_HISTORY_MIN_INTERVAL_MS,
    clockSources.monoNow,
  );

  /** Tells every window the alarms when they differ from what it was told last (an indexed read of few rows). */
  const emitAlarmsIfChanged = (): void => {
    const changed = connected?.alarms.changedState();
    if (changed) events.emit('alarms', changed);
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

  /** Writes an operator action (now, by the signed-in operator) and tells the windows; a refusal says why. */
  const takeAction = (
    write: (
      parts: Connected,
      acting: { operator: { id: string; name: string }; at: string; clientId: string },
    ) => OutboxEntry,
  ): ActionRecord => {
    const parts = requireConnected();
    const operator = requireOperator(parts);
    try {
      const entry = write(parts, {
        operator: { id: operator.id, name: operator.name },
        at: new Date(clock.now()).toISOString(),
        clientId: clientIdOf(parts.db),
      });
      actionsChanged(parts);
      return toActionRecord(entry);
    } catch (error) {
      return refusedLocally(error);
    }
  };

  /**
   * A call that writes the cache waits for the sync worker's page being written without holding the core's thread
   * (the bridge goes on answering reads meanwhile, where SQLite's busy handler would sleep on it), and such calls
   * write in the order they came (write-gate.ts).
   */
  const writesCache =
    <A extends unknown[], R>(handler: (...args: A) => R) =>
    (...args: A): Promise<R> =>
      writeGate.whenWorkerIdle(() => handler(...args));

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
    signOut: writesCache(() => {
      signOut(requireConnected().db);
      events.emit('status', status());
      return null;
    }),
    // The outbox entry and, for an action on a prompt the rules raised here, the prompt's own step
    // (issued, acknowledged, resolved) in one transaction: see prompt-actions.ts.
    submitAction: writesCache(({ name, args }) =>
      takeAction((parts, acting) => queueAction(parts, { name, args, ...acting })),
    ),
    listUnfinishedActions: () => (connected ? connected.outbox.unfinished().map(toActionRecord) : []),
    retryAction: writesCache(({ mutationId, args }) =>
      takeAction((parts, acting) => retryQueuedAction(parts, { mutationId, args, ...acting })),
    ),
    getQueuePage: ({ queue, offset, limit, ...view }) => {
      if (connected === null) return { rows: [], total: 0, dataAsOf: null };
      const now = clock.now();
      // The total is the view's: with a filter, the rows that pass it (the queue badges count the whole queue).
      return {
        ...connected.queues.pageWithTotal(queue, now, offset, limit, view),
        dataAsOf: toIso(connected.rules.dataAsOfMs()),
      };
    },
    locateQueueRow: ({ queue, item, ...view }) => ({
      index: connected === null ? null : connected.queues.position(queue, clock.now(), item, view),
    }),
    getItemDetail: (ref) => {
      const parts = requireConnected();
      itemDetails ??= new ItemDetailReader(parts.db, {
        rulesConfig: parts.rulesConfig,
        now: () => clock.now(),
        operatorId: () => readSession(parts.db)?.operator.id ?? null,
      });
      return itemDetails.read(ref);
    },
    getReadings: async ({ alertId }) => {
      const parts = requireConnected();
      readings ??= new ReadingsService({
        db: parts.db,
        client: parts.client,
        clock,
        warn: (message) => logger.warn(message),
      });
      try {
        return await readings.get(alertId);
      } catch (error) {
        if (error instanceof ReadingsUnknown) throw new BridgeFailure('UNAVAILABLE', error.message);
        throw error;
      }
    },
    // Snooze and dismiss stay on this workstation (the platform has neither): see prompt-actions.ts.
    snoozeWorkPrompt: writesCache((input) => {
      const parts = requireConnected();
      const operator = requireOperator(parts);
      try {
        snoozePrompt(parts.rules, input, operator.id, clock.now());
      } catch (error) {
        refusedLocally(error);
      }
      events.emit('queueCounts', countsSnapshot());
      return null;
    }),
    dismissWorkPrompt: writesCache((input) => {
      const parts = requireConnected();
      const operator = requireOperator(parts);
      try {
        dismissPrompt(parts.rules, input, operator.id);
      } catch (error) {
        refusedLocally(error);
      }
      events.emit('queueCounts', countsSnapshot());
      return null;
    }),
    getAlarms: () =>
      connected ? connected.alarms.state() : { active: [], total: 0, mutedUntil: null, mutedBy: null },
    acknowledgeAlarms: writesCache(({ alertIds }) => {
      const parts = requireConnected();
      const operator = requireOperator(parts);
      const state = parts.alarms.acknowledge(alertIds, { id: operator.id, name: operator.name });
      emitAlarmsIfChanged();
      return state;
    }),
    setAlarmMute: writesCache(({ until }) => {
      const parts = requireConnected();
      const operator = requireOperator(parts);
      const state = parts.alarms.setMute(until, { id: operator.id, name: operator.name });
      emitAlarmsIfChanged();
      return state;
    }),
    discardAction: writesCache(({ mutationId }) => {
      const parts = requireConnected();
      const operator = requireOperator(parts);
      try {
        parts.outbox.discard(mutationId, { id: operator.id, name: operator.name }, clock.now());
      } catch (error) {
        refusedLocally(error);
      }
      actionsChanged(parts);
      return null;
    }),
  };

  connected?.sync.onUpdate((update, snapshot, offsetMs) => {
    // Stopping: the cache is about to close, and nobody is left to tell.
    if (stopping) return;
    // The worker measures the server clock on its own monotonic origin; the core adopts its offset.
    if (offsetMs !== null && options.sync?.kind === 'worker') clock.adoptOffset(offsetMs);
    events.emit('status', status());
    // New alerts, alerts closed, the clock first known (which starts the watch): the alarms may have changed.
    if (update.kind !== 'outboxChanged') emitAlarmsIfChanged();
    if (update.kind === 'pageCommitted') {
      // New data: the badges and the grids follow within a fifth of a second (another workstation's claim
      // shows here at once), the rules within a second; while the initial sync commits page after page
      // both are throttled, and the last page is never left out. A history page holds what is closed or
      // resolved, and deletions (openapi.yaml, scope=open); the open phase brought every open item and all
      // reference data. The rules then keep to their own tick (every 5 s), which judges whatever such a page
      // may still touch, rather than take the core's thread and the write lock from the sync once a second:
      // about 50 ticks over a million-alert history, each holding the core's thread 3-48 ms.
      const pacing = afterPageCommitted(snapshot.progress);
      if (pacing.counts === 'duringHistory') emitCountsDuringHistory();
      else emitCountsSoon();
      if (pacing.rules) runRulesSoon();
    } else if (update.kind === 'outboxChanged') {
      events.emit('queueCounts', countsSnapshot());
      // A rejected action's effect was withdrawn: its local prompt follows within a second (prompt-follow.ts).
      runRulesSoon();
    }
  });

  return {
    dispatch: createDispatcher(handlers, (message, error) => logger.error(message, error)),
    events,
    clock,
    status,
    start: () => {
      if (!connected) return;
      // Before the first window asks: the first open of a queue then reads at once.
      connected.queues.prepareAll();
      connected.sync.start();
      // The rules run on their own tick and calendar whether or not the network is up.
      rulesSchedule = startRulesSchedule(connected.rules, connected.rulesConfig, {
        logger,
        whenWritable: (step) => writeGate.whenWorkerIdle(step),
        onTick: () => {
          events.emit('queueCounts', countsSnapshot());
          // A mute that ran out ends here for every window, without anyone acting.
          emitAlarmsIfChanged();
        },
      });
    },
    stop: async () => {
      if (!connected) return;
      stopping = true;
      rulesSchedule?.stop();
      await connected.sync.stop();
      // After the sync has stopped: a page it committed while stopping may have scheduled a run.
      runRulesSoon.cancel();
      emitCountsSoon.cancel();
      emitCountsDuringHistory.cancel();
      connected.db.close();
    },
  };
}
