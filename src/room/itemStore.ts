/**
 * The item log in SQLite. Items are immutable and numbered by `pos` without
 * gaps, which is what lets a connection's frames be derived from the log
 * instead of stored per client.
 */
import type { Item, NewItem } from "../protocol/item";
import { utf8Length } from "../protocol/frames";
import { FRAME_MAX_BYTES, PAGE_ENVELOPE_BYTES } from "../protocol/limits";
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

/** What the items of one page may take, as a JSON array, so the page fits a frame. */
export const PAGE_ITEMS_MAX_BYTES = FRAME_MAX_BYTES - PAGE_ENVELOPE_BYTES;

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

  /**
   * Newest first: at most `limit` items just below `belowPos` (exclusive),
   * fewer when more would not fit a frame ({@link PAGE_ITEMS_MAX_BYTES});
   * always at least one when there is one. Rows are read only as far as needed.
   */
  pageBelow(belowPos: number, limit: number): Page {
    const items: Item[] = [];
    let bytes = 2; // the brackets of the JSON array
    for (const row of this.sql.each<ItemRow>`SELECT * FROM items WHERE pos < ${belowPos} ORDER BY pos DESC`) {
      const item = toLogged(row).item;
      const itemBytes = utf8Length(JSON.stringify(item)) + (items.length > 0 ? 1 : 0);
      if (items.length === limit || (items.length > 0 && bytes + itemBytes > PAGE_ITEMS_MAX_BYTES)) {
        return { items, hasOlder: true };
      }
      items.push(item);
      bytes += itemBytes;
    }
    return { items, hasOlder: false };
  }

  /** Oldest first: the items with `fromPos <= pos <= toPos`, read as far as the caller goes. */
  *range(fromPos: number, toPos: number): Generator<LoggedItem> {
    for (const row of this.sql.each<ItemRow>`SELECT * FROM items WHERE pos >= ${fromPos} AND pos <= ${toPos}
      ORDER BY pos`) {
      yield toLogged(row);
    }
  }

  /** When the item at `pos` was saved (ms since epoch), without reading its text. */
  savedAt(pos: number): number | null {
    return this.sql<{ created_at: number }>`SELECT created_at FROM items WHERE pos = ${pos}`[0]?.created_at ?? null;
  }
}
