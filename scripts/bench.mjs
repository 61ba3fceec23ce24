// `npm run bench:<name> -- [flags]`: builds the app, bundles bench/<name>.ts and runs it. Benchmarks print
// progress on stderr and, as their last line on stdout, one JSON object with their figures.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { nodeBundleOptions } from './node-bundle.mjs';

const root = path.resolve(import.meta.dirname, '..');
const [name, ...flags] = process.argv.slice(2);
const entry = path.join(root, 'bench', `${name ?? ''}.ts`);
if (!name || !fs.existsSync(entry)) {
  const known = fs
    .readdirSync(path.join(root, 'bench'))
    .filter((file) => /^[\w-]+\.ts$/.test(file) && !file.endsWith('.test.ts'));
  console.error(
    `usage: node scripts/bench.mjs <${known.map((file) => file.replace(/\.ts$/, '')).join('|')}> [flags]`,
  );
  process.exit(2);
}

const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], {
  cwd: root,
  stdio: 'inherit',
});
if (built.status !== 0) process.exit(built.status ?? 1);
const outfile = path.join(root, 'dist', 'bench', `${name}.cjs`);
await build({ ...nodeBundleOptions, absWorkingDir: root, entryPoints: [entry], outfile });
// The app's launchers set MALLOC_ARENA_MAX on Linux (appProcessEnv in start-plan.ts); so does the benchmark.
const env = process.platform === 'linux' ? { MALLOC_ARENA_MAX: '2', ...process.env } : process.env;
const run = spawnSync(process.execPath, ['--max-old-space-size=12288', outfile, ...flags], {
  cwd: root,
  stdio: 'inherit',
  env,
});
process.exit(run.status ?? 1);
