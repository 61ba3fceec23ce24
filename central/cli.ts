/** `npm run central -- --port <p> --seed <n>`: the reference central server on its own. */
import { parseArgs } from 'node:util';
import { startCentral } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      port: { type: 'string', default: '0' },
      seed: { type: 'string', default: '1' },
      'data-dir': { type: 'string' },
    },
  });
  const port = Number(values.port);
  const seed = Number(values.seed);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got "${values.port}"`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, got "${values.seed}"`);
  const central = await startCentral({ port, seed, dataDir: values['data-dir'] });
  console.log(`central ready at ${central.url}`);
  const stop = (): void => void central.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`central could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
