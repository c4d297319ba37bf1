/**
 * The item log in SQLite. Items are immutable and numbered by `pos` without
 * gaps, which is what lets a connection's frames be derived from the log
 * instead of stored per client.
 */
import type { Item, NewItem } from "../protocol/item";
import { claimedPos, newItemId } from "./itemId";
import type { Sql } from "./sql";

interface ItemRow extends Record<string, SqlStorageValue> {
  pos: number;
  id: string;
  title: string;
  body: string;
  created_at: number;
}

/** An item with where it sits in the log and when it was saved (ms since epoch). */
export interface LoggedItem {
  pos: number;
  savedAt: number;
  item: Item;
}

export interface Page {
  items: Item[];
  hasOlder: boolean;
}

function toLogged(row: ItemRow): LoggedItem {
  return {
    pos: row.pos,
    savedAt: row.created_at,
    item: {
      id: row.id,
      title: row.title,
      body: row.body,
      createdAt: new Date(row.created_at).toISOString(),
    },
  };
}

export class ItemStore {
  constructor(private readonly sql: Sql) {}

  /** The position of the newest item; 0 while the list is empty. */
  lastPos(): number {
    return this.sql<{ pos: number }>`SELECT COALESCE(MAX(pos), 0) AS pos FROM items`[0]?.pos ?? 0;
  }

  /** Where the item with this id sits, or null if there is none. */
  posOf(id: string): number | null {
    const pos = claimedPos(id);
    if (pos === null) return null;
    return this.sql<{ pos: number }>`SELECT pos FROM items WHERE pos = ${pos} AND id = ${id}`[0]?.pos ?? null;
  }

  findByIdempotencyKey(key: string): LoggedItem | null {
    const row = this.sql<ItemRow>`SELECT * FROM items WHERE idempotency_key = ${key}`[0];
    return row ? toLogged(row) : null;
  }

  /** Appends one item; call inside a transaction so `pos` stays gapless. */
  append(input: NewItem, idempotencyKey: string | null, now: number): LoggedItem {
    const pos = this.lastPos() + 1;
    const row: ItemRow = { pos, id: newItemId(pos), title: input.title, body: input.body, created_at: now };
    this.sql`INSERT INTO items (pos, id, title, body, created_at, idempotency_key)
      VALUES (${row.pos}, ${row.id}, ${row.title}, ${row.body}, ${row.created_at}, ${idempotencyKey})`;
    return toLogged(row);
  }

  /** Newest first: the `limit` items just below `belowPos` (exclusive). */
  pageBelow(belowPos: number, limit: number): Page {
    const rows = this.sql<ItemRow>`SELECT * FROM items WHERE pos < ${belowPos}
      ORDER BY pos DESC LIMIT ${limit + 1}`;
    return { items: rows.slice(0, limit).map((row) => toLogged(row).item), hasOlder: rows.length > limit };
  }

  /** Oldest first: the items with `fromPos <= pos <= toPos`. */
  range(fromPos: number, toPos: number): LoggedItem[] {
    return this.sql<ItemRow>`SELECT * FROM items WHERE pos >= ${fromPos} AND pos <= ${toPos}
      ORDER BY pos`.map(toLogged);
  }

  /** When the item at `pos` was saved (ms since epoch), without reading its text. */
  savedAt(pos: number): number | null {
    return this.sql<{ created_at: number }>`SELECT created_at FROM items WHERE pos = ${pos}`[0]?.created_at ?? null;
  }
}
