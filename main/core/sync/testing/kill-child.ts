/**
 * The process sync-kill.test.ts kills: it opens a cache file as the app does, signs in when the cache
 * holds no session, runs the sync engine against the reference server and makes operator actions
 * while it syncs. It reports on stdout, one line each (a pipe: written synchronously on Linux, so a
 * line the parent read describes something that happened):
 *   ready <stage> <pending>   the cache is open and the engine about to start
 *   E <mutationId>            an action was committed to the outbox (the operator saw it pending)
 *   C <stage> <pending>       a pulled page was committed
 *   P <pending>               a push completed
 *   done                      (finish mode) the outbox is empty and the cache caught up
 *
 * Modes: `chaos` runs the engine (pull, push, event stream) and makes `actions` actions, one every
 * `actionEveryMs`, until it is killed; `finish` pushes and pulls until there is nothing left, then exits.
 */
import type Database from 'better-sqlite3';
import { createServerClock, systemClockSources } from '../../clock';
import { cacheMigrations } from '../../db/migrations';
import { openCacheDatabase } from '../../db/open-database';
import { silentLogger } from '../../logger';
import { CentralClient } from '../central-client';
import { readSession, signIn } from '../session';
import { SyncEngine } from '../sync-engine';

export interface KillChildConfig {
  mode: 'chaos' | 'finish';
  cacheFile: string;
  centralUrl: string;
  run: number;
  pageLimit: number;
  /** The bundled page fetch thread, as the app runs the engine. */
  pageFetcherScript: string;
  actions: number;
  actionEveryMs: number;
}

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Which alert the k-th action of a run works on (a fixed spread over the cache's alerts). */
function alertFor(db: Database.Database, slot: number): string | null {
  const row = db.prepare('SELECT id FROM alert ORDER BY id LIMIT 1 OFFSET ?').get(slot % 40) as
    { id: string } | undefined;
  return row?.id ?? null;
}

async function main(config: KillChildConfig): Promise<void> {
  const { db } = openCacheDatabase(config.cacheFile, {
    migrations: cacheMigrations,
    now: () => new Date(),
    warn: (message) => process.stderr.write(`${message}\n`),
  });
  const clock = createServerClock();
  if (!readSession(db)?.token) {
    const client = new CentralClient({
      baseUrl: config.centralUrl,
      fetch: globalThis.fetch,
      monoNow: systemClockSources.monoNow,
      timeoutMs: 10_000,
      maxBodyBytes: 1024 * 1024,
      onOutcome: () => undefined,
    });
    await signIn(client, db, clock, { username: 'zhangmin', password: 'zhangmin-demo' });
  }
  let seed = config.run * 7919 + 1;
  const engine: SyncEngine = new SyncEngine({
    db,
    centralUrl: config.centralUrl,
    clock,
    monoNow: systemClockSources.monoNow,
    logger: silentLogger,
    pageLimit: config.pageLimit,
    pageFetcherScript: config.pageFetcherScript,
    pollIntervalMs: 150,
    requestTimeoutMs: 10_000,
    useEventStream: config.mode === 'chaos',
    heartbeatSilenceMs: 5_000,
    backoff: { baseMs: 50, capMs: 300 },
    circuit: { failureThreshold: 5, openMs: 300 },
    random: () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    },
    onUpdate: (update) => {
      if (update.kind === 'pageCommitted') {
        const snapshot = engine.snapshot();
        say(`C ${snapshot.progress.stage} ${snapshot.outbox.pending}`);
      } else if (update.kind === 'outboxChanged') {
        say(`P ${engine.outbox.counts().pending}`);
      }
    },
  });
  const first = engine.snapshot();
  say(`ready ${first.progress.stage} ${first.outbox.pending}`);

  if (config.mode === 'finish') {
    for (let round = 0; round < 200; round += 1) {
      await engine.pullUntilCaughtUp();
      while (engine.outbox.counts().pending > 0) await engine.pushOnce();
      // Caught up twice in a row with nothing to send: the server has nothing newer than the cache.
      if ((await engine.pullUntilCaughtUp()) === 0 && engine.outbox.counts().pending === 0) {
        say('done');
        await engine.stop();
        db.close();
        return;
      }
    }
    throw new Error('finish: did not settle');
  }

  engine.start();
  const session = readSession(db);
  if (!session) throw new Error('no session after sign-in');
  const operator = { id: session.operator.id, name: session.operator.name };
  const clientId = (
    db.prepare('SELECT client_id FROM sync_state WHERE id = 1').get() as { client_id: string }
  ).client_id;
  let claimed: string | null = null;
  let made = 0;
  const makeAction = (): void => {
    const k = made;
    made += 1;
    const alertId = alertFor(db, config.run * 3 + k);
    const subject = alertId
      ? { entity: 'alert' as const, id: alertId }
      : { entity: 'district' as const, id: 'district' };
    let name = 'addNote';
    let args: unknown = { noteId: `kill-${config.run}-${k}`, subject, text: `第 ${config.run} 轮记录 ${k}` };
    if (alertId && k % 4 === 1) {
      name = 'claimItem';
      args = { subject };
      claimed = alertId;
    } else if (claimed && k % 4 === 3) {
      name = 'releaseItem';
      args = { subject: { entity: 'alert', id: claimed } };
      claimed = null;
    }
    const entry = engine.outbox.enqueue({
      name,
      args,
      operator,
      at: new Date(clock.now()).toISOString(),
      clientId,
    });
    say(`E ${entry.mutationId}`);
    engine.kickPush();
  };
  makeAction();
  const timer = setInterval(() => {
    if (made >= config.actions) clearInterval(timer);
    else makeAction();
  }, config.actionEveryMs);
}

main(JSON.parse(process.argv[2] ?? '{}') as KillChildConfig).catch((error: unknown) => {
  process.stderr.write(
    `kill-child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
