import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { describeIssues } from '../validation';
import { CacheWriter, tableOf } from './cache-writer';
import {
  isMutationName,
  localEffects,
  mutationArgSchemas,
  type ActingOperator,
  type EffectContext,
  type MutationName,
} from './mutations';
import type { EntityName } from './wire';

export type OutboxState = 'pending' | 'applied' | 'rejected' | 'discarded';

export interface OutboxEntry {
  seq: number;
  mutationId: string;
  name: MutationName;
  args: unknown;
  createdAt: string;
  operatorId: string;
  operatorName: string;
  clientId: string;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  rejectedCode: string | null;
  rejectedMessage: string | null;
}

interface OutboxRow {
  seq: number;
  mutation_id: string;
  name: string;
  args: string;
  created_at: string;
  operator_id: string;
  operator_name: string;
  client_id: string;
  state: OutboxState;
  attempts: number;
  last_error: string | null;
  rejected_code: string | null;
  rejected_message: string | null;
}

export class ActionRejectedLocally extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActionRejectedLocally';
  }
}

function toEntry(row: OutboxRow): OutboxEntry {
  if (!isMutationName(row.name))
    throw new Error(`outbox entry ${row.mutation_id} has an unknown name ${row.name}`);
  return {
    seq: row.seq,
    mutationId: row.mutation_id,
    name: row.name,
    args: JSON.parse(row.args) as unknown,
    createdAt: row.created_at,
    operatorId: row.operator_id,
    operatorName: row.operator_name,
    clientId: row.client_id,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    rejectedCode: row.rejected_code,
    rejectedMessage: row.rejected_message,
  };
}

const contextOf = (entry: OutboxEntry): EffectContext => ({
  operator: { id: entry.operatorId, name: entry.operatorName },
  at: entry.createdAt,
  clientId: entry.clientId,
});

type Key = `${string}\u0000${string}`;
const keyOf = (entity: string, id: string): Key => `${entity}\u0000${id}`;

/**
 * The outbox: operator actions in the order they were made, each written together with its local
 * effect in one transaction, then sent by the sync engine and completed by the server's answer.
 *
 * Local effects are kept rebased on the server's data: `local_base` holds the server's version of each
 * document an unfinished action touches, and the cache row is always that base with the pending
 * effects folded over it in outbox order.
 */
export class Outbox {
  readonly #writer: CacheWriter;
  readonly #statements;
  /** Documents whose server data was pulled (rebased) while a pending action touched them. */
  readonly #rebasedWhilePending = new Set<Key>();
  /**
   * Documents all of whose actions were confirmed after their server data had been pulled meanwhile:
   * that data may already show the actions, and the server will not send it again. The cache row keeps
   * the operator's view until a pull begun after the confirmation has caught up (see settle), which
   * either brought newer server data or proved the base is the latest. Value: the confirmation count.
   */
  readonly #unsettled = new Map<Key, number>();
  #confirmations = 0;

  constructor(private readonly db: Database.Database) {
    this.#writer = new CacheWriter(db);
    this.#statements = {
      insert: db.prepare(
        `INSERT INTO outbox (mutation_id, name, args, created_at, operator_id, operator_name, client_id, state)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`,
      ),
      bySeq: db.prepare('SELECT * FROM outbox WHERE seq = ?'),
      byId: db.prepare('SELECT * FROM outbox WHERE mutation_id = ?'),
      pending: db.prepare("SELECT * FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?"),
      unfinished: db.prepare("SELECT * FROM outbox WHERE state IN ('pending', 'rejected') ORDER BY seq"),
      pendingOf: db.prepare(
        "SELECT count(*) AS count FROM outbox WHERE state = 'pending' AND operator_id = ?",
      ),
      counts: db.prepare(
        "SELECT sum(state = 'pending') AS pending, sum(state = 'rejected') AS rejected FROM outbox WHERE state IN ('pending', 'rejected')",
      ),
      touch: db.prepare(
        'INSERT OR IGNORE INTO outbox_touch (mutation_id, entity, entity_id) VALUES (?, ?, ?)',
      ),
      touchesOf: db.prepare('SELECT entity, entity_id AS id FROM outbox_touch WHERE mutation_id = ?'),
      pendingTouching: db.prepare(
        `SELECT o.* FROM outbox_touch t JOIN outbox o ON o.mutation_id = t.mutation_id
          WHERE t.entity = ? AND t.entity_id = ? AND o.state = 'pending' ORDER BY o.seq`,
      ),
      baseOf: db.prepare('SELECT document FROM local_base WHERE entity = ? AND entity_id = ?'),
      saveBase: db.prepare(
        'INSERT INTO local_base (entity, entity_id, document) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET document = excluded.document',
      ),
      dropBase: db.prepare('DELETE FROM local_base WHERE entity = ? AND entity_id = ?'),
      allBases: db.prepare('SELECT entity, entity_id AS id FROM local_base'),
      complete: db.prepare(
        "UPDATE outbox SET state = 'applied', completed_at = ?, last_error = NULL WHERE mutation_id = ? AND state = 'pending'",
      ),
      reject: db.prepare(
        "UPDATE outbox SET state = 'rejected', rejected_code = ?, rejected_message = ?, completed_at = ? WHERE mutation_id = ? AND state = 'pending'",
      ),
      discard: db.prepare(
        "UPDATE outbox SET state = 'discarded', completed_at = ? WHERE mutation_id = ? AND state = 'rejected'",
      ),
      attemptFailed: db.prepare(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE mutation_id = ? AND state = 'pending'",
      ),
      audit: db.prepare(
        'INSERT INTO audit (at, operator_id, action, subject, detail) VALUES (?, ?, ?, ?, ?)',
      ),
    };
    // After a restart nothing tells which documents were refreshed while their actions waited: assume
    // all were, and settle the ones a previous run left unsettled at the next caught-up pull.
    for (const { entity, id } of this.#statements.allBases.all() as { entity: EntityName; id: string }[]) {
      if (this.#statements.pendingTouching.all(entity, id).length > 0)
        this.#rebasedWhilePending.add(keyOf(entity, id));
      else this.#unsettled.set(keyOf(entity, id), 0);
    }
  }

  /** How many actions were confirmed so far (read when a pull starts; see settle). */
  get confirmations(): number {
    return this.#confirmations;
  }

  /**
   * Records an operator action: validates its arguments (a message naming the field otherwise), writes
   * the outbox entry and its local effect in one transaction, and returns the entry, pending.
   */
  enqueue(input: {
    name: string;
    args: unknown;
    operator: ActingOperator;
    at: string;
    clientId: string;
  }): OutboxEntry {
    if (!isMutationName(input.name)) throw new ActionRejectedLocally(`unknown action "${input.name}"`);
    const parsed = (mutationArgSchemas[input.name] as z.ZodType).safeParse(input.args);
    if (!parsed.success) throw new ActionRejectedLocally(describeIssues(parsed.error, input.name));
    const mutationId = randomUUID();
    return this.db
      .transaction(() => {
        const info = this.#statements.insert.run(
          mutationId,
          input.name,
          JSON.stringify(parsed.data),
          input.at,
          input.operator.id,
          input.operator.name,
          input.clientId,
        );
        const entry = toEntry(this.#statements.bySeq.get(info.lastInsertRowid) as OutboxRow);
        for (const effect of localEffects(entry.name, entry.args, contextOf(entry))) {
          this.#statements.touch.run(mutationId, effect.entity, effect.id);
          this.#ensureBase(effect.entity, effect.id);
          this.#recompute(effect.entity, effect.id);
        }
        this.#statements.audit.run(
          Date.parse(input.at),
          input.operator.id,
          `action.${input.name}`,
          mutationId,
          JSON.stringify(parsed.data),
        );
        return entry;
      })
      .immediate();
  }

  /**
   * The next entries to send, oldest first, as long as `operatorId` made them. The central platform
   * records the token's operator as the actor, so an action goes up only under the token of the
   * operator who took it; one taken by someone else stops the batch there (see heldFor).
   */
  pendingBatch(limit: number, operatorId: string): OutboxEntry[] {
    const batch: OutboxEntry[] = [];
    for (const row of this.#statements.pending.all(limit) as OutboxRow[]) {
      if (row.operator_id !== operatorId) break;
      batch.push(toEntry(row));
    }
    return batch;
  }

  /**
   * When the oldest pending action was taken by an operator other than `operatorId` (the one signed in
   * now), that operator and how many of their actions wait: they are sent once that operator signs in
   * again on this workstation. The actions behind them wait too, because the platform applies a
   * workstation's actions strictly in order. Null when nothing is held.
   */
  heldFor(operatorId: string | null): { operatorId: string; operatorName: string; count: number } | null {
    const head = this.#statements.pending.get(1) as OutboxRow | undefined;
    if (!head || head.operator_id === operatorId) return null;
    const { count } = this.#statements.pendingOf.get(head.operator_id) as { count: number };
    return { operatorId: head.operator_id, operatorName: head.operator_name, count };
  }

  /** Entries waiting to be sent or waiting for the operator (rejected), oldest first. */
  unfinished(): OutboxEntry[] {
    return (this.#statements.unfinished.all() as OutboxRow[]).map(toEntry);
  }

  get(mutationId: string): OutboxEntry | null {
    const row = this.#statements.byId.get(mutationId) as OutboxRow | undefined;
    return row ? toEntry(row) : null;
  }

  counts(): { pending: number; rejected: number } {
    const row = this.#statements.counts.get() as { pending: number | null; rejected: number | null };
    return { pending: row.pending ?? 0, rejected: row.rejected ?? 0 };
  }

  /** The server applied it (now or before): the entry is done; its effect stays until the server's data replaces it. */
  markApplied(mutationId: string, atMs: number): void {
    this.db
      .transaction(() => {
        if (this.#statements.complete.run(atMs, mutationId).changes === 0) return;
        this.#confirmations += 1;
        this.#releaseTouches(mutationId, false);
      })
      .immediate();
  }

  /** The server refused it: its effect is withdrawn and the operator decides (retry after editing, or discard). */
  markRejected(mutationId: string, code: string, message: string, atMs: number): void {
    this.db
      .transaction(() => {
        if (this.#statements.reject.run(code, message, atMs, mutationId).changes === 0) return;
        this.#releaseTouches(mutationId, true);
        this.#statements.audit.run(
          atMs,
          null,
          'outbox.rejected',
          mutationId,
          JSON.stringify({ code, message }),
        );
      })
      .immediate();
  }

  /** A sending attempt failed before the server answered for this entry; it stays pending. */
  markAttemptFailed(mutationIds: readonly string[], reason: string): void {
    this.db
      .transaction(() => {
        for (const id of mutationIds) this.#statements.attemptFailed.run(reason, id);
      })
      .immediate();
  }

  /** The operator gives up a rejected action (audited). */
  discard(mutationId: string, operator: ActingOperator, atMs: number): void {
    this.db
      .transaction(() => {
        if (this.#statements.discard.run(atMs, mutationId).changes === 0) {
          throw new ActionRejectedLocally(`action ${mutationId} is not waiting for a decision`);
        }
        this.#statements.audit.run(atMs, operator.id, 'outbox.discard', mutationId, '{}');
      })
      .immediate();
  }

  /** The operator edits a rejected action and sends it again: a new entry replaces it (both audited). */
  retryEdited(
    mutationId: string,
    args: unknown,
    operator: ActingOperator,
    at: string,
    clientId: string,
  ): OutboxEntry {
    return this.db
      .transaction(() => {
        const original = this.get(mutationId);
        if (original?.state !== 'rejected') {
          throw new ActionRejectedLocally(`action ${mutationId} is not waiting for a decision`);
        }
        this.#statements.discard.run(Date.parse(at), mutationId);
        const retry = this.enqueue({ name: original.name, args, operator, at, clientId });
        this.#statements.audit.run(
          Date.parse(at),
          operator.id,
          'outbox.retry',
          mutationId,
          JSON.stringify({ replacedBy: retry.mutationId }),
        );
        return retry;
      })
      .immediate();
  }

  /** Keys of documents with unfinished local effects (checked after every pulled page). */
  basedKeys(): Set<Key> {
    return new Set(
      (this.#statements.allBases.all() as { entity: string; id: string }[]).map((r) => keyOf(r.entity, r.id)),
    );
  }

  /**
   * After server data for a document with unfinished local effects was written: that data is the new
   * base, and the pending effects are folded over it again. Call inside the page's transaction.
   */
  rebase(entity: EntityName, id: string): void {
    this.#statements.saveBase.run(entity, id, this.#readDocumentText(entity, id));
    this.#recompute(entity, id);
    const key = keyOf(entity, id);
    this.#unsettled.delete(key);
    if (this.#statements.pendingTouching.all(entity, id).length > 0) this.#rebasedWhilePending.add(key);
    // Its actions were all confirmed and the server's newer data is now in the cache: settled.
    else this.#statements.dropBase.run(entity, id);
  }

  /**
   * After a pull that began when `confirmations` was `since` has caught up: every document confirmed
   * before then holds the server's latest data in its base, which now replaces the local effect. Call
   * inside the page's transaction.
   */
  settle(since: number): void {
    for (const [key, confirmedAt] of this.#unsettled) {
      if (confirmedAt > since) continue;
      this.#unsettled.delete(key);
      const [entity, id] = key.split('\u0000') as [EntityName, string];
      // A newer action took the document over: its own base and effects decide the row.
      if (this.#statements.pendingTouching.all(entity, id).length > 0) continue;
      const base = this.#statements.baseOf.get(entity, id) as { document: string | null } | undefined;
      if (base === undefined) continue;
      this.#writer.writeDocument(
        entity,
        id,
        base.document === null ? null : (JSON.parse(base.document) as Record<string, unknown>),
      );
      this.#statements.dropBase.run(entity, id);
    }
  }

  /** Folds every unfinished effect over its saved base again (after the cache's entities were dropped). */
  recomputeAll(): void {
    for (const { entity, id } of this.#statements.allBases.all() as { entity: EntityName; id: string }[]) {
      this.#recompute(entity, id);
    }
  }

  static isBased(keys: Set<Key>, entity: string, id: string): boolean {
    return keys.has(keyOf(entity, id));
  }

  #readDocumentText(entity: EntityName, id: string): string | null {
    const row = this.db.prepare(`SELECT data FROM ${tableOf(entity)} WHERE id = ?`).get(id) as
      { data: string } | undefined;
    return row?.data ?? null;
  }

  #ensureBase(entity: EntityName, id: string): void {
    if (this.#statements.baseOf.get(entity, id) === undefined) {
      this.#statements.saveBase.run(entity, id, this.#readDocumentText(entity, id));
    }
  }

  /** Cache row := base with every pending effect on it folded over, in outbox order. */
  #recompute(entity: EntityName, id: string): void {
    const base = this.#statements.baseOf.get(entity, id) as { document: string | null } | undefined;
    if (base === undefined) return;
    let document = base.document === null ? null : (JSON.parse(base.document) as Record<string, unknown>);
    for (const row of this.#statements.pendingTouching.all(entity, id) as OutboxRow[]) {
      const entry = toEntry(row);
      for (const effect of localEffects(entry.name, entry.args, contextOf(entry))) {
        if (effect.entity === entity && effect.id === id) document = effect.apply(document);
      }
    }
    this.#writer.writeDocument(entity, id, document);
  }

  #releaseTouches(mutationId: string, withdrawEffect: boolean): void {
    for (const { entity, id } of this.#statements.touchesOf.all(mutationId) as {
      entity: EntityName;
      id: string;
    }[]) {
      if (withdrawEffect) this.#recompute(entity, id);
      // Once no pending action touches a document, the cache row stays as the operator saw it until the
      // server's own version arrives. When server data arrived while the action waited, that data may
      // already be the server's own version (a lost answer, a crash): the base is then kept until a
      // later pull settles it, or the row would keep the local guess for good.
      if (this.#statements.pendingTouching.all(entity, id).length === 0) {
        const key = keyOf(entity, id);
        if (!withdrawEffect && this.#rebasedWhilePending.has(key))
          this.#unsettled.set(key, this.#confirmations);
        else this.#statements.dropBase.run(entity, id);
        this.#rebasedWhilePending.delete(key);
      }
    }
  }
}
