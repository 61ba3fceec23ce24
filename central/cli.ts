/**
 * `npm run central -- --port <p> --seed <n> [--alerts <n>] [--history-days <d>] [--test-admin] [--data-dir <d>]
 *  [--start-time <iso>] [--freeze-clock] [--faults key=value,...]`: the reference central server on its own.
 * Prints exactly `central ready at <url>` on stdout once it serves; progress goes to stderr.
 */
import { CENTRAL_USAGE, parseCentralArgs } from './cli-args';
import { isHistoryWorker, runHistoryWorker } from './history-worker';
import { startCentral } from './server';

async function main(): Promise<void> {
  const options = parseCentralArgs(process.argv.slice(2));
  if (options === 'help') {
    console.log(CENTRAL_USAGE);
    return;
  }
  // This bundle is also the worker script that generates a large history on the other cores.
  const central = await startCentral({
    ...options,
    historyWorkerScript: process.argv[1],
    log: (line) => console.error(line),
  });
  console.log(`central ready at ${central.url}`);
  const stop = (): void => void central.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (isHistoryWorker()) {
  runHistoryWorker();
} else {
  main().catch((error: unknown) => {
    console.error(`central could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
