// The tables of roomcast.db and their version. PRAGMA user_version holds the version and application_id
// marks the file as roomcast's; a later schema adds a step to `migrations` and never edits an old one.
import type { DatabaseSync } from 'node:sqlite';

/** 'rcst' */
const applicationId = 0x72637374;

/** migrations[i] takes the schema from version i to i + 1. */
const migrations: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
   CREATE TABLE accounts (
     nick_key TEXT PRIMARY KEY, nick TEXT NOT NULL, password_hash TEXT NOT NULL,
     operator INTEGER NOT NULL, created_at_ms INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE rooms (
     id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, epoch TEXT NOT NULL, top_seq INTEGER NOT NULL,
     dropped_through INTEGER NOT NULL, events INTEGER NOT NULL, bytes INTEGER NOT NULL
   );
   -- Up to 64 of a room's events from one flush (event-chunk.ts). id is the order flushes wrote them in, which the
   -- bound across rooms drops from; kept_from is the first event of body still kept, events and bytes
   -- what is kept of it; (room_id, last_seq) serves the reads.
   CREATE TABLE chunks (
     id INTEGER PRIMARY KEY, room_id INTEGER NOT NULL, last_seq INTEGER NOT NULL,
     kept_from INTEGER NOT NULL, events INTEGER NOT NULL, bytes INTEGER NOT NULL, body TEXT NOT NULL
   );
   CREATE INDEX chunks_by_room ON chunks (room_id, last_seq);`,
];

export const schemaVersion = migrations.length;

/** Brings `db` (a new file or an older roomcast schema) to `schemaVersion`; throws, naming `file`, for anything else. */
export function migrate(db: DatabaseSync, file: string): void {
  const pragma = (name: string) => Number(Object.values(db.prepare(`PRAGMA ${name}`).get()!)[0]);
  const version = pragma('user_version');
  const id = pragma('application_id');
  const isEmpty = version === 0 && id === 0 && pragma('page_count') <= 1 && db.prepare('SELECT 1 FROM sqlite_schema').get() === undefined;
  if (!isEmpty && id !== applicationId)
    throw new Error(`${file} is an SQLite database but not roomcast's; give --data-dir a directory of its own`);
  if (version > schemaVersion) {
    throw new Error(
      `${file} has schema version ${version}, newer than this roomcast knows (${schemaVersion}): run a newer roomcast, or restore a backup`,
    );
  }
  if (version === schemaVersion) return;
  db.exec('BEGIN');
  try {
    for (const step of migrations.slice(version)) db.exec(step);
    db.exec(`PRAGMA application_id = ${applicationId}; PRAGMA user_version = ${schemaVersion}`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
