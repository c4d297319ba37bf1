/**
 * The sessions' table (`clients`, clientStore.ts), which every object that
 * serves sockets keeps: the list's object and each relay run these same
 * migrations. The first two ids are the ones the list recorded when these
 * were its migrations 002 and 003, so existing storage reads as set up.
 */
import type { Schema } from "../platform/migrate";

export const SESSION_SCHEMA: Schema = {
  owner: "sessions",
  migrations: [
    {
      // One row per client session (across its reconnections), not per frame:
      // what a client still has to receive follows from `base_pos` and the log.
      id: "002_clients",
      sql: `CREATE TABLE clients (
        client_id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        base_pos INTEGER NOT NULL,
        connection_id TEXT NOT NULL,
        disconnected_at INTEGER,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX clients_by_disconnected_at ON clients (disconnected_at)`,
    },
    {
      // Resumes name their connection attempt, so a late, older attempt cannot
      // take a session over; tokens rotate, and the one a client last used
      // stays good for a newer attempt until the client uses its successor.
      // `acked` is what the session had acknowledged when its socket closed.
      id: "003_session_attempts",
      sql: `ALTER TABLE clients ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE clients ADD COLUMN acked INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE clients ADD COLUMN prev_token_hash TEXT;
      CREATE UNIQUE INDEX clients_by_prev_token_hash ON clients (prev_token_hash) WHERE prev_token_hash IS NOT NULL`,
    },
    {
      // When each session's current token was issued: the token it replaced
      // resumes only for RESUME_TOKEN_GRACE_MS after that (none does for rows
      // from before, whose time is unknown). Storage set up before this was
      // the sessions' own migration has the column already (the list's
      // 007_ceilings_and_expiry, a relay's r002_token_issued_at added it), so
      // it is added only where it is missing.
      id: "s004_token_issued_at",
      rewrite: (sql) => {
        const columns = sql.exec<{ name: string }>(`SELECT name FROM pragma_table_info('clients')`).toArray();
        if (!columns.some((column) => column.name === "token_issued_at")) sql.exec(`ALTER TABLE clients ADD COLUMN token_issued_at INTEGER`);
      },
    },
  ],
};
