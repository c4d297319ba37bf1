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

export type Sql = <T extends Row = Row>(
  strings: TemplateStringsArray,
  ...values: SqlValue[]
) => T[];

export function taggedSql(storage: SqlStorage, usage: Pick<RoomUsage, "rowsRead" | "rowsWritten">): Sql {
  return <T extends Row>(strings: TemplateStringsArray, ...values: SqlValue[]) => {
    const cursor = storage.exec<T>(strings.join("?"), ...values);
    const rows = cursor.toArray();
    usage.rowsRead += cursor.rowsRead;
    usage.rowsWritten += cursor.rowsWritten;
    return rows;
  };
}
