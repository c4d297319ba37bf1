/**
 * Storage as older code left it: every migration the list's object recorded
 * before `beforeId`, run and recorded in id order, as they ran when the
 * list's migrations (the sessions' 002 and 003 among them) were one list.
 */
import { LIST_SCHEMAS } from "../../src/room/migrations";

export function migrateBefore(sql: SqlStorage, beforeId: string, appliedAt = Date.now()): void {
  const migrations = LIST_SCHEMAS.flatMap((schema) => schema.migrations)
    .filter((migration) => migration.id < beforeId)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  sql.exec(`CREATE TABLE _migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`);
  for (const migration of migrations) {
    if (migration.sql !== undefined) sql.exec(migration.sql);
    migration.rewrite?.(sql);
    sql.exec(`INSERT INTO _migrations (id, applied_at) VALUES (?, ?)`, migration.id, appliedAt);
  }
}
