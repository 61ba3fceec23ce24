import type { Migration } from '../migrate';

/**
 * A work prompt raised on this workstation and issued to the central platform lives twice: as `local_prompt`
 * (what the queues show) and as the platform's `work_prompt` of the same id (the synced document, with this
 * workstation's pending actions folded over it: sync/outbox.ts). The local prompt follows the platform's
 * document (rules/prompt-follow.ts): the recipient acknowledging or resolving it there, and an action of ours
 * that the platform rejected, whose effect the outbox withdraws from the document.
 *
 * 1. `local_prompt_follow` is a change queue filled by triggers, as `rule_dirty` is (m002): every write of a
 *    work_prompt row that has a local prompt notes its id, in the writer's transaction, whichever connection
 *    writes it (the sync worker's pages and outbox, the core's actions); the rules tick drains it. Rows of
 *    prompts issued elsewhere cost one primary-key probe of local_prompt and are not noted.
 * 2. `outbox_issue_by_prompt`: the issue actions by prompt id, so that a local prompt whose platform document
 *    disappeared is told apart in one probe: an issue the platform rejected (the prompt goes back to raised)
 *    from one it applied whose document is on its way again (a full resync dropped it meanwhile).
 */
export const m005PromptFollow: Migration = {
  version: 5,
  name: 'prompt-follow',
  up(db) {
    db.exec(`
      CREATE TABLE local_prompt_follow (prompt_id TEXT PRIMARY KEY) WITHOUT ROWID;

      CREATE TRIGGER work_prompt_follow_inserted AFTER INSERT ON work_prompt
        WHEN EXISTS (SELECT 1 FROM local_prompt WHERE id = NEW.id)
      BEGIN
        INSERT INTO local_prompt_follow (prompt_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
      END;
      CREATE TRIGGER work_prompt_follow_updated AFTER UPDATE ON work_prompt
        WHEN EXISTS (SELECT 1 FROM local_prompt WHERE id = NEW.id)
      BEGIN
        INSERT INTO local_prompt_follow (prompt_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
      END;
      CREATE TRIGGER work_prompt_follow_deleted AFTER DELETE ON work_prompt
        WHEN EXISTS (SELECT 1 FROM local_prompt WHERE id = OLD.id)
      BEGIN
        INSERT INTO local_prompt_follow (prompt_id) VALUES (OLD.id) ON CONFLICT DO NOTHING;
      END;

      CREATE INDEX outbox_issue_by_prompt ON outbox (json_extract(args, '$.promptId'), seq)
        WHERE name = 'issueWorkPrompt';

      -- Prompts issued before this version: their documents may have moved on already.
      INSERT INTO local_prompt_follow (prompt_id)
        SELECT p.id FROM local_prompt p JOIN work_prompt w ON w.id = p.id;
    `);
  },
};
