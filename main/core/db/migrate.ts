import type Database from 'better-sqlite3';

/** One schema step. Files are named by version (`m001-initial.ts`, ...) and listed in order in the registry. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export class NewerDatabaseError extends Error {
  constructor(
    readonly file: string,
    readonly databaseVersion: number,
    readonly appVersion: number,
  ) {
    super(
      `${file} was written by a newer DutyDesk (schema version ${databaseVersion}; this app knows up to ${appVersion}). ` +
        'It was not touched: start the newer DutyDesk, or move the file away to resync from the central platform.',
    );
    this.name = 'NewerDatabaseError';
  }
}

/** The registry must run 1, 2, 3, ... with no gap and no repeat; a mistake here is a programming error. */
export function checkRegistry(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migration registry out of order: position ${index + 1} holds version ${migration.version} (${migration.name})`,
      );
    }
  });
}

/**
 * Brings the database to the newest schema: each pending migration in its own transaction, recording
 * `PRAGMA user_version` inside it, so a crash leaves the database at a whole version. A database from a
 * newer app is refused and left untouched.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], file: string): number {
  checkRegistry(migrations);
  const target = migrations.length;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > target) throw new NewerDatabaseError(file, current, target);
  for (const migration of migrations.slice(current)) {
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return target;
}
