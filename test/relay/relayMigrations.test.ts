import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runMigrations } from "../../src/delivery/platform/migrate";
import type { ListRelay } from "../../src/relay/ListRelay";
import { RELAY_SCHEMAS } from "../../src/relay/relayMigrations";

/** Storage as a relay's code before the sessions' own migrations left it: the list's 002 and 003, r001, and r002 when `withR002`. */
function oldRelayStorage(sql: SqlStorage, withR002: boolean): void {
  sql.exec("CREATE TABLE _migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
  const old = RELAY_SCHEMAS.flatMap((schema) => schema.migrations).filter((migration) => ["002_clients", "003_session_attempts", "r001_replica"].includes(migration.id));
  for (const migration of old) {
    sql.exec(migration.sql!);
    sql.exec("INSERT INTO _migrations (id, applied_at) VALUES (?, 0)", migration.id);
  }
  if (withR002) {
    sql.exec("ALTER TABLE clients ADD COLUMN token_issued_at INTEGER");
    sql.exec("INSERT INTO _migrations (id, applied_at) VALUES ('r002_token_issued_at', 0)");
  }
}

function migratedRelay(withR002: boolean) {
  const stub = env.LIST_RELAY.getByName(`relay-migrations-${crypto.randomUUID()}/relay/0`);
  return runInDurableObject(stub, (_relay: ListRelay, state) => {
    const sql = state.storage.sql;
    oldRelayStorage(sql, withR002);
    runMigrations(state.storage, RELAY_SCHEMAS);
    return {
      ids: sql.exec<{ id: string }>("SELECT id FROM _migrations ORDER BY id").toArray().map((row) => row.id),
      issuedAt: sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('clients') WHERE name = 'token_issued_at'").toArray().length,
    };
  });
}

describe("a relay's migrations", () => {
  it("a relay set up when r002 gave its sessions token_issued_at starts, keeping its history", async () => {
    expect(await migratedRelay(true)).toEqual({
      ids: ["002_clients", "003_session_attempts", "r001_replica", "r002_token_issued_at", "s004_token_issued_at"],
      issuedAt: 1,
    });
  });

  it("a relay set up before r002 gets token_issued_at from the sessions' own migration", async () => {
    expect(await migratedRelay(false)).toEqual({ ids: ["002_clients", "003_session_attempts", "r001_replica", "s004_token_issued_at"], issuedAt: 1 });
  });
});
