/**
 * Client sessions in SQLite: one row per client, written when a connection
 * opens, closes or is dropped — never per frame, so a save costs the same
 * whatever the audience. Resume tokens themselves are never stored, only
 * their SHA-256. The table is the sessions' own (sessionMigrations.ts).
 */
import type { Sql } from "../platform/sql";

export interface ClientRecord {
  clientId: string;
  /** The log position its snapshot covered; frames after it are derived from the log. */
  basePos: number;
  connectionId: string;
  /** The attempt number of the connection that holds the session now. */
  attempt: number;
  /** Highest seq acknowledged, as of when its last connection closed. */
  acked: number;
  /** `null` while a connection is (believed) open. */
  disconnectedAt: number | null;
}

interface ClientRow extends Record<string, SqlStorageValue> {
  client_id: string;
  base_pos: number;
  connection_id: string;
  attempt: number;
  acked: number;
  disconnected_at: number | null;
}

function toRecord(row: ClientRow): ClientRecord {
  return {
    clientId: row.client_id,
    basePos: row.base_pos,
    connectionId: row.connection_id,
    attempt: row.attempt,
    acked: row.acked,
    disconnectedAt: row.disconnected_at,
  };
}

export class ClientStore {
  constructor(private readonly sql: Sql) {}

  /**
   * The session whose current token has this hash, or whose previous token
   * does if its successor was issued at `replacedSince` or later (the
   * previous token is kept only until its successor is used: see {@link takeOver}).
   */
  findByTokenHash(tokenHash: string, replacedSince: number): ClientRecord | null {
    const row =
      this.sql<ClientRow>`SELECT * FROM clients WHERE token_hash = ${tokenHash}`[0] ??
      this.sql<ClientRow>`SELECT * FROM clients WHERE prev_token_hash = ${tokenHash} AND token_issued_at >= ${replacedSince}`[0];
    return row ? toRecord(row) : null;
  }

  find(clientId: string): ClientRecord | null {
    const row = this.sql<ClientRow>`SELECT * FROM clients WHERE client_id = ${clientId}`[0];
    return row ? toRecord(row) : null;
  }

  create(record: Pick<ClientRecord, "clientId" | "basePos" | "connectionId">, tokenHash: string, now: number): void {
    this.sql`INSERT INTO clients (client_id, token_hash, base_pos, connection_id, disconnected_at, created_at, token_issued_at)
      VALUES (${record.clientId}, ${tokenHash}, ${record.basePos}, ${record.connectionId}, NULL, ${now}, ${now})`;
  }

  /**
   * A newer attempt holds the session now, under a new token issued at `now`;
   * `usedTokenHash` stays good until the new one is used (which replaces it)
   * or the grace after `now` is over, whichever comes first.
   */
  takeOver(clientId: string, connectionId: string, attempt: number, tokenHash: string, usedTokenHash: string, now: number): void {
    this.sql`UPDATE clients SET connection_id = ${connectionId}, attempt = ${attempt}, disconnected_at = NULL,
      token_hash = ${tokenHash}, prev_token_hash = ${usedTokenHash}, token_issued_at = ${now}
      WHERE client_id = ${clientId}`;
  }

  /** Marks the client disconnected, unless a newer connection has taken it over. */
  detach(clientId: string, connectionId: string, now: number, acked: number | null): void {
    this.sql`UPDATE clients SET disconnected_at = ${now}, acked = MAX(acked, COALESCE(${acked}, acked))
      WHERE client_id = ${clientId} AND connection_id = ${connectionId} AND disconnected_at IS NULL`;
  }

  forget(clientId: string): void {
    this.sql`DELETE FROM clients WHERE client_id = ${clientId}`;
  }

  /** Rows that claim a live connection; after a restart some of them have none. */
  attached(): ClientRecord[] {
    return this.sql<ClientRow>`SELECT * FROM clients WHERE disconnected_at IS NULL`.map(toRecord);
  }

  forgetDisconnectedBefore(cutoff: number): void {
    this.sql`DELETE FROM clients WHERE disconnected_at IS NOT NULL AND disconnected_at < ${cutoff}`;
  }
}
