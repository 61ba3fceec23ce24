import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { cacheMigrations } from './index';
import { m005PromptFollow } from './m005-prompt-follow';

const beforeFollow = cacheMigrations.filter((migration) => migration.version < m005PromptFollow.version);

function insertLocalPrompt(db: Database.Database, id: string, subjectId: string, state: string): void {
  db.prepare(
    `INSERT INTO local_prompt (id, rule, subject_entity, subject_id, episode, stage, state, recipient_role, reason,
                               raised_at, updated_at, detail)
     VALUES (?, 'undispatched', 'alert', ?, 0, 0, ?, 'sceneOperator', '无处置人员', 0, 0, '{}')`,
  ).run(id, subjectId, state);
}

function insertWorkPrompt(db: Database.Database, id: string, status: string): void {
  db.prepare(
    `INSERT INTO work_prompt (id, version, rule, subject_entity, subject_id, status, due_at, data)
     VALUES (?, 1, 'undispatched', 'alert', 'A1', ?, 0, '{}')`,
  ).run(id, status);
}

const queued = (db: Database.Database): string[] =>
  (
    db.prepare('SELECT prompt_id FROM local_prompt_follow ORDER BY prompt_id').all() as {
      prompt_id: string;
    }[]
  ).map((row) => row.prompt_id);

describe('m005 prompt follow', () => {
  it('upgrades a version 4 cache, noting the prompts issued before it so that they catch up', () => {
    const db = new Database(':memory:');
    migrate(db, beforeFollow, 'memory');
    insertLocalPrompt(db, 'P-issued', 'A1', 'issued');
    insertLocalPrompt(db, 'P-raised', 'A2', 'raised');
    insertWorkPrompt(db, 'P-issued', 'acknowledged');
    insertWorkPrompt(db, 'P-elsewhere', 'issued');
    migrate(db, cacheMigrations, 'memory');
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(queued(db)).toEqual(['P-issued']);
  });

  it('notes every insert, update and delete of a platform prompt that has a local prompt, and only those', () => {
    const db = new Database(':memory:');
    migrate(db, cacheMigrations, 'memory');
    insertLocalPrompt(db, 'P-1', 'A1', 'issued');
    insertWorkPrompt(db, 'P-elsewhere', 'issued');
    expect(queued(db)).toEqual([]);

    insertWorkPrompt(db, 'P-1', 'issued');
    expect(queued(db)).toEqual(['P-1']);
    db.prepare('DELETE FROM local_prompt_follow').run();
    db.prepare("UPDATE work_prompt SET status = 'acknowledged' WHERE id = 'P-1'").run();
    expect(queued(db)).toEqual(['P-1']);
    db.prepare('DELETE FROM local_prompt_follow').run();
    db.prepare('DELETE FROM work_prompt').run();
    expect(queued(db)).toEqual(['P-1']);
    // Noted once however often it changes before the tick drains it.
    insertWorkPrompt(db, 'P-1', 'issued');
    expect(queued(db)).toEqual(['P-1']);
  });

  it('indexes the issue actions by prompt id, and only those', () => {
    const db = new Database(':memory:');
    migrate(db, cacheMigrations, 'memory');
    const insert = db.prepare(
      `INSERT INTO outbox (mutation_id, name, args, created_at, operator_id, operator_name, client_id, state)
       VALUES (?, ?, ?, '2026-11-24T00:00:00.000Z', 'op-1', '张敏', 'c-1', ?)`,
    );
    insert.run('m-1', 'issueWorkPrompt', '{"promptId":"P-1"}', 'rejected');
    insert.run('m-2', 'addNote', '{"noteId":"n-1"}', 'applied');
    insert.run('m-3', 'issueWorkPrompt', '{"promptId":"P-1"}', 'pending');
    const indexed = db
      .prepare(
        "SELECT mutation_id FROM outbox INDEXED BY outbox_issue_by_prompt WHERE name = 'issueWorkPrompt' AND json_extract(args, '$.promptId') IS NOT NULL ORDER BY mutation_id",
      )
      .all();
    expect(indexed).toEqual([{ mutation_id: 'm-1' }, { mutation_id: 'm-3' }]);
  });
});
