/**
 * Schemas as append-only lists of numbered migrations, one list per module
 * that owns tables (the engine's sessions, the list's items, a relay's
 * replica), recorded together in `_migrations`. Each migration runs once, in
 * its list's order. A recorded id no list here knows, or a list whose
 * recorded ids are not a prefix of it, means storage was written by other
 * code, and the object refuses to start rather than guess.
 */

export interface Migration {
  id: string;
  sql?: string;
  /** Rows rewritten in code, after `sql` and in the same transaction, where SQL alone cannot (a hash, say). */
  rewrite?: (sql: SqlStorage) => void;
}

/** One module's tables: the migrations that make them, in order. */
export interface Schema {
  /** Whose tables these are, for messages. */
  owner: string;
  migrations: readonly Migration[];
  /** Ids earlier code recorded for work that another schema's migrations do now: accepted where recorded, never run. */
  retired?: readonly string[];
}

/** Whether this object's storage was ever set up: read-only, so asking about a list that does not exist writes nothing. */
export function hasSchema(storage: DurableObjectStorage): boolean {
  return storage.sql.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'`).toArray().length > 0;
}

/** Runs what has not run of each schema's migrations. */
export function runMigrations(storage: DurableObjectStorage, schemas: readonly Schema[]): void {
  const sql = storage.sql;
  sql.exec(`CREATE TABLE IF NOT EXISTS _migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`);
  const applied = new Set(
    sql
      .exec<{ id: string }>(`SELECT id FROM _migrations ORDER BY id`)
      .toArray()
      .map((row) => row.id),
  );
  checkHistory(applied, schemas);
  for (const schema of schemas) {
    for (const migration of schema.migrations) {
      if (applied.has(migration.id)) continue;
      storage.transactionSync(() => {
        if (migration.sql !== undefined) sql.exec(migration.sql);
        migration.rewrite?.(sql);
        sql.exec(`INSERT INTO _migrations (id, applied_at) VALUES (?, ?)`, migration.id, Date.now());
      });
    }
  }
}

function checkHistory(applied: ReadonlySet<string>, schemas: readonly Schema[]): void {
  const known = new Set<string>();
  for (const schema of schemas) {
    for (const id of [...schema.migrations.map((migration) => migration.id), ...(schema.retired ?? [])]) {
      if (known.has(id)) throw new Error(`migration ${id} is in two schemas`);
      known.add(id);
    }
  }
  for (const id of applied) {
    if (!known.has(id)) throw new Error(`storage has migration ${id}, which this code does not know`);
  }
  for (const { owner, migrations } of schemas) {
    const firstMissing = migrations.findIndex((migration) => !applied.has(migration.id));
    const skipped = firstMissing < 0 ? undefined : migrations.slice(firstMissing + 1).find((migration) => applied.has(migration.id));
    if (skipped) {
      throw new Error(`storage has ${owner} migration ${skipped.id} where this code expects ${migrations[firstMissing]!.id}`);
    }
  }
}

/** When this object's storage was set up (ms since epoch): the first migration's time. */
export function setUpAt(storage: DurableObjectStorage): number {
  return storage.sql.exec<{ at: number }>(`SELECT MIN(applied_at) AS at FROM _migrations`).one().at;
}
