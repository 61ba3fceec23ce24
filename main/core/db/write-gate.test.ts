import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createWriteGate, gateTransactions, waitForCoreWrites } from './write-gate';

const held = (buffer: SharedArrayBuffer): number => Atomics.load(new Int32Array(buffer), 0);
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function database(): Database.Database {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dutydesk-gate-'));
  dirs.push(dir);
  const db = new Database(path.join(dir, 'cache.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (n INTEGER)');
  return db;
}

describe('the write gate', () => {
  it('is held while each writing variant of a transaction runs, nested ones too, and released after a throw', () => {
    const db = database();
    const gate = createWriteGate();
    gateTransactions(db, gate);
    const seen: number[] = [];
    const insert = db.prepare('INSERT INTO t (n) VALUES (?)');
    const inner = db.transaction((n: number) => {
      seen.push(held(gate.buffer));
      insert.run(n);
    });
    const outer = db.transaction((n: number) => {
      seen.push(held(gate.buffer));
      inner(n);
      return n * 2;
    });
    expect(outer(1)).toBe(2);
    expect(outer.immediate(2)).toBe(4);
    expect(outer.deferred(3)).toBe(6);
    expect(outer.exclusive(4)).toBe(8);
    expect(outer.default(5)).toBe(10);
    // A deferred transaction only reads: it does not hold the gate (its nested call, a plain one, does).
    expect(seen).toEqual([1, 2, 1, 2, 0, 1, 1, 2, 1, 2]);
    expect(() =>
      db
        .transaction(() => {
          insert.run(6);
          throw new Error('refused');
        })
        .immediate(),
    ).toThrow('refused');
    expect(held(gate.buffer)).toBe(0);
    // The transactions are real: committed, and the failed one rolled back.
    expect(db.prepare('SELECT n FROM t ORDER BY n').pluck().all()).toEqual([1, 2, 3, 4, 5]);
    db.close();
  });

  it('lets the worker go at once when no core write is announced', async () => {
    const started = performance.now();
    await waitForCoreWrites(createWriteGate().buffer);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('makes the worker wait until the core’s write, on another thread, is done', async () => {
    const gate = createWriteGate();
    // The core's thread announces a write and holds it 300 ms (the worker's side is this thread here).
    const core = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const writers = new Int32Array(workerData);
       Atomics.add(writers, 0, 1);
       parentPort.postMessage('holding');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
       Atomics.sub(writers, 0, 1);
       Atomics.notify(writers, 0);`,
      { eval: true, workerData: gate.buffer },
    );
    await new Promise((resolve) => core.once('message', resolve));
    const started = performance.now();
    await waitForCoreWrites(gate.buffer);
    const waited = performance.now() - started;
    expect(held(gate.buffer)).toBe(0);
    expect(waited).toBeGreaterThan(150);
    await core.terminate();
  });

  it('waits no longer than its bound for a core that never lets go', async () => {
    const gate = createWriteGate();
    Atomics.add(new Int32Array(gate.buffer), 0, 1);
    const started = performance.now();
    await waitForCoreWrites(gate.buffer, 100);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(95);
    expect(waited).toBeLessThan(1_000);
  });
});
