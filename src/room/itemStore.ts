/**
 * The list's log in SQLite. Saves, edits and removals are numbered by `pos`
 * without gaps, which is what lets a connection's frames be derived from the
 * log instead of stored per client. A save's `pos` is its item's row in
 * `items`; an edit or removal takes the next `pos` in `changes`. `items`
 * holds each item as it is now, so the log reads every entry with its item's
 * current state.
 */
import { stampsAfter, stampsAtCreation, stampsOfOlderItem, type FieldStamp, type FieldStamps } from "../protocol/fieldMerge";
import type { ChangeField, Item, ItemPatch, NewItem } from "../protocol/item";
import type { DeliveryLog } from "../delivery/log/deliveryLog";
import { pageOf } from "../delivery/log/pages";
import type { Sql } from "../delivery/platform/sql";
import { claimedPos, newItemId } from "../shared/itemId";
import type { EntryKind, LogEntry, Page } from "../shared/logEntry";
import { textBytes, type ListTotals } from "./listTotals";
import { textHash } from "./textHash";

interface ItemRow extends Record<string, SqlStorageValue> {
  pos: number;
  id: string;
  title: string;
  body: string;
  created_at: number;
  version: number;
  updated_at: number | null;
  removed_at: number | null;
  idempotency_key: string | null;
  /** For a save with an Idempotency-Key: the hash of the text it sent ({@link textHash}), never the text. */
  first_text_hash: string | null;
  done: number;
  done_at: number | null;
  /** Each field's stamp (migration `012_field_stamps`); null versions for an item saved before it, or removed. */
  title_version: number | null;
  title_writer: string | null;
  body_version: number | null;
  body_writer: string | null;
  done_version: number | null;
  done_writer: string | null;
}

/** An item as stored now: null `item` once removed; `stamps` say when and by whom each field last changed. */
export interface StoredItem {
  pos: number;
  itemId: string;
  item: Item | null;
  stamps: FieldStamps;
}

function itemOf(row: ItemRow): Item | null {
  if (row.removed_at !== null) return null;
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    createdAt: new Date(row.created_at).toISOString(),
    version: row.version,
    updatedAt: isoOrNull(row.updated_at),
    done: row.done !== 0,
    doneAt: isoOrNull(row.done_at),
  };
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function stampOf(version: number | null, writer: string | null): FieldStamp | null {
  return version === null ? null : { version, writer };
}

/** The row's stamps; a field without one (an item saved before protocol 5) is at the item's version, by nobody. */
function stampsOf(row: ItemRow): FieldStamps {
  const older = stampsOfOlderItem(row.version);
  return {
    title: stampOf(row.title_version, row.title_writer) ?? older.title,
    body: stampOf(row.body_version, row.body_writer) ?? older.body,
    done: stampOf(row.done_version, row.done_writer) ?? older.done,
  };
}

function storedOf(row: ItemRow): StoredItem {
  return { pos: row.pos, itemId: row.id, item: itemOf(row), stamps: stampsOf(row) };
}

function* liveItems(rows: Iterable<ItemRow>): Generator<{ item: Item; json: string }> {
  for (const row of rows) {
    const item = itemOf(row)!;
    yield { item, json: JSON.stringify(item) };
  }
}

/** The list's own log: what delivery reads (src/delivery/log/deliveryLog.ts), in SQLite. */
export class ItemStore implements DeliveryLog {
  constructor(
    private readonly sql: Sql,
    private readonly totals: ListTotals,
  ) {}

  /** The position of the newest log entry; 0 while the log is empty. */
  lastPos(): number {
    return (
      this.sql<{ pos: number }>`SELECT MAX(
        COALESCE((SELECT MAX(pos) FROM items), 0),
        COALESCE((SELECT MAX(pos) FROM changes), 0)) AS pos`[0]?.pos ?? 0
    );
  }

  /** Where the item with this id was saved, removed or not, or null if there is none. */
  posOf(id: string): number | null {
    const pos = claimedPos(id);
    if (pos === null) return null;
    return this.sql<{ pos: number }>`SELECT pos FROM items WHERE pos = ${pos} AND id = ${id}`[0]?.pos ?? null;
  }

  /** The item saved at `pos`, as it is now. */
  at(pos: number): StoredItem | null {
    const row = this.sql<ItemRow>`SELECT * FROM items WHERE pos = ${pos}`[0];
    return row ? storedOf(row) : null;
  }

  /** The item a save with this key stored, and whether `input` is the text that save sent. */
  findByIdempotencyKey(key: string, input: NewItem): { stored: StoredItem; sameText: boolean } | null {
    const row = this.sql<ItemRow>`SELECT * FROM items WHERE idempotency_key = ${key}`[0];
    if (!row) return null;
    return { stored: storedOf(row), sameText: row.first_text_hash === textHash(input) };
  }

  /** Appends a save by `writer` at `pos` (the next after the log's end); call inside a transaction. */
  append(pos: number, input: NewItem, idempotencyKey: string | null, now: number, writer: string | null): LogEntry {
    const id = newItemId(pos);
    const firstTextHash = idempotencyKey === null ? null : textHash(input);
    const { title, body, done } = stampsAtCreation(writer);
    this.sql`INSERT INTO items (pos, id, title, body, created_at, idempotency_key, first_text_hash,
        title_version, title_writer, body_version, body_writer, done_version, done_writer)
      VALUES (${pos}, ${id}, ${input.title}, ${input.body}, ${now}, ${idempotencyKey}, ${firstTextHash},
        ${title.version}, ${title.writer}, ${body.version}, ${body.writer}, ${done.version}, ${done.writer})`;
    this.totals.add({ items: 1, textBytes: textBytes(input) });
    const item: Item = {
      id,
      title: input.title,
      body: input.body,
      createdAt: new Date(now).toISOString(),
      version: 1,
      updatedAt: null,
      done: false,
      doneAt: null,
    };
    return { pos, at: now, kind: "item", itemId: id, item };
  }

  /**
   * Records a change by `writer` of a live item's `fields` (an edit, a tick,
   * or both; the fields `patch` changes, fieldMerge.ts) at `pos` (the next
   * after the log's end); call inside a transaction. `updatedAt` moves only
   * when the text changes, `doneAt` only when `done` does; the changed
   * fields' stamps move to the new version, and an item saved before
   * protocol 5 gets its other stamps written as they read.
   */
  edit(target: StoredItem & { item: Item }, patch: ItemPatch, fields: readonly ChangeField[], writer: string | null, pos: number, now: number): LogEntry {
    const was = target.item;
    const textChanged = fields.includes("title") || fields.includes("body");
    const doneChanged = fields.includes("done");
    const item: Item = {
      ...was,
      title: patch.title ?? was.title,
      body: patch.body ?? was.body,
      version: was.version + 1,
      updatedAt: textChanged ? new Date(now).toISOString() : was.updatedAt,
      done: patch.done ?? was.done,
      doneAt: doneChanged ? new Date(now).toISOString() : was.doneAt,
    };
    const { title, body, done } = stampsAfter(target.stamps, fields, item.version, writer);
    this.sql`UPDATE items SET title = ${item.title}, body = ${item.body}, version = ${item.version},
        updated_at = CASE WHEN ${textChanged ? 1 : 0} THEN ${now} ELSE updated_at END,
        done = ${item.done ? 1 : 0},
        done_at = CASE WHEN ${doneChanged ? 1 : 0} THEN ${now} ELSE done_at END,
        title_version = ${title.version}, title_writer = ${title.writer},
        body_version = ${body.version}, body_writer = ${body.writer},
        done_version = ${done.version}, done_writer = ${done.writer}
      WHERE pos = ${target.pos}`;
    this.sql`INSERT INTO changes (pos, item_pos, kind, at) VALUES (${pos}, ${target.pos}, 'edited', ${now})`;
    this.totals.add({ items: 0, textBytes: textBytes(item) - textBytes(target.item) });
    return { pos, at: now, kind: "edited", itemId: target.itemId, item };
  }

  /** Removes a live item, erasing its text and its stamps, at `pos` (the next after the log's end); call inside a transaction. */
  remove(target: StoredItem & { item: Item }, pos: number, now: number): LogEntry {
    this.sql`UPDATE items SET title = '', body = '', first_text_hash = NULL, removed_at = ${now},
        title_version = NULL, title_writer = NULL, body_version = NULL, body_writer = NULL, done_version = NULL, done_writer = NULL
      WHERE pos = ${target.pos}`;
    this.sql`INSERT INTO changes (pos, item_pos, kind, at) VALUES (${pos}, ${target.pos}, 'removed', ${now})`;
    this.totals.add({ items: -1, textBytes: -textBytes(target.item) });
    return { pos, at: now, kind: "removed", itemId: target.itemId, item: null };
  }

  /**
   * Newest first: at most `limit` live items saved just below `belowPos`
   * (exclusive), fewer when more would not fit a frame
   * ({@link pageOf}); always at least one when there is one.
   * Rows are read only as far as needed.
   */
  pageBelow(belowPos: number, limit: number): Page {
    return pageOf(liveItems(this.sql.each<ItemRow>`SELECT * FROM items WHERE pos < ${belowPos} AND removed_at IS NULL
      ORDER BY pos DESC`), limit);
  }

  /**
   * {@link pageBelow}'s page of the items whose title or body match `match`,
   * an FTS5 expression (src/room/searchMatch.ts), from the search index
   * (migration `009_search`): it reads matching rows only, newest first.
   */
  searchBelow(belowPos: number, match: string, limit: number): Page {
    return pageOf(liveItems(this.sql.each<ItemRow>`SELECT items.* FROM item_search JOIN items ON items.pos = item_search.rowid
      WHERE item_search MATCH ${match} AND item_search.rowid < ${belowPos} AND items.removed_at IS NULL
      ORDER BY item_search.rowid DESC`), limit);
  }

  /** Oldest first: the log entries with `fromPos <= pos <= toPos`, read as far as the caller goes. */
  *range(fromPos: number, toPos: number): Generator<LogEntry> {
    type EntryRow = ItemRow & { log_pos: number; log_kind: EntryKind; log_at: number };
    for (const row of this.sql.each<EntryRow>`SELECT log.pos AS log_pos, log.kind AS log_kind, log.at AS log_at, items.*
      FROM (
        SELECT pos, pos AS item_pos, 'item' AS kind, created_at AS at FROM items WHERE pos BETWEEN ${fromPos} AND ${toPos}
        UNION ALL
        SELECT pos, item_pos, kind, at FROM changes WHERE pos BETWEEN ${fromPos} AND ${toPos}
      ) AS log JOIN items ON items.pos = log.item_pos
      ORDER BY log.pos`) {
      yield { pos: row.log_pos, at: row.log_at, kind: row.log_kind, itemId: row.id, item: itemOf(row) };
    }
  }

  /**
   * Shrinks every item removed at or before `cutoff` to a tombstone: its
   * row keeps only `pos`, `id`, `version` and `removed_at` (its text was
   * erased when it was removed; its Idempotency-Key and times go now), so a
   * cursor naming it still works. Returns when the next removal awaiting
   * this was made, or null when none does.
   */
  tombstoneRemovedBy(cutoff: number): number | null {
    this.sql`UPDATE items SET idempotency_key = NULL, updated_at = NULL, created_at = removed_at
      WHERE removed_at IS NOT NULL AND (idempotency_key IS NOT NULL OR updated_at IS NOT NULL OR created_at <> removed_at)
        AND removed_at <= ${cutoff}`;
    return (
      this.sql<{ at: number | null }>`SELECT MIN(removed_at) AS at FROM items
        WHERE removed_at IS NOT NULL AND (idempotency_key IS NOT NULL OR updated_at IS NOT NULL OR created_at <> removed_at)`[0]?.at ?? null
    );
  }

  /** When the log entry at `pos` was made (ms since epoch), without reading any text. */
  entryAt(pos: number): number | null {
    return (
      this.sql<{ at: number }>`SELECT created_at AS at FROM items WHERE pos = ${pos}
        UNION ALL SELECT at FROM changes WHERE pos = ${pos}`[0]?.at ?? null
    );
  }
}
