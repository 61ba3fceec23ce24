/**
 * Benchmark of the triage console in browser mode, driven in Chromium: opening a large queue, and moving the
 * selection down it key by key.
 *
 *   npm run bench:ui -- [--alerts 1000000] [--queue-rows 100000] [--presses 300] [--opens 11] [--jumps 3]
 *                       [--scenes 400] [--devices 60000] [--settle-timeout 900] [--keep] [--profile]
 *
 * A fresh data directory gets a cache (bench/cache-fill.ts) of `--alerts` alerts of which exactly `--queue-rows`
 * are in the 超期未结案 queue (overdueClosure: open, deadline more than two days past), drawn around the machine's
 * clock, which is the app's clock while no central server has been reached; the other alerts are mostly closed
 * history, about 2 % open and well inside their deadline. A stored session (the operator signed in, the network
 * down) lets the console show the queues without signing in, and the rules engine's catch-up after an initial
 * sync is run on it before the app starts. Browser mode (`<dist>/node/serve.cjs`, dist being $DUTYDESK_DIST_DIR or
 * `dist`) runs on it, offline (its central URL is a closed port), and once its CPU use has gone quiet, one Chromium
 * page ($DUTYDESK_CHROMIUM, else Debian's, else Playwright's own; see e2e/browser.ts) is driven by keyboard:
 *
 * - opens: from the keydown of the queue's number key to the painted frame that shows the queue's first row.
 *   The first open after the page loaded is cold; before each further (warm) open the page switches to another
 *   queue and shows it. openMs is the slowest open of all (cold or warm): the target is that every open is
 *   under 300 ms.
 * - key to paint: j pressed `--presses` times from the first row, each measured from its keydown to the painted
 *   frame showing the next row selected, and the next press only once that is done; the presses cross the
 *   grid's 100-row page boundaries. `--jumps` End then Home presses are reported apart (End reaches a page not
 *   loaded yet), measured to the row painted focused; a jump that leaves its row unselected is counted.
 *
 * The page side is bench/ui-probe.js, which says precisely what "painted" means. Bridge calls made during each
 * measurement are timed in the page, and the queue's SQL is timed directly on the cache, so a slow figure can be
 * traced to SQL, to the bridge, or to rendering. With --profile the page's main thread is also sampled during the
 * cold open, the warm opens and the presses (CPU profiles under test-results/bench-ui/, summed by source through the bundle's
 * source map: bench/cpu-profile.ts); sampling slows the page a little, so profiled figures are not the ones to
 * quote. Progress goes to stderr as JSON lines; the last stdout line is one JSON object. Exits 3 when no Chromium
 * can be launched, 1 when the app fails or a measurement times out.
 */
import fs from 'node:fs';
import { createRequire, type SourceMap } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type * as PlaywrightTest from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { queueIds, type QueueId } from '../preload/contract';
import { chromiumExecutable, chromiumLaunchArgs } from '../e2e/browser';
import { createServerClock } from '../main/core/clock';
import { silentLogger } from '../main/core/logger';
import { QueueReader } from '../main/core/queues';
import { shippedRulesConfig } from '../main/core/rules/config';
import { createRulesEngine } from '../main/core/rules/engine';
import { spawnServe, type ReadyProcess } from '../e2e/served-app';
import { readSourceMap, summarizeProfile, type ProfileSummary } from './cpu-profile';
import { cpuSeconds, memoryMb } from './proc-stats';
import {
  alertId,
  beginFill,
  createRandom,
  DAY,
  drawLevel,
  endFill,
  fillAlerts,
  fillDevices,
  fillScenes,
  HOUR,
  openBenchCache,
  percentile,
  positiveFlag,
  round,
  type BenchCache,
  type FillContext,
} from './cache-fill';

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '1000000' },
    'queue-rows': { type: 'string', default: '100000' },
    presses: { type: 'string', default: '300' },
    opens: { type: 'string', default: '11' },
    jumps: { type: 'string', default: '3' },
    scenes: { type: 'string', default: '400' },
    devices: { type: 'string', default: '60000' },
    'settle-timeout': { type: 'string', default: '900' },
    keep: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
  },
});
const alertCount = positiveFlag('alerts', values.alerts);
const queueRows = positiveFlag('queue-rows', values['queue-rows']);
const pressCount = positiveFlag('presses', values.presses);
const openCount = positiveFlag('opens', values.opens);
const jumpCount = positiveFlag('jumps', values.jumps);
const sceneCount = positiveFlag('scenes', values.scenes);
const deviceCount = positiveFlag('devices', values.devices);
const settleTimeoutMs = positiveFlag('settle-timeout', values['settle-timeout']) * 1000;
if (queueRows > alertCount) throw new Error('--queue-rows cannot exceed --alerts');

/** The queue measured: alerts are what a million-alert cache has a hundred thousand of. */
const QUEUE: QueueId = 'overdueClosure';
/** The grid's page (QueueGrid.tsx asks the bridge for 100 rows at a time). */
const GRID_PAGE_ROWS = 100;
const PRESS_TIMEOUT_MS = 5_000;
const OPEN_TIMEOUT_MS = 15_000;
/** Pause after each measured press, so that each starts from a settled page. */
const PRESS_GAP_MS = 40;

// bench.mjs runs every benchmark from the repository's root.
const root = process.cwd();
const distDir = process.env.DUTYDESK_DIST_DIR ?? 'dist';
const serveScript = path.join(root, distDir, 'node', 'serve.cjs');
const probeScript = path.join(root, 'bench', 'ui-probe.js');
const profileDir = path.join(root, 'test-results', 'bench-ui');

/** One line of progress on stderr. */
const progress = (phase: string, detail: Record<string, unknown> = {}): void => {
  console.error(JSON.stringify({ phase, ...detail }));
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class BenchFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Playwright stays outside the bundle: it is loaded from the repository's node_modules when the bench runs. */
function loadPlaywright(): typeof PlaywrightTest {
  const requireFromRoot = createRequire(path.join(root, 'package.json'));
  return requireFromRoot('@playwright/test') as typeof PlaywrightTest;
}

async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumExecutable();
  if (executablePath !== undefined && !fs.existsSync(executablePath)) {
    throw new BenchFailure(
      `Chromium not found at ${executablePath} ($DUTYDESK_CHROMIUM or $PLAYWRIGHT_CHROMIUM_EXECUTABLE): ` +
        'bench:ui needs a Chromium (apt-get install chromium, or set DUTYDESK_CHROMIUM)',
      3,
    );
  }
  try {
    return await loadPlaywright().chromium.launch({
      headless: true,
      ...(executablePath !== undefined ? { executablePath } : {}),
      args: chromiumLaunchArgs,
    });
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    throw new BenchFailure(
      `Chromium could not be launched (${executablePath ?? "Playwright's own browser"}): ${reason}. ` +
        "bench:ui needs a Chromium: install Debian's (apt-get install chromium) or set DUTYDESK_CHROMIUM",
      3,
    );
  }
}

interface FilledCache {
  now: number;
  openAlerts: number;
  fillSeconds: number;
  /** The rules engine's catch-up over the filled cache. */
  catchUpSeconds: number;
  catchUpTicks: number;
  /** The first row of the measured queue, and of the queue switched to between opens. */
  firstRowKey: string;
  away: { queue: QueueId; firstRowKey: string };
  sql: Record<string, number>;
}

/**
 * The district: alerts spread evenly through the serial numbers are in the queue (open, deadline at least three
 * days past, so the app's clock moving on during the run changes nothing); of the rest about 2 % are open and
 * at least a day inside the queue's threshold, the others closed history over two years.
 */
function fillCache(cache: BenchCache): FilledCache {
  const { db } = cache;
  const started = performance.now();
  // The app's clock is the machine's until a central server answers, and none will: draw around it.
  const now = Date.now();
  const random = createRandom(20261116);
  const fill: FillContext = { db, random, now };
  beginFill(db);
  const scenes = db.transaction(() => fillScenes(fill, sceneCount, deviceCount))();
  const devices = db.transaction(() => fillDevices(fill, scenes, deviceCount))();
  const inQueue = (serial: number) =>
    Math.floor(((serial + 1) * queueRows) / alertCount) > Math.floor((serial * queueRows) / alertCount);
  const openAlerts = fillAlerts(fill, alertCount, (serial) => {
    const queued = inQueue(serial);
    const open = queued || random.chance(0.02);
    return {
      id: alertId(serial),
      scene: random.pick(scenes),
      deviceId: random.pick(devices),
      // The longest handling limit is 48 h: reported 5 days ago or earlier, the deadline is 3 days past.
      reportedAt: queued
        ? now - 5 * DAY - random.next() * 25 * DAY
        : open
          ? now - random.next() * 20 * HOUR
          : now - 30 * DAY - random.next() * 700 * DAY,
      open,
      handler: open ? !random.chance(0.1) : true,
      level: drawLevel(random),
      nonStandard: random.chance(1 / 22),
    };
  });
  // Signed in, as an operator who was working when the network went down; the token is never presented.
  const operator = {
    id: 'OP-BENCH',
    username: 'bench',
    name: '性能测试',
    role: 'operator',
    dutyRoom: '浦东新区城市运行管理中心',
  };
  db.prepare('INSERT INTO session (id, operator_id, operator, token, expires_at) VALUES (1, ?, ?, ?, ?)').run(
    operator.id,
    JSON.stringify(operator),
    'bench-offline-token',
    now + 12 * HOUR,
  );
  // As after a completed initial sync, twenty seconds before the network went down.
  db.prepare(
    `UPDATE sync_state SET cursor = 'bench', phase = 'live', last_success_at = ?, initial_started_at = ?,
       initial_completed_at = ? WHERE id = 1`,
  ).run(now - 20_000, now - HOUR, now - 50 * 60_000);
  const fillSeconds = (performance.now() - started) / 1000;
  // After an initial sync the app's rules engine checks every open document and raises the backlog of prompts,
  // a budgeted tick at a time, for minutes on a cache this size. Done here, on the same clock, so that the app
  // starts as a workstation does once that is behind it (its state is in the cache).
  const catchUpStarted = performance.now();
  const engine = createRulesEngine({
    db,
    clock: createServerClock(),
    config: shippedRulesConfig(),
    logger: silentLogger,
  });
  let catchUpTicks = 0;
  for (let backlog = true; backlog; catchUpTicks += 1) backlog = engine.tick().backlog;
  const catchUpSeconds = (performance.now() - catchUpStarted) / 1000;
  endFill(db);

  // The queue as the app will read it: exactly the rows asked for, and its SQL timed on the cache itself.
  const reader = new QueueReader(db);
  const timed = <T>(read: () => T): [T, number] => {
    const begun = performance.now();
    const value = read();
    return [value, performance.now() - begun];
  };
  const [total, countMs] = timed(() => reader.count(QUEUE, Date.now()));
  if (total !== queueRows) throw new Error(`the ${QUEUE} queue holds ${total} rows, not ${queueRows}`);
  const [firstPage, firstPageMs] = timed(() => reader.page(QUEUE, Date.now(), 0, GRID_PAGE_ROWS));
  const lastOffset = Math.floor((queueRows - 1) / GRID_PAGE_ROWS) * GRID_PAGE_ROWS;
  const [, lastPageMs] = timed(() => reader.page(QUEUE, Date.now(), lastOffset, GRID_PAGE_ROWS));
  const [, countWarmMs] = timed(() => reader.count(QUEUE, Date.now()));
  const [, firstPageWarmMs] = timed(() => reader.page(QUEUE, Date.now(), 0, GRID_PAGE_ROWS));
  const [, lastPageWarmMs] = timed(() => reader.page(QUEUE, Date.now(), lastOffset, GRID_PAGE_ROWS));
  const firstRowKey = firstPage[0]?.key;
  if (firstRowKey === undefined) throw new Error(`the ${QUEUE} queue is empty`);
  const away = queueIds
    .filter((queue) => queue !== QUEUE)
    .map((queue) => ({ queue, firstRowKey: reader.page(queue, Date.now(), 0, 1)[0]?.key }))
    .find(
      (candidate): candidate is { queue: QueueId; firstRowKey: string } =>
        candidate.firstRowKey !== undefined,
    );
  if (!away) throw new Error('no other queue has rows to switch to between opens');
  return {
    now,
    openAlerts: openAlerts.length,
    fillSeconds,
    catchUpSeconds,
    catchUpTicks,
    firstRowKey,
    away,
    sql: {
      sqlCountMs: round(countMs),
      sqlFirstPageMs: round(firstPageMs),
      sqlLastPageMs: round(lastPageMs),
      sqlCountWarmMs: round(countWarmMs),
      sqlFirstPageWarmMs: round(firstPageWarmMs),
      sqlLastPageWarmMs: round(lastPageWarmMs),
    },
  };
}

/** A loopback port nothing listens on: the app's central server, unreachable. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startServe(dataDir: string): Promise<ReadyProcess> {
  const centralUrl = `http://127.0.0.1:${await closedPort()}`;
  return spawnServe({
    serveScript,
    cwd: root,
    dataDir,
    args: ['--central-url', centralUrl],
    timeoutMs: 120_000,
  });
}

async function stopServe(app: ReadyProcess): Promise<void> {
  const running = () => app.child.exitCode === null && app.child.signalCode === null;
  if (!running()) return;
  const exited = new Promise((resolve) => app.child.once('exit', resolve));
  app.child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (running()) app.child.kill('SIGKILL');
}

/**
 * Waits until the app's process has gone quiet: under a tenth of a core over the last 6 s. Right after start its
 * rules engine makes a full pass over the cache, and whatever the catch-up left (or the clock brought since) is
 * worked off; the measurements are of the console in steady use, so they wait for that to end (its duration is
 * reported).
 */
async function waitUntilQuiet(pid: number): Promise<{ settled: boolean; seconds: number }> {
  const started = performance.now();
  const samples: { at: number; cpu: number }[] = [];
  for (;;) {
    const cpu = cpuSeconds(pid);
    if (cpu === null) return { settled: false, seconds: 0 };
    const at = performance.now();
    samples.push({ at, cpu });
    const windowStart = samples.find((sample) => at - sample.at <= 6_000);
    if (windowStart && at - started >= 6_000 && at - windowStart.at >= 5_000) {
      const share = (cpu - windowStart.cpu) / ((at - windowStart.at) / 1000);
      if (share < 0.1) return { settled: true, seconds: (at - started) / 1000 };
    }
    if (at - started > settleTimeoutMs) return { settled: false, seconds: (at - started) / 1000 };
    if (samples.length % 15 === 0) progress('settling', { seconds: Math.round((at - started) / 1000) });
    await sleep(1_000);
  }
}

interface BridgeCall {
  name: string | null;
  start: number;
  end: number | null;
}

interface ProbeResult {
  timedOut: boolean;
  keyAt: number | null;
  domAt: number | null;
  paintedAt: number | null;
  calls: BridgeCall[];
  eventTiming: { startTime: number; processingStart: number; processingEnd: number; duration: number } | null;
}

interface RowTarget {
  rowIndex: number;
  rowId?: string;
  /** The class the row must carry: ag-row-selected, ag-row-focus, or none. */
  mark: 'selected' | 'focused' | null;
}

interface Measured {
  ms: number;
  result: ProbeResult;
}

/** Presses `key` and measures, in the page, from its keydown to the painted frame showing `target`. */
async function measureKey(page: Page, key: string, target: RowTarget, timeoutMs: number): Promise<Measured> {
  await page.evaluate(
    ([awaitedKey, row]) => {
      (window as ProbeWindow).__dutydeskBench.arm(awaitedKey, row);
    },
    [key, target] as const,
  );
  await page.keyboard.press(key);
  const result = await page.evaluate(
    (timeout) => (window as ProbeWindow).__dutydeskBench.result(timeout),
    timeoutMs,
  );
  const ms =
    result.timedOut || result.keyAt === null || result.paintedAt === null
      ? timeoutMs
      : result.paintedAt - result.keyAt;
  return { ms, result };
}

/** What bench/ui-probe.js puts on the page's window. */
interface ProbeWindow {
  __dutydeskBench: {
    arm: (key: string, target: RowTarget) => void;
    result: (timeoutMs: number) => Promise<ProbeResult>;
    awaitedRowShown: (target: RowTarget) => boolean;
  };
}
// Named only inside functions that Playwright runs in the page, where `window` exists.
declare const window: unknown;

const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);
const median = (values: readonly number[]) => round(percentile(sorted(values), 50));
const p95 = (values: readonly number[]) => round(percentile(sorted(values), 95));

/** Where an open's time went: before the page asked for rows, the bridge call, and after the answer. */
function openBreakdown(
  measured: Measured,
): { beforeCallMs: number; callMs: number; afterCallMs: number } | null {
  const { keyAt, paintedAt, calls } = measured.result;
  const call = calls.find((entry) => entry.name === 'getQueuePage' && entry.end !== null);
  if (keyAt === null || paintedAt === null || !call || call.end === null) return null;
  return {
    beforeCallMs: call.start - keyAt,
    callMs: call.end - call.start,
    afterCallMs: paintedAt - call.end,
  };
}

async function main(): Promise<number> {
  if (!fs.existsSync(serveScript)) throw new BenchFailure(`${serveScript} is missing: build first`, 1);
  // Chromium first: no point filling a million alerts for a browser that is not there.
  const probeBrowser = await launchChromium();
  const chromiumVersion = probeBrowser.version();
  await probeBrowser.close();
  progress('chromium', { version: chromiumVersion, executable: chromiumExecutable() ?? 'playwright' });

  const cache = openBenchCache({ prefix: 'dutydesk-bench-ui-', keep: values.keep });
  let app: ReadyProcess | null = null;
  let browser: Browser | null = null;
  try {
    progress('fill', {
      dataDir: cache.dir,
      alerts: alertCount,
      queueRows,
      scenes: sceneCount,
      devices: deviceCount,
    });
    const filled = fillCache(cache);
    cache.close();
    progress('filled', {
      seconds: round(filled.fillSeconds),
      rulesCatchUpSeconds: round(filled.catchUpSeconds),
      rulesCatchUpTicks: filled.catchUpTicks,
      openAlerts: filled.openAlerts,
      cacheMb: Math.round(fs.statSync(cache.file).size / 1024 / 1024),
      ...filled.sql,
    });

    app = await startServe(cache.dir);
    const pid = app.child.pid ?? 0;
    progress('serving', { url: app.url.replace(/token=.*/, 'token=…') });
    const settle = await waitUntilQuiet(pid);
    progress('quiet', { settled: settle.settled, seconds: round(settle.seconds) });

    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    await context.addInitScript({ path: probeScript });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(app.url);
    // Loaded: the queue list shows the counts, and the first queue (the default) shows its first row.
    await page
      .getByTestId(`queue-count-${QUEUE}`)
      .filter({ hasText: String(queueRows) })
      .waitFor({ timeout: 60_000 });
    const queueKey = (queue: QueueId) => String(queueIds.indexOf(queue) + 1);
    /** Waits for the grid to show `rowId` as its first row. */
    const firstRowShown = (rowId: string) =>
      page.waitForFunction(
        (id) =>
          (window as ProbeWindow).__dutydeskBench.awaitedRowShown({
            rowIndex: 0,
            rowId: id,
            mark: null,
          }),
        rowId,
        { timeout: OPEN_TIMEOUT_MS },
      );
    // The default queue's grid is up, and the page has had a moment to finish loading.
    await page.getByTestId('queue-grid').waitFor({ timeout: 60_000 });
    // The page's first key or click unlocks the alarm sound (it creates an AudioContext: about 50 ms, once). An
    // operator's first gesture is signing in; here it is a key bound to nothing, so the cold open is the queue's.
    await page.keyboard.press('Shift');
    await sleep(1_000);

    // With --profile, the page's main thread is sampled during the cold open, the warm opens and the presses.
    const profiles: Record<string, ProfileSummary> = {};
    const cdp = values.profile ? await context.newCDPSession(page) : null;
    const sourceMaps = new Map<string, SourceMap | null>();
    const appOrigin = new URL(app.url).origin;
    // The app's scripts are served from <dist>/renderer; their maps lie beside them.
    const sourceMapFor = (url: string) => {
      if (!sourceMaps.has(url)) {
        const pathname = url.startsWith(appOrigin) ? new URL(url).pathname : null;
        sourceMaps.set(
          url,
          pathname ? readSourceMap(path.join(root, distDir, 'renderer', `${pathname}.map`)) : null,
        );
      }
      return sourceMaps.get(url) ?? null;
    };
    const profiled = async (name: string, run: () => Promise<void>): Promise<void> => {
      if (!cdp) return run();
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
      await cdp.send('Profiler.start');
      try {
        await run();
      } finally {
        const { profile } = await cdp.send('Profiler.stop');
        fs.mkdirSync(profileDir, { recursive: true });
        fs.writeFileSync(path.join(profileDir, `${name}.cpuprofile`), JSON.stringify(profile));
        profiles[name] = summarizeProfile(profile, sourceMapFor);
        progress('profile', { name, ...profiles[name] });
      }
    };

    // Opens: the first cold, then away to another queue and back.
    const opens: Measured[] = [];
    const openOnce = async (n: number) => {
      const measured = await measureKey(
        page,
        queueKey(QUEUE),
        { rowIndex: 0, rowId: filled.firstRowKey, mark: null },
        OPEN_TIMEOUT_MS,
      );
      opens.push(measured);
      progress('open', { n, ms: round(measured.ms), timedOut: measured.result.timedOut });
      await sleep(300);
    };
    await profiled('cold-open', () => openOnce(1));
    await profiled('opens', async () => {
      for (let open = 2; open <= openCount; open += 1) {
        await page.keyboard.press(queueKey(filled.away.queue));
        await firstRowShown(filled.away.firstRowKey);
        await sleep(300);
        await openOnce(open);
      }
    });

    // Key to paint: into the grid with j (the first row), then j down the queue.
    const first = await measureKey(page, 'j', { rowIndex: 0, mark: 'selected' }, PRESS_TIMEOUT_MS);
    progress('first row', { ms: round(first.ms) });
    const presses: Measured[] = [];
    await profiled('presses', async () => {
      for (let press = 1; press <= pressCount; press += 1) {
        const rowIndex = Math.min(press, queueRows - 1);
        const measured = await measureKey(page, 'j', { rowIndex, mark: 'selected' }, PRESS_TIMEOUT_MS);
        presses.push(measured);
        if (press % 50 === 0 || measured.result.timedOut) {
          const recent = presses.slice(-50).map((entry) => entry.ms);
          progress('presses', {
            done: press,
            recentP50Ms: median(recent),
            recentMaxMs: round(Math.max(...recent)),
          });
        }
        await sleep(PRESS_GAP_MS);
      }
    });

    // Jumps: End to the last row (a page not loaded yet), Home back to the first. Each is measured to the painted
    // frame showing the row focused with its data; whether it then also carries the selection is counted apart.
    const rowSelected = (rowIndex: number) =>
      page.evaluate(
        (index) =>
          (window as ProbeWindow).__dutydeskBench.awaitedRowShown({ rowIndex: index, mark: 'selected' }),
        rowIndex,
      );
    const ends: Measured[] = [];
    const homes: Measured[] = [];
    let jumpsLeftUnselected = 0;
    for (let jump = 0; jump < jumpCount; jump += 1) {
      for (const [key, rowIndex, series] of [
        ['End', queueRows - 1, ends],
        ['Home', 0, homes],
      ] as const) {
        series.push(await measureKey(page, key, { rowIndex, mark: 'focused' }, OPEN_TIMEOUT_MS));
        await sleep(300);
        if (!(await rowSelected(rowIndex))) jumpsLeftUnselected += 1;
      }
      progress('jump', {
        end: round(ends.at(-1)?.ms ?? Number.NaN),
        home: round(homes.at(-1)?.ms ?? Number.NaN),
        leftUnselected: jumpsLeftUnselected,
      });
    }
    if (jumpsLeftUnselected > 0) {
      console.error(
        `${jumpsLeftUnselected} of ${jumpCount * 2} End/Home jumps focused their row but left it unselected ` +
          '(ag-grid refuses to select a row whose page is still loading: warning #60)',
      );
    }

    const memory = memoryMb(pid);
    const openMs = opens.map((entry) => entry.ms);
    const warm = openMs.slice(1);
    const pressMs = presses.map((entry) => entry.ms);
    const breakdowns = opens.map(openBreakdown);
    const coldBreakdown = breakdowns[0] ?? null;
    const warmBreakdowns = breakdowns.slice(1).filter((entry) => entry !== null);
    const withFetch = presses.filter((entry) =>
      entry.result.calls.some((call) => call.name === 'getQueuePage'),
    );
    const slowest = [...presses].sort((a, b) => b.ms - a.ms).slice(0, 5);
    const timeouts = [...opens, first, ...presses, ...ends, ...homes].filter(
      (entry) => entry.result.timedOut,
    ).length;
    for (const entry of slowest) {
      progress('slow press', {
        ms: round(entry.ms),
        keyToDomMs:
          entry.result.domAt !== null && entry.result.keyAt !== null
            ? round(entry.result.domAt - entry.result.keyAt)
            : null,
        calls: entry.result.calls.map((call) => ({
          name: call.name,
          atMs: round(call.start - (entry.result.keyAt ?? call.start)),
          ms: call.end === null ? null : round(call.end - call.start),
        })),
        eventTiming: entry.result.eventTiming,
      });
    }
    if (pageErrors.length > 0) progress('page errors', { errors: pageErrors.slice(0, 5) });
    const keyEventTimings = presses.map((entry) => entry.result.eventTiming);

    console.log(
      JSON.stringify({
        alerts: alertCount,
        queueRows,
        queue: QUEUE,
        openMs: round(Math.max(...openMs)),
        openColdMs: round(openMs[0] ?? Number.NaN),
        openWarmP50Ms: warm.length > 0 ? median(warm) : null,
        openWarmP95Ms: warm.length > 0 ? p95(warm) : null,
        opens: openMs.length,
        // Where an open's time went: keydown to the page's request for rows, the bridge call (its SQL included),
        // and from the answer to the painted frame.
        openColdBeforeCallMs: coldBreakdown ? round(coldBreakdown.beforeCallMs) : null,
        openColdCallMs: coldBreakdown ? round(coldBreakdown.callMs) : null,
        openColdAfterCallMs: coldBreakdown ? round(coldBreakdown.afterCallMs) : null,
        openWarmBeforeCallP50Ms: median(warmBreakdowns.map((entry) => entry.beforeCallMs)),
        openWarmCallP50Ms: median(warmBreakdowns.map((entry) => entry.callMs)),
        openWarmAfterCallP50Ms: median(warmBreakdowns.map((entry) => entry.afterCallMs)),
        keyToPaintP50Ms: median(pressMs),
        keyToPaintP95Ms: p95(pressMs),
        keyToPaintMaxMs: round(Math.max(...pressMs)),
        presses: pressMs.length,
        pressesWithPageFetch: withFetch.length,
        keydownsOver16MsByEventTiming: keyEventTimings.filter((entry) => entry !== null).length,
        endToPaintMs: ends.map((entry) => round(entry.ms)),
        homeToPaintMs: homes.map((entry) => round(entry.ms)),
        jumpsLeftUnselected,
        timeouts,
        ...filled.sql,
        fillSeconds: round(filled.fillSeconds),
        rulesCatchUpSeconds: round(filled.catchUpSeconds),
        openAlerts: filled.openAlerts,
        settleSeconds: round(settle.seconds),
        settled: settle.settled,
        serveRssMb: memory.rssMb,
        servePeakRssMb: memory.peakRssMb,
        chromium: chromiumVersion,
        node: process.version,
        ...(values.profile
          ? {
              profiled: true,
              profileBusyMs: Object.fromEntries(
                Object.entries(profiles).map(([name, summary]) => [name, summary.busyMs]),
              ),
              profileTopSources: Object.fromEntries(
                Object.entries(profiles).map(([name, summary]) => [name, summary.bySource.slice(0, 6)]),
              ),
            }
          : {}),
      }),
    );
    if (timeouts > 0) {
      console.error(`${timeouts} measurement(s) timed out: the awaited row was never painted (see above)`);
      return 1;
    }
    return 0;
  } catch (error) {
    if (app) console.error(`browser mode's last words:\n${app.stderrTail()}`);
    throw error;
  } finally {
    await browser?.close();
    if (app) await stopServe(app);
    cache.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench:ui failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof BenchFailure ? error.exitCode : 1);
  },
);
