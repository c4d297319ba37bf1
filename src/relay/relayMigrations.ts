/**
 * A relay's schema, append-only like the list's (src/room/migrations.ts):
 * the list's session tables, the same SQL, since a relay's sessions are the
 * list's sessions kept elsewhere, and the replica of the log (replica.ts).
 */
import { MIGRATIONS, type Migration } from "../room/migrations";

function listMigration(id: string): Migration {
  const migration = MIGRATIONS.find((candidate) => candidate.id === id);
  if (!migration) throw new Error(`the list has no migration ${id}`);
  return migration;
}

export const RELAY_MIGRATIONS: readonly Migration[] = [
  listMigration("002_clients"),
  listMigration("003_session_attempts"),
  {
    // Items as they are now (`item` is their JSON, null once removed) and the
    // changes after the position the replica was seeded at. Items below
    // `floor_pos` were never copied: a snapshot stops there and says older
    // items exist when the list said so (`older_below_floor`).
    id: "r001_replica",
    sql: `CREATE TABLE replica_items (
      pos INTEGER PRIMARY KEY,
      id TEXT NOT NULL,
      item TEXT,
      at INTEGER NOT NULL
    );
    CREATE TABLE replica_changes (
      pos INTEGER PRIMARY KEY,
      item_pos INTEGER NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('edited', 'removed')),
      at INTEGER NOT NULL
    );
    CREATE TABLE replica_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      last_pos INTEGER NOT NULL,
      floor_pos INTEGER NOT NULL,
      older_below_floor INTEGER NOT NULL
    )`,
  },
  {
    // The list's 007 gave sessions the time their token was issued (the
    // replaced token's grace, RESUME_TOKEN_GRACE_MS); a relay's sessions too.
    id: "r002_token_issued_at",
    sql: `ALTER TABLE clients ADD COLUMN token_issued_at INTEGER`,
  },
];
