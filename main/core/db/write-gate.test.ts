import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { beginPageWrite, createWriteGate, gateTransactions } from './write-gate';

/** The core's announced writes (slot 0) and whether the worker writes a page (slot 1). */
const held = (buffer: SharedArrayBuffer): number => Atomics.load(new Int32Array(buffer), 0);
const pageBeingWritten = (buffer: SharedArrayBuffer): boolean =>
  Atomics.load(new Int32Array(buffer), 1) === 1;
const dirs: string[] = [];

/**
 * Another thread (the core's or the worker's) raises a slot of the gate, holds it 300 ms, then lowers it and wakes
 * whoever waits on it. Resolves once the slot is raised.
 */
async function holdOnAnotherThread(buffer: SharedArrayBuffer, slot: 0 | 1): Promise<Worker> {
  const thread = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const slots = new Int32Array(workerData.buffer);
     Atomics.add(slots, workerData.slot, 1);
     parentPort.postMessage('holding');
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
     Atomics.sub(slots, workerData.slot, 1);
     Atomics.notify(slots, workerData.slot);`,
    { eval: true, workerData: { buffer, slot } },
  );
  await new Promise((resolve) => thread.once('message', resolve));
  return thread;
}

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

  it('lets the worker begin a page at once when no core write is announced, and marks the page', async () => {
    const gate = createWriteGate();
    const started = performance.now();
    const endPage = await beginPageWrite(gate.buffer);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(pageBeingWritten(gate.buffer)).toBe(true);
    endPage();
    expect(pageBeingWritten(gate.buffer)).toBe(false);
  });

  it('makes the worker wait until the core’s write, on another thread, is done', async () => {
    const gate = createWriteGate();
    // The core's thread announces a write and holds it 300 ms (the worker's side is this thread here).
    const core = await holdOnAnotherThread(gate.buffer, 0);
    const started = performance.now();
    const endPage = await beginPageWrite(gate.buffer);
    const waited = performance.now() - started;
    expect(held(gate.buffer)).toBe(0);
    expect(pageBeingWritten(gate.buffer)).toBe(true);
    expect(waited).toBeGreaterThan(150);
    endPage();
    await core.terminate();
  });

  it('waits no longer than its bound for a core that never lets go', async () => {
    const gate = createWriteGate();
    Atomics.add(new Int32Array(gate.buffer), 0, 1);
    const started = performance.now();
    await beginPageWrite(gate.buffer, 100);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(95);
    expect(waited).toBeLessThan(1_000);
    expect(pageBeingWritten(gate.buffer)).toBe(true);
  });

  it('lets a core write wait for the page being written, on another thread, without blocking its own', async () => {
    const gate = createWriteGate();
    // The worker writes a page for 300 ms.
    const worker = await holdOnAnotherThread(gate.buffer, 1);
    const started = performance.now();
    const timerFiredAfter: number[] = [];
    setTimeout(() => timerFiredAfter.push(performance.now() - started), 20);
    const result = await gate.whenWorkerIdle(() => ({
      ranAfter: performance.now() - started,
      pageBeingWritten: pageBeingWritten(gate.buffer),
      held: held(gate.buffer),
    }));
    expect(result.ranAfter).toBeGreaterThan(150);
    expect(result.pageBeingWritten).toBe(false);
    // Announced while it ran (so no page began), released after.
    expect(result.held).toBe(1);
    expect(held(gate.buffer)).toBe(0);
    // The thread went on serving its event loop meanwhile.
    expect(timerFiredAfter).toHaveLength(1);
    expect(timerFiredAfter[0]).toBeLessThan(result.ranAfter);
    await worker.terminate();
  });

  it('lets a core write that waits for a page go before the next page', async () => {
    const gate = createWriteGate();
    const order: string[] = [];
    const endFirstPage = await beginPageWrite(gate.buffer);
    const coreWrite = gate.whenWorkerIdle(() => order.push('core write'));
    // The worker finishes its page and at once begins the next: the core's write, waiting since, goes first.
    endFirstPage();
    const nextPage = beginPageWrite(gate.buffer).then((endPage) => {
      order.push('next page');
      endPage();
    });
    await Promise.all([coreWrite, nextPage]);
    expect(order).toEqual(['core write', 'next page']);
  });

  it('runs core writes that wait in the order they were asked for, a failed one not stopping the next', async () => {
    const gate = createWriteGate();
    const order: string[] = [];
    const endPage = await beginPageWrite(gate.buffer);
    const first = gate.whenWorkerIdle(() => order.push('first'));
    const failing = gate.whenWorkerIdle(() => {
      throw new Error('refused');
    });
    endPage();
    // Asked for once the page ended: the gate is open, yet it waits for those asked for before it.
    const third = gate.whenWorkerIdle(() => order.push('third'));
    await expect(failing).rejects.toThrow('refused');
    await Promise.all([first, third]);
    expect(order).toEqual(['first', 'third']);
    expect(held(gate.buffer)).toBe(0);
  });

  it('runs a core write after its bound when a page never ends (a worker that died mid-page)', async () => {
    const gate = createWriteGate();
    await beginPageWrite(gate.buffer);
    const started = performance.now();
    await gate.whenWorkerIdle(() => undefined, 100);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(95);
    expect(waited).toBeLessThan(1_000);
    expect(held(gate.buffer)).toBe(0);
  });

  it('releases the gate when a core write that waited throws', async () => {
    const gate = createWriteGate();
    await expect(
      gate.whenWorkerIdle(() => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(held(gate.buffer)).toBe(0);
  });
});
