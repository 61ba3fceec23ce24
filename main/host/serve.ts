/**
 * Browser mode's entry point (`npm run serve`): the core plus the loopback host, optionally on the
 * embedded demo district. Prints exactly one line for the operator: `DutyDesk ready at <url>`.
 */
import os from 'node:os';
import path from 'node:path';
import { startCentral, type RunningCentral } from '../../central/server';
import { createCore } from '../core/app-core';
import { loadConfig } from '../core/config';
import { createFileLogger } from '../core/logger';
import { dataPaths, defaultDataDir } from '../core/paths';
import { parseServeArgs, SERVE_USAGE } from './cli-args';
import { startHost } from './server';

declare const __DUTYDESK_VERSION__: string;

async function main(): Promise<void> {
  const args = parseServeArgs(process.argv.slice(2));
  if (args.help) {
    console.log(SERVE_USAGE);
    return;
  }
  const dataDir = path.resolve(args.dataDir ?? defaultDataDir(process.platform, process.env, os.homedir()));
  const paths = dataPaths(dataDir);
  const logger = createFileLogger(paths.logs);

  let central: RunningCentral | null = null;
  if (args.demo) {
    central = await startCentral({
      port: 0,
      seed: args.demoSeed,
      dataDir: path.join(dataDir, 'demo-central'),
    });
    logger.info(`demo central server at ${central.url}`);
  }
  const config = loadConfig(paths.config, process.env, central?.url ?? args.centralUrl);
  const core = createCore({
    dataDir,
    mode: 'browser',
    demo: args.demo,
    version: __DUTYDESK_VERSION__,
    config,
    logger,
    sync: { kind: 'worker', workerScript: path.join(__dirname, 'sync-worker.cjs') },
  });
  core.start();
  const host = await startHost({
    dispatch: core.dispatch,
    events: core.events,
    rendererDir: path.resolve(__dirname, '..', 'renderer'),
    port: args.port,
    logger,
  });
  logger.info(`browser mode on port ${host.port}, data in ${dataDir}`);
  console.log(`DutyDesk ready at ${host.url}`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // The sync worker finishes its transaction before the process exits: nothing half-written.
    void Promise.all([core.stop(), host.close()])
      .then(() => central?.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`DutyDesk could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
