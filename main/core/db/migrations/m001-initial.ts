import type { Migration } from '../migrate';

/**
 * The first schema: one table per entity of the central contract (central/openapi.yaml) plus the local
 * tables. Entity rows keep the whole document in `data` (JSON, as received) and copy out only the
 * columns that queues and rules filter or sort on. Instants are INTEGER milliseconds since the epoch
 * (UTC), so comparisons are numeric and indexable.
 *
 * Indexes follow the hot queries (see cache-queries.test.ts, which checks their plans). Most are
 * partial: they hold only open items, so a million closed alerts cost them nothing to maintain.
 */
export const m001Initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE scene (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        category TEXT NOT NULL,
        last_alert_at INTEGER,
        sync_rate REAL,
        data TEXT NOT NULL
      );

      CREATE TABLE device (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        scene_id TEXT NOT NULL,
        status TEXT NOT NULL,
        offline_since INTEGER,
        info_error INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX device_offline ON device (offline_since) WHERE status = 'offline';
      CREATE INDEX device_info_error ON device (scene_id) WHERE info_error = 1;

      CREATE TABLE alert (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        scene_id TEXT NOT NULL,
        device_id TEXT,
        category TEXT NOT NULL,
        level TEXT NOT NULL,
        status TEXT NOT NULL,
        occurred_at INTEGER NOT NULL,
        reported_at INTEGER NOT NULL,
        has_handler INTEGER NOT NULL,
        dispatched_at INTEGER,
        deadline_at INTEGER NOT NULL,
        closed_at INTEGER,
        loop TEXT NOT NULL,
        major_loop_kind TEXT,
        verified_at INTEGER,
        non_standard INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      -- 红色预警: open red alerts, unverified first.
      CREATE INDEX alert_red_open ON alert (verified_at, reported_at) WHERE level = 'red' AND closed_at IS NULL;
      -- 超期未派单: open alerts without a handler, oldest first.
      CREATE INDEX alert_undispatched ON alert (reported_at) WHERE has_handler = 0 AND closed_at IS NULL;
      -- 超期未结案: open alerts by deadline.
      CREATE INDEX alert_open_deadline ON alert (deadline_at) WHERE closed_at IS NULL;
      -- 填报不规范: open non-standard alerts.
      CREATE INDEX alert_non_standard ON alert (reported_at) WHERE non_standard = 1 AND closed_at IS NULL;
      -- 静默场景 and the detail pane: the last alerts of a scene.
      CREATE INDEX alert_scene_reported ON alert (scene_id, reported_at);

      CREATE TABLE work_order (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        alert_id TEXT NOT NULL,
        status TEXT NOT NULL,
        deadline_at INTEGER NOT NULL,
        closed_at INTEGER,
        data TEXT NOT NULL
      );
      CREATE INDEX work_order_alert ON work_order (alert_id);

      CREATE TABLE work_prompt (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        rule TEXT NOT NULL,
        subject_entity TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        status TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX work_prompt_subject ON work_prompt (subject_entity, subject_id);
      CREATE INDEX work_prompt_open ON work_prompt (due_at) WHERE status <> 'resolved';

      CREATE TABLE timeline_entry (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        subject_entity TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX timeline_subject ON timeline_entry (subject_entity, subject_id, at);

      CREATE TABLE command_manual (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        scene_id TEXT NOT NULL,
        level TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX command_manual_scene ON command_manual (scene_id, level);

      CREATE TABLE key_period (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        starts_at INTEGER NOT NULL,
        ends_at INTEGER NOT NULL,
        data TEXT NOT NULL
      );

      CREATE TABLE operator (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        data TEXT NOT NULL
      );

      CREATE TABLE claim (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        subject_entity TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        operator_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX claim_subject ON claim (subject_entity, subject_id);

      CREATE TABLE handover (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        recorded_at INTEGER NOT NULL,
        data TEXT NOT NULL
      );

      -- Local: where the pull stands, and what the network and the server clock looked like.
      CREATE TABLE sync_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        client_id TEXT NOT NULL,
        -- The wire seq of an outbox entry is outbox.seq - seq_base (per client id, starting at 1); a new
        -- client id (the server lost track of ours) restarts the numbering at the first unfinished entry.
        seq_base INTEGER NOT NULL DEFAULT 0,
        cursor TEXT,
        phase TEXT NOT NULL DEFAULT 'initial',
        server_offset_ms REAL,
        last_success_at INTEGER,
        last_error TEXT,
        last_error_at INTEGER,
        initial_started_at INTEGER,
        initial_completed_at INTEGER,
        records_applied INTEGER NOT NULL DEFAULT 0,
        bytes_received INTEGER NOT NULL DEFAULT 0,
        full_resyncs INTEGER NOT NULL DEFAULT 0
      );
      INSERT INTO sync_state (id, client_id) VALUES (1, lower(hex(randomblob(16))));

      -- Local: operator actions waiting for (or refused by) the central platform, in the order made.
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        mutation_id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        args TEXT NOT NULL,
        created_at TEXT NOT NULL,
        operator_id TEXT NOT NULL,
        operator_name TEXT NOT NULL,
        client_id TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'applied', 'rejected', 'discarded')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        rejected_code TEXT,
        rejected_message TEXT,
        completed_at INTEGER
      );
      CREATE INDEX outbox_unfinished ON outbox (state, seq) WHERE state IN ('pending', 'rejected');

      -- Local: the documents each unfinished action changes, and the server's version of each document
      -- before those changes (null: absent on the server), so effects can be folded over fresh server data.
      CREATE TABLE outbox_touch (
        mutation_id TEXT NOT NULL REFERENCES outbox (mutation_id) ON DELETE CASCADE,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        PRIMARY KEY (entity, entity_id, mutation_id)
      ) WITHOUT ROWID;
      CREATE TABLE local_base (
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        document TEXT,
        PRIMARY KEY (entity, entity_id)
      ) WITHOUT ROWID;

      -- Local: the signed-in operator's session with the central platform.
      CREATE TABLE session (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        operator_id TEXT NOT NULL,
        operator TEXT NOT NULL,
        token TEXT,
        expires_at INTEGER
      );

      -- Local: work prompts raised by the rules engine on this workstation.
      CREATE TABLE local_prompt (
        id TEXT PRIMARY KEY,
        rule TEXT NOT NULL,
        subject_entity TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        stage INTEGER NOT NULL,
        state TEXT NOT NULL,
        recipient_role TEXT NOT NULL,
        reason TEXT NOT NULL,
        raised_at INTEGER NOT NULL,
        due_at INTEGER,
        data_as_of INTEGER,
        snoozed_until INTEGER,
        detail TEXT NOT NULL DEFAULT '{}',
        UNIQUE (rule, subject_entity, subject_id, stage)
      );
      CREATE INDEX local_prompt_active ON local_prompt (state, due_at);

      -- Local: the shift's duty log and the audit trail of operator decisions.
      CREATE TABLE duty_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        operator_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        subject_entity TEXT,
        subject_id TEXT,
        text TEXT NOT NULL
      );
      CREATE INDEX duty_log_at ON duty_log (at);

      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        operator_id TEXT,
        action TEXT NOT NULL,
        subject TEXT,
        detail TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_at ON audit (at);
    `);
  },
};
