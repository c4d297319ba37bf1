/**
 * A tagged template over `ctx.storage.sql` so that every value is a bound
 * parameter and nothing is ever spliced into SQL text.
 *
 * @example
 * const rows = sql<{ id: string }>`SELECT id FROM items WHERE pos > ${pos}`;
 */
import type { RoomUsage } from "./usage";

export type SqlValue = string | number | null | ArrayBuffer;
export type Row = Record<string, SqlStorageValue>;

export interface Sql {
  <T extends Row = Row>(strings: TemplateStringsArray, ...values: SqlValue[]): T[];
  /** Rows one at a time, read from SQLite only as far as the caller goes. */
  each<T extends Row = Row>(strings: TemplateStringsArray, ...values: SqlValue[]): Generator<T, void, undefined>;
}

export function taggedSql(storage: SqlStorage, usage: Pick<RoomUsage, "rowsRead" | "rowsWritten">): Sql {
  const count = (cursor: SqlStorageCursor<Row>) => {
    usage.rowsRead += cursor.rowsRead;
    usage.rowsWritten += cursor.rowsWritten;
  };
  const sql = <T extends Row>(strings: TemplateStringsArray, ...values: SqlValue[]): T[] => {
    const cursor = storage.exec<T>(strings.join("?"), ...values);
    const rows = cursor.toArray();
    count(cursor);
    return rows;
  };
  function* each<T extends Row>(strings: TemplateStringsArray, ...values: SqlValue[]): Generator<T, void, undefined> {
    const cursor = storage.exec<T>(strings.join("?"), ...values);
    try {
      yield* cursor;
    } finally {
      count(cursor);
    }
  }
  return Object.assign(sql, { each });
}
