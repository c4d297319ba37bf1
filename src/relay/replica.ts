/**
 * A relay's copy of what its viewers can still need from the list's log, in
 * the relay's own SQLite: the items as they are now and the changes since the
 * replica was seeded. It answers delivery's questions ({@link DeliveryLog})
 * exactly as the list's store would for every position after the seed, so
 * snapshots, resends and resumes at a relay never call the list's object.
 *
 * The seed is the list's newest page (a snapshot's worth) at a position;
 * entries after it are applied in order, each carrying its item as the list
 * reads it now, so an edit or removal of an item older than the seed lands
 * on a row of its own and removed text is never kept.
 */
import type { DeliveryLog } from "../delivery/log/deliveryLog";
import { pageOf } from "../delivery/log/pages";
import type { Sql } from "../delivery/platform/sql";
import type { Item } from "../protocol/item";
import { claimedPos } from "../shared/itemId";
import type { EntryKind, LogEntry, Page } from "../shared/logEntry";
import type { ReplicaSeed } from "../shared/relayRpc";

interface StateRow extends Record<string, SqlStorageValue> {
  last_pos: number;
  floor_pos: number;
  older_below_floor: number;
}

interface ReplicaState {
  lastPos: number;
  floorPos: number;
  olderBelowFloor: boolean;
}

function itemPosOf(itemId: string): number {
  const pos = claimedPos(itemId);
  if (pos === null) throw new Error(`the list sent an entry for ${JSON.stringify(itemId)}, which is not an item id`);
  return pos;
}

export class Replica implements DeliveryLog {
  /** The state row, read once; null until the replica is seeded. */
  private state: ReplicaState | null | undefined;

  constructor(private readonly sql: Sql) {}

  seeded(): boolean {
    return this.read() !== null;
  }

  /** Starts over from `seed`; call inside a transaction. */
  seed(seed: ReplicaSeed): void {
    this.sql`DELETE FROM replica_items`;
    this.sql`DELETE FROM replica_changes`;
    for (const item of seed.page.items) {
      this.sql`INSERT INTO replica_items (pos, id, item, at) VALUES (${itemPosOf(item.id)}, ${item.id}, ${JSON.stringify(item)}, ${Date.parse(item.createdAt)})`;
    }
    const oldest = seed.page.items.at(-1);
    const floorPos = seed.page.hasOlder && oldest ? itemPosOf(oldest.id) : 0;
    const state = { lastPos: seed.lastPos, floorPos, olderBelowFloor: seed.page.hasOlder };
    this.sql`INSERT OR REPLACE INTO replica_state (id, last_pos, floor_pos, older_below_floor)
      VALUES (1, ${state.lastPos}, ${state.floorPos}, ${state.olderBelowFloor ? 1 : 0})`;
    this.state = state;
  }

  lastPos(): number {
    return this.read()?.lastPos ?? 0;
  }

  /** Applies the entry after the last one; false (and nothing written) for any other. Call inside a transaction. */
  apply(entry: LogEntry): boolean {
    const state = this.read();
    if (state === null || entry.pos !== state.lastPos + 1) return false;
    const itemPos = entry.kind === "item" ? entry.pos : itemPosOf(entry.itemId);
    const itemJson = entry.item === null ? null : JSON.stringify(entry.item);
    const createdAt = entry.item === null ? entry.at : Date.parse(entry.item.createdAt);
    this.sql`INSERT INTO replica_items (pos, id, item, at) VALUES (${itemPos}, ${entry.itemId}, ${itemJson}, ${createdAt})
      ON CONFLICT (pos) DO UPDATE SET item = excluded.item`;
    if (entry.kind !== "item") {
      this.sql`INSERT INTO replica_changes (pos, item_pos, kind, at) VALUES (${entry.pos}, ${itemPos}, ${entry.kind}, ${entry.at})`;
    }
    this.sql`UPDATE replica_state SET last_pos = ${entry.pos} WHERE id = 1`;
    state.lastPos = entry.pos;
    return true;
  }

  entryAt(pos: number): number | null {
    return (
      this.sql<{ at: number }>`SELECT at FROM replica_items WHERE pos = ${pos}
        UNION ALL SELECT at FROM replica_changes WHERE pos = ${pos}`[0]?.at ?? null
    );
  }

  *range(fromPos: number, toPos: number): Generator<LogEntry> {
    type EntryRow = { log_pos: number; log_kind: EntryKind; log_at: number; id: string; item: string | null };
    for (const row of this.sql.each<EntryRow>`SELECT log.pos AS log_pos, log.kind AS log_kind, log.at AS log_at, replica_items.id, replica_items.item
      FROM (
        SELECT pos, pos AS item_pos, 'item' AS kind, at FROM replica_items WHERE pos BETWEEN ${fromPos} AND ${toPos}
        UNION ALL
        SELECT pos, item_pos, kind, at FROM replica_changes WHERE pos BETWEEN ${fromPos} AND ${toPos}
      ) AS log JOIN replica_items ON replica_items.pos = log.item_pos
      ORDER BY log.pos`) {
      yield { pos: row.log_pos, at: row.log_at, kind: row.log_kind, itemId: row.id, item: row.item === null ? null : (JSON.parse(row.item) as Item) };
    }
  }

  pageBelow(belowPos: number, limit: number): Page {
    const state = this.read();
    if (state === null) return { items: [], hasOlder: false };
    const rows = this.sql.each<{ item: string }>`SELECT item FROM replica_items
      WHERE pos < ${belowPos} AND pos >= ${state.floorPos} AND item IS NOT NULL ORDER BY pos DESC`;
    return pageOf(storedItems(rows), limit, state.olderBelowFloor);
  }

  /**
   * Forgets what no session here can still be sent: the changes at or below
   * the oldest position a session's frames start after (its `base_pos`, in
   * the relay's session table; the log's end when there is none), and the
   * removed items no later change names. Live items stay: snapshots are cut
   * from them.
   */
  prune(): void {
    const oldest = this.sql<{ pos: number | null }>`SELECT MIN(base_pos) AS pos FROM clients`[0]?.pos ?? this.lastPos();
    this.sql`DELETE FROM replica_changes WHERE pos <= ${oldest}`;
    this.sql`DELETE FROM replica_items WHERE item IS NULL AND pos <= ${oldest}
      AND pos NOT IN (SELECT item_pos FROM replica_changes)`;
  }

  private read(): ReplicaState | null {
    if (this.state === undefined) {
      const row = this.sql<StateRow>`SELECT last_pos, floor_pos, older_below_floor FROM replica_state WHERE id = 1`[0];
      this.state = row ? { lastPos: row.last_pos, floorPos: row.floor_pos, olderBelowFloor: row.older_below_floor === 1 } : null;
    }
    return this.state;
  }
}

/** The replica keeps each item as the JSON it travels in: parsed for the page, measured as stored. */
function* storedItems(rows: Iterable<{ item: string }>): Generator<{ item: Item; json: string }> {
  for (const row of rows) yield { item: JSON.parse(row.item) as Item, json: row.item };
}
