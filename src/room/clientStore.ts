/**
 * Client sessions in SQLite: one row per client, written when a connection
 * opens, closes or is dropped — never per frame, so a save costs the same
 * whatever the audience. The resume token itself is never stored, only its
 * SHA-256.
 */
import type { Sql } from "./sql";

export interface ClientRecord {
  clientId: string;
  /** The log position its snapshot covered; frames after it are derived from the log. */
  basePos: number;
  connectionId: string;
  /** `null` while a connection is (believed) open. */
  disconnectedAt: number | null;
}

interface ClientRow extends Record<string, SqlStorageValue> {
  client_id: string;
  base_pos: number;
  connection_id: string;
  disconnected_at: number | null;
}

function toRecord(row: ClientRow): ClientRecord {
  return {
    clientId: row.client_id,
    basePos: row.base_pos,
    connectionId: row.connection_id,
    disconnectedAt: row.disconnected_at,
  };
}

export class ClientStore {
  constructor(private readonly sql: Sql) {}

  findByTokenHash(tokenHash: string): ClientRecord | null {
    const row = this.sql<ClientRow>`SELECT * FROM clients WHERE token_hash = ${tokenHash}`[0];
    return row ? toRecord(row) : null;
  }

  find(clientId: string): ClientRecord | null {
    const row = this.sql<ClientRow>`SELECT * FROM clients WHERE client_id = ${clientId}`[0];
    return row ? toRecord(row) : null;
  }

  create(record: Omit<ClientRecord, "disconnectedAt">, tokenHash: string, now: number): void {
    this.sql`INSERT INTO clients (client_id, token_hash, base_pos, connection_id, disconnected_at, created_at)
      VALUES (${record.clientId}, ${tokenHash}, ${record.basePos}, ${record.connectionId}, NULL, ${now})`;
  }

  attach(clientId: string, connectionId: string): void {
    this.sql`UPDATE clients SET connection_id = ${connectionId}, disconnected_at = NULL
      WHERE client_id = ${clientId}`;
  }

  /** Marks the client disconnected, unless a newer connection has taken it over. */
  detach(clientId: string, connectionId: string, now: number): void {
    this.sql`UPDATE clients SET disconnected_at = ${now}
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
