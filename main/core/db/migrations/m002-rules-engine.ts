import type { Migration } from '../migrate';

/**
 * What the work-prompt rules engine (main/core/rules) keeps beside the synced entities.
 *
 * 1. `local_prompt` is rebuilt with an `episode` in its unique key. m001's key (rule, subject, stage) allowed one
 *    prompt per subject for ever: a device that goes offline again next week, or a scene silent again next month,
 *    could never be prompted again. The episode is when the condition began (the device's offline_since, the
 *    scene's last alert, ...), so each occurrence gets its prompt once and a prompt an operator closed while the
 *    condition persists is not raised again. The lifecycle (issued, acknowledged, resolved, snoozed) gets columns
 *    of its own, and a partial unique index makes "at most one open prompt per rule and subject" a fact of the
 *    schema rather than a hope.
 * 2. `rule_dirty` is a change queue filled by triggers: the rules that judge a document's contents (alert
 *    elements, device info and location, a scene's sync figures) re-check only what changed instead of parsing
 *    twenty thousand open alerts' JSON on every tick. Closed alerts never enter it. `rule_changed_alert` logs the
 *    same alert changes for the tick's incremental evaluation of the two rules with the largest subject sets.
 * 3. `rule_finding` holds those checks' results (one row per rule and subject while the finding stands), so the
 *    tick reads them with one indexed range.
 * 4. `rule_engine_state` keeps the engine's own bookmarks (when calendar rules were last evaluated, which
 *    configuration the findings were computed with).
 */
export const m002RulesEngine: Migration = {
  version: 2,
  name: 'rules-engine',
  up(db) {
    db.exec(`
      CREATE TABLE local_prompt_v2 (
        id TEXT PRIMARY KEY,
        rule TEXT NOT NULL,
        subject_entity TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        episode INTEGER NOT NULL DEFAULT 0,
        stage INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('raised', 'issued', 'acknowledged', 'resolved')),
        recipient_role TEXT NOT NULL,
        reason TEXT NOT NULL,
        raised_at INTEGER NOT NULL,
        due_at INTEGER,
        data_as_of INTEGER,
        snoozed_until INTEGER,
        snooze_reason TEXT,
        snoozed_by TEXT,
        issued_at INTEGER,
        issued_by TEXT,
        acknowledged_at INTEGER,
        acknowledged_by TEXT,
        acknowledgement_note TEXT,
        resolved_at INTEGER,
        resolved_by TEXT,
        resolution_kind TEXT,
        resolution TEXT,
        updated_at INTEGER NOT NULL DEFAULT 0,
        detail TEXT NOT NULL DEFAULT '{}',
        UNIQUE (rule, subject_entity, subject_id, episode, stage)
      );
      INSERT INTO local_prompt_v2 (id, rule, subject_entity, subject_id, episode, stage, state, recipient_role, reason,
                                   raised_at, due_at, data_as_of, snoozed_until, updated_at, detail)
        SELECT id, rule, subject_entity, subject_id, 0, stage,
               CASE WHEN state IN ('raised', 'issued', 'acknowledged', 'resolved') THEN state ELSE 'raised' END,
               recipient_role, reason, raised_at, due_at, data_as_of, snoozed_until, raised_at, detail
          FROM local_prompt;
      DROP TABLE local_prompt;
      ALTER TABLE local_prompt_v2 RENAME TO local_prompt;

      -- m001's index, kept under its name for whoever lists prompts by state and deadline.
      CREATE INDEX local_prompt_active ON local_prompt (state, due_at);
      -- At most one open prompt per rule and subject: a later stage or episode replaces the open one.
      CREATE UNIQUE INDEX local_prompt_one_open ON local_prompt (rule, subject_entity, subject_id)
        WHERE state <> 'resolved';
      -- The tick's view of a rule's open prompts, answered from the index alone.
      CREATE INDEX local_prompt_open_by_rule
        ON local_prompt (rule, subject_entity, subject_id, episode, stage, state, snoozed_until, id)
        WHERE state <> 'resolved';
      -- Snoozed prompts whose snooze ends (resolving a prompt clears its snooze, so this stays small).
      CREATE INDEX local_prompt_snoozed ON local_prompt (snoozed_until) WHERE snoozed_until IS NOT NULL;

      -- The triggers use ON CONFLICT DO NOTHING, not INSERT OR IGNORE: an outer statement's conflict
      -- algorithm overrides OR IGNORE inside a trigger, and the sync writes entities with an upsert
      -- (https://www.sqlite.org/lang_createtrigger.html).
      CREATE TABLE rule_dirty (
        entity TEXT NOT NULL,
        id TEXT NOT NULL,
        PRIMARY KEY (entity, id)
      ) WITHOUT ROWID;

      -- Open alerts that changed, in order, for the rules the tick evaluates incrementally (超期未派单, 超期未结案):
      -- between two ticks their verdict on an alert changes only with time or with the alert itself.
      CREATE TABLE rule_changed_alert (
        seq INTEGER PRIMARY KEY,
        alert_id TEXT NOT NULL
      );

      -- Open alerts only: a closed alert cannot be non-standard any more, and history must cost nothing.
      CREATE TRIGGER alert_rules_inserted AFTER INSERT ON alert WHEN NEW.closed_at IS NULL
      BEGIN
        INSERT INTO rule_dirty (entity, id) VALUES ('alert', NEW.id) ON CONFLICT DO NOTHING;
        INSERT INTO rule_changed_alert (alert_id) VALUES (NEW.id);
      END;
      CREATE TRIGGER alert_rules_updated AFTER UPDATE ON alert
        WHEN OLD.closed_at IS NULL OR NEW.closed_at IS NULL
      BEGIN
        INSERT INTO rule_dirty (entity, id) VALUES ('alert', NEW.id) ON CONFLICT DO NOTHING;
        INSERT INTO rule_changed_alert (alert_id) VALUES (NEW.id);
      END;
      CREATE TRIGGER alert_rules_deleted AFTER DELETE ON alert WHEN OLD.closed_at IS NULL
      BEGIN
        INSERT INTO rule_dirty (entity, id) VALUES ('alert', OLD.id) ON CONFLICT DO NOTHING;
        INSERT INTO rule_changed_alert (alert_id) VALUES (OLD.id);
      END;
      CREATE TRIGGER device_rules_inserted AFTER INSERT ON device
      BEGIN
        INSERT INTO rule_dirty (entity, id) VALUES ('device', NEW.id) ON CONFLICT DO NOTHING;
      END;
      CREATE TRIGGER device_rules_updated AFTER UPDATE ON device
      BEGIN
        INSERT INTO rule_dirty (entity, id) VALUES ('device', NEW.id) ON CONFLICT DO NOTHING;
      END;
      CREATE TRIGGER device_rules_deleted AFTER DELETE ON device
      BEGIN
        INSERT INTO rule_dirty (entity, id) VALUES ('device', OLD.id) ON CONFLICT DO NOTHING;
      END;
      CREATE TRIGGER scene_rules_inserted AFTER INSERT ON scene
      BEGIN
        INSERT INTO rule_dirty (entity, id) VALUES ('scene', NEW.id) ON CONFLICT DO NOTHING;
      END;
      CREATE TRIGGER scene_rules_updated AFTER UPDATE ON scene
      BEGIN
        INSERT INTO rule_dirty (entity, id) VALUES ('scene', NEW.id) ON CONFLICT DO NOTHING;
      END;
      CREATE TRIGGER scene_rules_deleted AFTER DELETE ON scene
      BEGIN
        INSERT INTO rule_dirty (entity, id) VALUES ('scene', OLD.id) ON CONFLICT DO NOTHING;
      END;

      CREATE TABLE rule_finding (
        rule TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        -- When the condition began (ms, UTC): the episode of the prompt it leads to.
        onset INTEGER NOT NULL,
        -- What was found, as JSON, for the prompt's reason.
        detail TEXT NOT NULL,
        PRIMARY KEY (rule, subject_id)
      ) WITHOUT ROWID;

      CREATE TABLE rule_engine_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      -- m001's partial indexes for 超期未派单, 超期未结案 and 设备离线, widened under the same names to carry the id:
      -- the tick then reads them alone (covering), without one row lookup per open alert in a million-row table.
      -- closed_at is carried too although it is always NULL there: SQLite treats a partial index's "col = constant"
      -- terms as covered, but not its "col IS NULL" terms, and would otherwise visit every row to re-check it.
      DROP INDEX alert_undispatched;
      CREATE INDEX alert_undispatched ON alert (reported_at, id, closed_at) WHERE has_handler = 0 AND closed_at IS NULL;
      DROP INDEX alert_open_deadline;
      CREATE INDEX alert_open_deadline ON alert (deadline_at, id, closed_at) WHERE closed_at IS NULL;
      DROP INDEX device_offline;
      CREATE INDEX device_offline ON device (offline_since, id) WHERE status = 'offline';
    `);
  },
};
