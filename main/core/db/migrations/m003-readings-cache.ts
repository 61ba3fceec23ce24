import type { Migration } from '../migrate';

/**
 * What the detail pane keeps beside the synced entities.
 *
 * 1. `readings_cache`: the last readings fetched from the central platform for an alert (GET
 *    /alerts/{id}/readings), as validated, so the chart still shows them offline. Not tied to the alert row by a
 *    trigger: a full resync deletes every alert before pulling them again, and the readings must survive it. Rows
 *    are pruned by age instead (the `readings_cache_fetched` index keeps that a range delete).
 * 2. `local_prompt_subject`: the prompts the rules raised about one item, for its detail pane. m002's indexes all
 *    lead with the rule (or the state), so a lookup by subject alone would scan every prompt.
 */
export const m003ReadingsCache: Migration = {
  version: 3,
  name: 'readings-cache',
  up(db) {
    db.exec(`
      CREATE TABLE readings_cache (
        alert_id TEXT PRIMARY KEY,
        -- When the series was fetched (ms, UTC, server clock).
        fetched_at INTEGER NOT NULL,
        -- The series as validated (JSON), without its source.
        data TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX readings_cache_fetched ON readings_cache (fetched_at);

      CREATE INDEX local_prompt_subject ON local_prompt (subject_entity, subject_id);
    `);
  },
};
