/**
 * What the desktop app (main/electron/main.ts) and browser mode (main/host/serve.ts) start alike: the logger,
 * the demo's reference central server when asked, the configuration, and the core with its sync worker.
 * It lives beside main/core, not in it: core stays free of the reference server.
 */
import path from 'node:path';
import { startCentral, type RunningCentral } from '../central/server';
import { createCore, type Core } from './core/app-core';
import { loadConfig } from './core/config';
import { createFileLogger, type Logger } from './core/logger';
import { dataPaths } from './core/paths';

export interface WorkstationOptions {
  dataDir: string;
  mode: 'desktop' | 'browser';
  version: string;
  demo: boolean;
  demoSeed: number;
  centralUrl: string | undefined;
  /** The bundled sync worker, beside the entry point's own bundle. */
  syncWorkerScript: string;
}

export interface Workstation {
  core: Core;
  logger: Logger;
  /** The demo's reference central server, when running on the demo. */
  central: RunningCentral | null;
  /** Stops the core (the sync worker finishes its transaction first), then the demo server. */
  stop(): Promise<void>;
}

export async function startWorkstation(options: WorkstationOptions): Promise<Workstation> {
  const paths = dataPaths(options.dataDir);
  const logger = createFileLogger(paths.logs);
  const central = options.demo
    ? await startCentral({
        port: 0,
        seed: options.demoSeed,
        dataDir: path.join(options.dataDir, 'demo-central'),
      })
    : null;
  if (central) logger.info(`demo central server at ${central.url}`);
  const config = loadConfig(paths.config, process.env, central?.url ?? options.centralUrl);
  const core = createCore({
    dataDir: options.dataDir,
    mode: options.mode,
    demo: options.demo,
    version: options.version,
    config,
    logger,
    sync: { kind: 'worker', workerScript: options.syncWorkerScript },
  });
  return {
    core,
    logger,
    central,
    stop: async () => {
      await core.stop();
      await central?.close();
    },
  };
}
