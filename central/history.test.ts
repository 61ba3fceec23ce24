import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS } from './domain';
import { chunkCount, generateChunk, worldFor, type HistoryChunk, type HistoryJob } from './history';
import { historyChunks } from './history-worker';
import { DEMO_ALERTS_PER_DAY, rateFactorFor } from './world';

const NOW = Date.parse('2025-07-10T02:00:00Z');
const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'central-history-'));

afterAll(() => {
  fs.rmSync(directory, { recursive: true, force: true });
});

function job(days: number): HistoryJob {
  const base: HistoryJob = { seed: 9, deviceScale: 1, rateFactor: 1, start: NOW - days * DAY_MS, now: NOW };
  const { district } = worldFor(base);
  return { ...base, rateFactor: rateFactorFor(district, DEMO_ALERTS_PER_DAY, base.start, base.now) };
}

/** A chunk's content in comparable form: every row's kind, id, open flag and JSON. */
function contentOf(chunk: HistoryChunk): unknown {
  const decoder = new TextDecoder();
  let begin = 0;
  const rows = chunk.rows.ids.map((id, index) => {
    const end = chunk.rows.ends[index] as number;
    const json = decoder.decode(chunk.rows.bytes.subarray(begin, end));
    begin = end;
    return [chunk.rows.kinds[index], id, chunk.rows.open[index], JSON.parse(json) as unknown];
  });
  return {
    rows,
    pending: chunk.pending,
    tally: chunk.tally,
    lastAlerts: chunk.lastAlerts,
    alerts: chunk.alerts,
  };
}

describe('history generation', () => {
  it(
    'worker threads make exactly the chunks the main thread would, in order',
    { timeout: 60_000 },
    async () => {
      // A worker script like the CLI bundle: the same modules, with the worker entry point.
      const entry = path.join(directory, 'worker-entry.ts');
      fs.writeFileSync(
        entry,
        `import { isHistoryWorker, runHistoryWorker } from ${JSON.stringify(path.join(import.meta.dirname, 'history-worker'))};\n` +
          'if (isHistoryWorker()) runHistoryWorker();\n',
      );
      const script = path.join(directory, 'worker.cjs');
      await build({
        entryPoints: [entry],
        outfile: script,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        logLevel: 'warning',
      });

      const history = job(4);
      const { world } = worldFor(history);
      const parallel: unknown[] = [];
      for await (const chunk of historyChunks(world, history, { script, workers: 2 }))
        parallel.push(contentOf(chunk));
      const inline: unknown[] = [];
      for (let index = 0; index < chunkCount(history); index++)
        inline.push(contentOf(generateChunk(world, history, index)));
      expect(parallel).toHaveLength(chunkCount(history));
      expect(parallel).toEqual(inline);
    },
  );

  it('encodes each row as its record with version 1', () => {
    const history = job(1);
    const { world } = worldFor(history);
    const chunk = generateChunk(world, history, 0);
    expect(chunk.alerts).toBeGreaterThan(100);
    const first = (contentOf(chunk) as { rows: [string, string, boolean, { id: string; version: number }][] })
      .rows[0];
    expect(first?.[0]).toBe('alert');
    expect(first?.[3]).toMatchObject({ id: first?.[1], version: 1 });
  });
});
