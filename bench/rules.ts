/**
 * Benchmark of the work-prompt rules engine: full evaluation ticks over a large cache.
 *
 *   npm run bench:rules -- --alerts 1000000 [--ticks 50] [--scenes 400] [--devices 60000] [--file cache.db] [--keep]
 *
 * Two series of ticks are measured: as the app runs them (tickP50Ms, tickP95Ms: the two rules with the largest
 * subject sets evaluated incrementally between full passes), and with every rule in full on every tick
 * (fullPassP50Ms, fullPassP95Ms).
 *
 * The cache is filled directly with SQL, in the shape the sync engine writes (indexed columns plus the document in
 * `data`), with a mix like a district's history: about 2 % of alerts open, a quarter of those without a handler,
 * red ones rare, one in twenty-two with non-standard elements, some scenes silent or syncing badly, some devices
 * offline or misregistered. Between ticks a little sync traffic arrives (new alerts, dispatches, closures) and the
 * clock moves 5 s, so each tick has real work, as in production. The catch-up after the fill (checking every open
 * document once and raising the whole backlog of prompts, a budgeted tick at a time) is reported apart. The last
 * output line is one JSON object.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { createManualClock } from '../main/core/clock';
import { silentLogger } from '../main/core/logger';
import { shippedRulesConfig } from '../main/core/rules/config';
import { createRulesEngine, type TickReport } from '../main/core/rules/engine';
import { DEFAULT_STEP_SLICE_MS } from '../main/core/rules/schedule';
import {
  alertId,
  alertInsertSql,
  alertRow,
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
  type AlertShape,
  type FillContext,
} from './cache-fill';

/** Tuesday 15 September 2026, 10:00 in Shanghai. */
const NOW = Date.UTC(2026, 8, 15, 2, 0);

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '1000000' },
    ticks: { type: 'string', default: '50' },
    scenes: { type: 'string', default: '400' },
    devices: { type: 'string', default: '60000' },
    file: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const alertCount = positiveFlag('alerts', values.alerts);
const tickCount = positiveFlag('ticks', values.ticks);
const sceneCount = positiveFlag('scenes', values.scenes);
const deviceCount = positiveFlag('devices', values.devices);

const random = createRandom(20261115);
const { chance, pick } = random;

function main(): void {
  const cache = openBenchCache({ prefix: 'dutydesk-bench-rules-', file: values.file, keep: values.keep });
  const { db } = cache;
  try {
    console.error(
      `filling ${cache.file}: ${alertCount.toLocaleString('en')} alerts, ${sceneCount} scenes, ${deviceCount.toLocaleString('en')} devices`,
    );
    const fillStarted = performance.now();
    const fill: FillContext = { db, random, now: NOW };
    beginFill(db);
    const scenes = db.transaction(() => fillScenes(fill, sceneCount, deviceCount))();
    const devices = db.transaction(() => fillDevices(fill, scenes, deviceCount))();
    // A district's history: about 2 % of alerts open (recent, a quarter without a handler), the rest closed.
    const openAlerts = fillAlerts(fill, alertCount, (serial) => {
      const open = chance(0.02);
      return {
        id: alertId(serial),
        scene: pick(scenes),
        deviceId: pick(devices),
        // History spreads over two years; open alerts are recent (the last ten days).
        reportedAt: open ? NOW - random.next() * 10 * DAY : NOW - 10 * DAY - random.next() * 720 * DAY,
        open,
        handler: open ? !chance(0.25) : true,
        level: drawLevel(random),
        nonStandard: chance(1 / 22),
      };
    });
    db.prepare(
      `INSERT INTO key_period (id, version, starts_at, ends_at, data) VALUES ('KP-NATIONAL-DAY', 1, ?, ?, ?)`,
    ).run(NOW + 16 * DAY, NOW + 23 * DAY, JSON.stringify({ name: '国庆假期', kind: 'holiday' }));
    db.prepare('UPDATE sync_state SET last_success_at = ? WHERE id = 1').run(NOW - 20_000);
    endFill(db);
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    console.error(
      `filled in ${fillSeconds.toFixed(1)} s (${openAlerts.length.toLocaleString('en')} open alerts)`,
    );

    // In the app, the sync worker's connection, which writes nearly all of the log, copies it back into the
    // database (a WAL checkpoint, past SQLite's 1,000 pages) on its own thread, and the core's connection only past
    // 10,000 (open-database.ts). A second connection does it here between ticks, as the worker's would, so that the
    // ticks are timed as the app has them.
    const syncSide = new Database(cache.file);
    const checkpointAsTheSyncDoes = (): void => {
      syncSide.pragma('wal_checkpoint(PASSIVE)');
    };
    const clock = createManualClock(NOW);
    const engine = createRulesEngine({ db, clock, config: shippedRulesConfig(), logger: silentLogger });
    // After the initial sync the engine works off its backlog (every open document to check, every prompt to
    // raise) a budgeted tick at a time; the schedule runs these back to back, in steps of a bounded time slice,
    // serving the event loop between them (the longest step is how long it holds the thread). Taken here as the
    // schedule takes them, and reported apart from steady ticks.
    const catchUp: number[] = [];
    let catchUpLongestStep = 0;
    let documentsChecked = 0;
    let backlogRaised = 0;
    for (let backlog = true; backlog;) {
      const report = engine.tick({ sliceMs: DEFAULT_STEP_SLICE_MS });
      checkpointAsTheSyncDoes();
      catchUp.push(report.durationMs);
      catchUpLongestStep = Math.max(catchUpLongestStep, report.longestStepMs);
      documentsChecked += report.documentsChecked;
      backlogRaised += report.raised;
      backlog = report.backlog;
    }
    console.error(
      `catch-up: ${catchUp.length} ticks, ${catchUp.reduce((a, b) => a + b, 0).toFixed(0)} ms in all, ` +
        `longest ${Math.max(...catchUp).toFixed(1)} ms, longest step ${catchUpLongestStep.toFixed(1)} ms ` +
        `(${documentsChecked} documents checked, ${backlogRaised} prompts raised)`,
    );

    const insert = db.prepare(alertInsertSql);
    const undispatched = openAlerts.filter((shape) => !shape.handler);
    let serial = alertCount;
    /** Sync traffic between ticks, as one commit: a few new alerts, a few dispatches and closures. */
    const syncCommit = db.transaction(() => {
      for (let i = 0; i < 20; i += 1) {
        const shape: AlertShape = {
          id: alertId(serial++),
          scene: pick(scenes),
          deviceId: pick(devices),
          reportedAt: clock.now() - random.next() * 2 * HOUR,
          open: true,
          handler: chance(0.5),
          level: drawLevel(random),
          nonStandard: chance(1 / 22),
        };
        insert.run(alertRow(random, shape));
        openAlerts.push(shape);
        if (!shape.handler) undispatched.push(shape);
      }
      for (let dispatched = 0; dispatched < 5 && undispatched.length > 0;) {
        const shape = undispatched.shift() as AlertShape;
        if (!shape.open) continue;
        shape.handler = true;
        insert.run(alertRow(random, shape, 2));
        dispatched += 1;
      }
      for (let i = 0; i < 5 && openAlerts.length > 0; i += 1) {
        const shape = openAlerts.splice(Math.floor(random.next() * openAlerts.length), 1)[0] as AlertShape;
        shape.open = false;
        insert.run(alertRow(random, shape, 3));
      }
    });
    const series = (tickOnce: () => TickReport) => {
      const durations: number[] = [];
      let raised = 0;
      let resolved = 0;
      for (let tick = 0; tick < tickCount; tick += 1) {
        syncCommit();
        clock.advance(5_000);
        const report = tickOnce();
        checkpointAsTheSyncDoes();
        durations.push(report.durationMs);
        raised += report.raised;
        resolved += report.resolved;
      }
      const sorted = [...durations].sort((a, b) => a - b);
      return {
        p50: round(percentile(sorted, 50)),
        p95: round(percentile(sorted, 95)),
        max: round(sorted[sorted.length - 1] ?? Number.NaN),
        raised,
        resolved,
      };
    };

    // As the app runs: the two largest rules incremental between full passes (every 5 minutes of server time).
    const steady = series(() => engine.tick());
    console.error(`ticks: p50 ${steady.p50} ms, p95 ${steady.p95} ms`);
    const counts = engine.counts();
    // Every rule in full on every tick: the safety-net pass, and the cost if nothing were incremental.
    const fullEngine = createRulesEngine({
      db,
      clock,
      config: shippedRulesConfig(),
      logger: silentLogger,
      fullPassEveryMs: 0,
    });
    fullEngine.tick();
    const full = series(() => fullEngine.tick());
    syncSide.close();
    console.error(`full-pass ticks: p50 ${full.p50} ms, p95 ${full.p95} ms`);
    const openPrompts = (
      db.prepare("SELECT COUNT(*) AS n FROM local_prompt WHERE state <> 'resolved'").get() as { n: number }
    ).n;
    console.error(`queue counts: ${JSON.stringify(counts)}`);
    console.log(
      JSON.stringify({
        alerts: alertCount,
        openAlerts: openAlerts.length,
        scenes: sceneCount,
        devices: deviceCount,
        ticks: tickCount,
        tickP50Ms: steady.p50,
        tickP95Ms: steady.p95,
        tickMaxMs: steady.max,
        fullPassP50Ms: full.p50,
        fullPassP95Ms: full.p95,
        fullPassMaxMs: full.max,
        catchUpTicks: catchUp.length,
        catchUpLongestTickMs: round(Math.max(...catchUp)),
        catchUpLongestStepMs: round(catchUpLongestStep),
        catchUpTotalMs: round(catchUp.reduce((a, b) => a + b, 0)),
        openPrompts,
        raisedDuringTicks: steady.raised + full.raised,
        resolvedDuringTicks: steady.resolved + full.resolved,
        fillSeconds: Math.round(fillSeconds * 10) / 10,
        cacheBytes: fs.statSync(cache.file).size,
        node: process.version,
      }),
    );
  } finally {
    cache.dispose();
  }
}

main();
