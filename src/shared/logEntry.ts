/**
 * What a list's log holds, as the list's object writes it, a relay's replica
 * copies it and delivery reads it (src/delivery/log/deliveryLog.ts): numbered
 * entries, each with its item as it is now, and pages of items newest first.
 */
import type { Item } from "../protocol/item";

export type EntryKind = "item" | "edited" | "removed";

/**
 * One entry of the log: what happened at `pos`, at `at` (ms since epoch), to
 * which item, and that item as it is now (null once it is removed).
 */
export interface LogEntry {
  pos: number;
  at: number;
  kind: EntryKind;
  itemId: string;
  item: Item | null;
}

/** Items newest first, and whether older ones exist past the last. */
export interface Page {
  items: Item[];
  hasOlder: boolean;
}
