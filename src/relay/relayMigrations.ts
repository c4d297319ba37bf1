/**
 * A relay's tables: the sessions' (the engine's, src/delivery/sessions/
 * sessionMigrations.ts, which the list's object runs too) and the replica of
 * the log (replica.ts), each schema append-only.
 */
import type { Schema } from "../delivery/platform/migrate";
import { SESSION_SCHEMA } from "../delivery/sessions/sessionMigrations";

const REPLICA_SCHEMA: Schema = {
  owner: "replica",
  migrations: [
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
  ],
  // It gave the relay's sessions `token_issued_at`: the sessions' own s004_token_issued_at does that now.
  retired: ["r002_token_issued_at"],
};

export const RELAY_SCHEMAS: readonly Schema[] = [SESSION_SCHEMA, REPLICA_SCHEMA];
