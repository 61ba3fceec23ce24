// `npm test`: lint, format, typecheck (each layer), unit tests, build, e2e tests, benchmark smoke runs.
// Every suite runs even when an earlier one failed, so one run shows everything that is wrong.
// The last line sums them all: "N passed, N failed" (", N skipped" when any were skipped).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const resultsDir = path.join(root, 'test-results');
fs.mkdirSync(resultsDir, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function run(command, args, env = {}) {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return { ok: result.status === 0, seconds: ((performance.now() - started) / 1000).toFixed(1) };
}

function record(suite, passed, failed, skipped, seconds) {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  lines.push(
    `${suite.padEnd(24)} ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} (${seconds} s)`,
  );
}

function check(suite, command, args) {
  console.log(`\n=== ${suite}`);
  const { ok, seconds } = run(command, args);
  record(suite, ok ? 1 : 0, ok ? 0 : 1, 0, seconds);
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

check('lint', bin('eslint'), ['--max-warnings', '0', '.']);
check('format', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
for (const layer of ['tsconfig.node.json', 'tsconfig.renderer.json', 'tsconfig.e2e.json']) {
  check(`typecheck ${layer.replace(/^tsconfig\.|\.json$/g, '')}`, bin('tsc'), ['-p', layer]);
}

console.log('\n=== unit (vitest)');
{
  const output = path.join(resultsDir, 'unit.json');
  fs.rmSync(output, { force: true });
  const { ok, seconds } = run(bin('vitest'), [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${output}`,
  ]);
  const report = readJson(output);
  if (report) {
    const failed = report.numFailedTests + (ok || report.numFailedTests > 0 ? 0 : 1);
    record('unit', report.numPassedTests, failed, report.numPendingTests + report.numTodoTests, seconds);
  } else record('unit', 0, 1, 0, seconds);
}

const built = check('build', process.execPath, [path.join(root, 'scripts', 'build.mjs')]);

console.log('\n=== e2e (playwright)');
if (built) {
  const output = path.join(resultsDir, 'e2e.json');
  fs.rmSync(output, { force: true });
  const { ok, seconds } = run(bin('playwright'), ['test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: output,
  });
  const report = readJson(output);
  if (report?.stats) {
    const { expected, unexpected, skipped, flaky } = report.stats;
    record('e2e', expected + flaky, unexpected + (ok || unexpected > 0 ? 0 : 1), skipped, seconds);
  } else record('e2e', 0, 1, 0, seconds);
} else {
  console.log('e2e not run: the build failed');
  record('e2e (not run: build failed)', 0, 1, 0, '0.0');
}

// Benchmarks run here only at a small size, as smoke tests: each must finish and print its JSON figures.
// The full sizes are separate commands (npm run bench:sync -- --alerts 1000000, ...), never part of the tests.
const benchSmokes = [
  {
    name: 'sync',
    args: ['--alerts', '3000', '--incremental-samples', '5'],
    fields: [
      'alerts',
      'seconds',
      'rowsPerSec',
      'rawRowsPerSec',
      'ratio',
      'peakRssMb',
      'bridgeP99Ms',
      'incrementalP95Ms',
    ],
  },
  {
    name: 'rules',
    args: ['--alerts', '20000', '--ticks', '10', '--scenes', '40', '--devices', '2000'],
    fields: ['alerts', 'ticks', 'tickP50Ms', 'tickP95Ms'],
  },
  { name: 'central-paging', args: ['--alerts', '5000'], fields: ['alertsPaged', 'changesPerSecond'] },
  {
    name: 'ui',
    // Needs a Chromium, as the e2e tests do; a missing one fails the smoke with a message saying so.
    args: [
      '--alerts',
      '20000',
      '--queue-rows',
      '2000',
      '--scenes',
      '40',
      '--devices',
      '2000',
      '--presses',
      '30',
    ],
    fields: ['alerts', 'queueRows', 'openMs', 'keyToPaintP50Ms', 'keyToPaintP95Ms'],
  },
];
for (const bench of benchSmokes) {
  const suite = `bench smoke ${bench.name}`;
  console.log(`\n=== ${suite}`);
  if (!built) {
    record(`${suite} (not run: build failed)`, 0, 1, 0, '0.0');
    continue;
  }
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'scripts', 'bench.mjs'), bench.name, ...bench.args],
    {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const lastLine = (result.stdout ?? '').trim().split('\n').at(-1) ?? '';
  let figures = null;
  try {
    figures = JSON.parse(lastLine);
  } catch {
    figures = null;
  }
  const missing = figures ? bench.fields.filter((field) => typeof figures[field] !== 'number') : bench.fields;
  const ok = result.status === 0 && missing.length === 0;
  console.log(
    ok
      ? lastLine
      : `bench ${bench.name} failed (exit ${result.status}); missing figures: ${missing.join(', ')}`,
  );
  record(suite, ok ? 1 : 0, ok ? 0 : 1, 0, seconds);
}

console.log('\n=== summary');
for (const line of lines) console.log(line);
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed === 0 ? 0 : 1);
