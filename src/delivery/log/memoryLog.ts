/**
 * A {@link DeliveryLog} in memory: the same rules as the SQLite store (one
 * position per save, edit and removal; entries read with their item as it is
 * now; pages cut to fit a frame), so the delivery rules can be tested in
 * plain Node.
 */
import type { Item } from "../../protocol/item";
import type { EntryKind, LogEntry, Page } from "../../shared/logEntry";
import type { DeliveryLog } from "./deliveryLog";
import { pageOf } from "./pages";

interface Change {
  pos: number;
  at: number;
  kind: EntryKind;
  /** The position of the save that made the item. */
  itemPos: number;
}

export class MemoryLog implements DeliveryLog {
  /** Items by the position of their save, as they are now (null once removed). */
  private readonly items = new Map<number, { itemId: string; item: Item | null }>();
  private readonly changes: Change[] = [];

  lastPos(): number {
    return this.changes.at(-1)?.pos ?? 0;
  }

  /** Saves a new item at the next position and returns its entry. */
  save(title: string, body = "", at = 0): LogEntry {
    const pos = this.lastPos() + 1;
    const createdAt = new Date(at).toISOString();
    const item: Item = { id: `${pos}-item`, title, body, createdAt, version: 1, updatedAt: null, done: false, doneAt: null };
    this.items.set(pos, { itemId: item.id, item });
    return this.push({ pos, at, kind: "item", itemPos: pos });
  }

  /** Retitles the item saved at `itemPos` at the next position. */
  edit(itemPos: number, title: string, at = 0): LogEntry {
    const stored = this.items.get(itemPos);
    if (!stored?.item) throw new Error(`no live item at ${itemPos}`);
    stored.item = { ...stored.item, title, version: stored.item.version + 1, updatedAt: new Date(at).toISOString() };
    return this.push({ pos: this.lastPos() + 1, at, kind: "edited", itemPos });
  }

  /** Removes the item saved at `itemPos` at the next position. */
  remove(itemPos: number, at = 0): LogEntry {
    const stored = this.items.get(itemPos);
    if (!stored?.item) throw new Error(`no live item at ${itemPos}`);
    stored.item = null;
    return this.push({ pos: this.lastPos() + 1, at, kind: "removed", itemPos });
  }

  entryAt(pos: number): number | null {
    return this.changes[pos - 1]?.at ?? null;
  }

  *range(fromPos: number, toPos: number): Generator<LogEntry> {
    for (let pos = Math.max(1, fromPos); pos <= Math.min(toPos, this.lastPos()); pos++) yield this.entry(this.changes[pos - 1]!);
  }

  pageBelow(belowPos: number, limit: number): Page {
    return pageOf(this.liveBelow(belowPos), limit);
  }

  /** Live items saved below `belowPos`, newest first, each with its JSON. */
  private *liveBelow(belowPos: number): Generator<{ item: Item; json: string }> {
    for (let pos = Math.min(belowPos - 1, this.lastPos()); pos >= 1; pos--) {
      const item = this.items.get(pos)?.item;
      if (item) yield { item, json: JSON.stringify(item) };
    }
  }

  private push(change: Change): LogEntry {
    this.changes.push(change);
    return this.entry(change);
  }

  private entry(change: Change): LogEntry {
    const stored = this.items.get(change.itemPos)!;
    return { pos: change.pos, at: change.at, kind: change.kind, itemId: stored.itemId, item: stored.item };
  }
}
