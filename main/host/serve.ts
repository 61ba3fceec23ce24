/**
 * Browser mode's entry point (`npm run serve`): the core plus the loopback host, optionally on the
 * embedded demo district. Prints exactly one line for the operator: `DutyDesk ready at <url>`.
 */
import os from 'node:os';
import path from 'node:path';
import { defaultDataDir } from '../core/paths';
import { startWorkstation } from '../workstation';
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
  const workstation = await startWorkstation({
    dataDir,
    mode: 'browser',
    version: __DUTYDESK_VERSION__,
    demo: args.demo,
    demoSeed: args.demoSeed,
    centralUrl: args.centralUrl,
    syncWorkerScript: path.join(__dirname, 'sync-worker.cjs'),
  });
  const { core, logger } = workstation;
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
    void Promise.all([workstation.stop(), host.close()]).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`DutyDesk could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
