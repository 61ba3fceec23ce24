// Builds every layer: Vite for the renderer, esbuild for main, preload, browser mode and the central server.
// esbuild (not electron-vite) because the Node side is four plain entry points that need no dev server and
// esbuild bundles them in well under a second; Vite stays the renderer's own tool.
import { build as esbuild } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build as viteBuild } from 'vite';
import { nodeBundleOptions } from './node-bundle.mjs';

const root = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const { values } = parseArgs({ options: { only: { type: 'string' } } });
// DUTYDESK_DIST_DIR (a folder directly inside the repository, default `dist`) lets two builds run side by
// side, for example the test suite of one change while another is being built.
const distDir = process.env.DUTYDESK_DIST_DIR ?? 'dist';
if (!/^dist[\w-]*$/.test(distDir))
  throw new Error(`DUTYDESK_DIST_DIR must be dist or dist-<name>, not ${distDir}`);

const nodeEntries = {
  serve: { entry: 'main/host/serve.ts', out: `${distDir}/node/serve.cjs` },
  central: { entry: 'central/cli.ts', out: `${distDir}/node/central.cjs` },
  electron: { entry: 'main/electron/main.ts', out: `${distDir}/electron/main.cjs` },
  preload: { entry: 'preload/preload.ts', out: `${distDir}/electron/preload.cjs` },
  // The sync engine's worker thread, beside each main bundle that starts it.
  syncWorker: { entry: 'main/core/sync/sync-worker.ts', out: `${distDir}/node/sync-worker.cjs` },
  electronSyncWorker: { entry: 'main/core/sync/sync-worker.ts', out: `${distDir}/electron/sync-worker.cjs` },
  // The thread the sync worker fetches and prepares pages on, beside it.
  pageFetcher: { entry: 'main/core/sync/page-fetch-worker.ts', out: `${distDir}/node/page-fetch-worker.cjs` },
  electronPageFetcher: {
    entry: 'main/core/sync/page-fetch-worker.ts',
    out: `${distDir}/electron/page-fetch-worker.cjs`,
  },
};

async function buildNode(name) {
  const { entry, out } = nodeEntries[name];
  if (!fs.existsSync(path.join(root, entry))) return;
  await esbuild({
    ...nodeBundleOptions,
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: out,
    sourcemap: 'linked',
    define: { __DUTYDESK_VERSION__: JSON.stringify(pkg.version) },
  });
}

async function buildRenderer() {
  await viteBuild({
    configFile: path.join(root, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: path.join(root, distDir, 'renderer') },
  });
}

const started = performance.now();
if (values.only) {
  if (values.only === 'renderer') await buildRenderer();
  else if (values.only in nodeEntries) await buildNode(values.only);
  else throw new Error(`--only must be renderer or one of ${Object.keys(nodeEntries).join(', ')}`);
} else {
  await Promise.all([...Object.keys(nodeEntries).map(buildNode), buildRenderer()]);
}
console.error(`built in ${Math.round(performance.now() - started)} ms`);
