/**
 * The sync worker thread's entry point (bundled to sync-worker.cjs beside the app's main bundle). It
 * owns the cache's writer connection for pulled pages; the core's thread keeps answering the bridge.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { WRITE_GATE_BYTES } from '../db/write-gate';
import { createFileLogger } from '../logger';
import { createInlineSyncHost, type FromSyncWorker, type ToSyncWorker } from './sync-host';

const dataSchema = z.object({
  dbFile: z.string().min(1),
  centralUrl: z.string().min(1),
  pollIntervalMs: z.number().int().positive(),
  pageFetcherScript: z.string().min(1).optional(),
  writeGateBuffer: z
    .instanceof(SharedArrayBuffer)
    .refine((buffer) => buffer.byteLength === WRITE_GATE_BYTES, `must be ${WRITE_GATE_BYTES} bytes`)
    .optional(),
});

function post(message: FromSyncWorker): void {
  parentPort?.postMessage(message);
}

try {
  const { pageFetcherScript, ...data } = dataSchema.parse(workerData);
  const logger = createFileLogger(path.join(path.dirname(data.dbFile), 'logs'));
  // A build without the fetch thread's bundle still syncs, only slower: pages are then fetched here.
  const fetcherFound = pageFetcherScript !== undefined && fs.existsSync(pageFetcherScript);
  if (pageFetcherScript !== undefined && !fetcherFound)
    logger.warn(`${pageFetcherScript} is missing: pages are fetched on the sync thread`);
  const host = createInlineSyncHost({
    ...data,
    logger,
    ...(fetcherFound ? { pageFetcherScript } : {}),
  });
  host.onUpdate((update, snapshot, offsetMs) => post({ type: 'update', update, snapshot, offsetMs }));
  parentPort?.on('message', (message: ToSyncWorker) => {
    switch (message.type) {
      case 'pokePull':
        host.pokePull();
        break;
      case 'kickPush':
        host.kickPush();
        break;
      case 'sessionRenewed':
        host.sessionRenewed();
        break;
      case 'stop':
        void host.stop().then(() => {
          post({ type: 'stopped' });
          parentPort?.close();
        });
        break;
    }
  });
  host.start();
} catch (error) {
  post({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
}
