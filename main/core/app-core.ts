import {
  queueIds,
  type AppInfo,
  type QueueCounts,
  type QueueCountsSnapshot,
  type ShellStatus,
} from '../../preload/contract';
import { createDispatcher, type BridgeHandlers, type Dispatch } from './bridge/dispatcher';
import { createServerClock, systemClockSources, type ClockSources, type ServerClock } from './clock';
import type { WorkstationConfig } from './config';
import { ConnectionMonitor } from './connection-monitor';
import { EventHub } from './events';
import type { Logger } from './logger';
import type { NetworkStateSnapshot } from './network-state';
import { dataPaths } from './paths';
import { PreferencesStore } from './preferences';

export const PLATFORM_TIME_ZONE = 'Asia/Shanghai';

/** Where queue counts come from. The sync and rules engines plug in here; until then every queue is empty. */
export interface QueueCountSource {
  counts(): QueueCounts;
  dataAsOfMs(): number | null;
}

export const emptyQueueCountSource: QueueCountSource = {
  counts: () => Object.fromEntries(queueIds.map((id) => [id, 0])) as QueueCounts,
  dataAsOfMs: () => null,
};

export interface CoreOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  demo: boolean;
  version: string;
  config: WorkstationConfig;
  logger: Logger;
  clockSources?: ClockSources;
  fetch?: typeof globalThis.fetch;
  queueCounts?: QueueCountSource;
}

export interface Core {
  readonly dispatch: Dispatch;
  readonly events: EventHub;
  readonly clock: ServerClock;
  start(): void;
  stop(): void;
  /** The status snapshot as the status bar shows it. */
  status(): ShellStatus;
}

const toIso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Wires the core's parts and serves them through the one dispatcher. Plain Node: no Electron here. */
export function createCore(options: CoreOptions): Core {
  const { config, logger } = options;
  const clockSources = options.clockSources ?? systemClockSources;
  const clock = createServerClock(clockSources);
  const events = new EventHub();
  const paths = dataPaths(options.dataDir);
  const preferences = new PreferencesStore(paths.preferences, (message) => logger.warn(message));
  const queueCounts = options.queueCounts ?? emptyQueueCountSource;
  const startedAtMs = clock.now();

  let network: NetworkStateSnapshot | null = null;
  const monitor =
    config.centralUrl === null
      ? null
      : new ConnectionMonitor({
          centralUrl: config.centralUrl,
          clock,
          monoNow: clockSources.monoNow,
          fetch: options.fetch ?? globalThis.fetch,
          intervalMs: config.pollIntervalMs,
          onChange: (snapshot) => {
            const changed = network?.state !== snapshot.state;
            network = snapshot;
            if (changed) logger.info(`connection ${snapshot.state}`, snapshot.lastError ?? undefined);
            events.emit('status', status());
          },
        });

  function status(): ShellStatus {
    const connection: ShellStatus['connection'] =
      config.centralUrl === null
        ? {
            state: 'unconfigured',
            since: new Date(startedAtMs).toISOString(),
            centralUrl: null,
            lastError: null,
          }
        : {
            state: network?.state ?? 'offline',
            since: new Date(network?.sinceMs ?? startedAtMs).toISOString(),
            centralUrl: config.centralUrl,
            lastError: network?.lastError ?? null,
          };
    return {
      connection,
      // The sync engine owns "last sync"; until it runs, the last successful contact is the honest figure.
      lastSyncAt: toIso(network?.lastSuccessMs ?? null),
      serverTime: clock.isSynchronised() ? new Date(clock.now()).toISOString() : null,
      pendingActions: 0,
      rejectedActions: 0,
      operator: null,
    };
  }

  const countsSnapshot = (): QueueCountsSnapshot => ({
    counts: queueCounts.counts(),
    dataAsOf: toIso(queueCounts.dataAsOfMs()),
  });

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
  };

  return {
    dispatch: createDispatcher(handlers, (message, error) => logger.error(message, error)),
    events,
    clock,
    status,
    start: () => monitor?.start(),
    stop: () => monitor?.stop(),
  };
}
