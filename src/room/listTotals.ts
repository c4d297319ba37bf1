/**
 * What the list holds, kept as one SQL row (`list_totals`, migration 007)
 * that every save, edit and removal adjusts in its own transaction, so the
 * ceilings (`LIST_MAX_ITEMS`, `LIST_MAX_BYTES`) are checked without counting
 * rows: live items, and the bytes of their text in UTF-8.
 */
import { utf8Length } from "../protocol/frames";
import { ErrorCode } from "../protocol/errors";
import type { NewItem } from "../protocol/item";
import type { RoomError } from "../shared/outcome";
import type { Sql } from "../delivery/platform/sql";
import type { ListCeilings } from "./listConfig";

export interface Totals {
  items: number;
  textBytes: number;
}

/** The bytes an item's text counts for against `LIST_MAX_BYTES`. */
export function textBytes(text: NewItem): number {
  return utf8Length(text.title) + utf8Length(text.body);
}

/**
 * Why a change that adds `added` to the list's totals would take it past a
 * ceiling, or null when it fits. A change that shrinks the list always fits,
 * so a list past a lowered ceiling can still be tidied.
 *
 * @example
 * overCeiling({ items: 5000, textBytes: 10 }, { items: 1, textBytes: 3 }, { items: 5000, textBytes: 20_000_000 })
 * // { code: "list_full", message: "this list is full: it holds 5000 items, the most a list may" }
 */
export function overCeiling(totals: Totals, added: Totals, ceilings: ListCeilings): RoomError | null {
  if (added.items > 0 && totals.items + added.items > ceilings.items) {
    return { code: ErrorCode.ListFull, message: `this list is full: it holds ${totals.items} items, the most a list may` };
  }
  if (added.textBytes > 0 && totals.textBytes + added.textBytes > ceilings.textBytes) {
    const message = `this list is full: its items hold ${totals.textBytes} bytes of text, and the most a list may is ${ceilings.textBytes}`;
    return { code: ErrorCode.ListFull, message };
  }
  return null;
}

export class ListTotals {
  constructor(private readonly sql: Sql) {}

  read(): Totals {
    const row = this.sql<{ items: number; text_bytes: number }>`SELECT items, text_bytes FROM list_totals`[0];
    return { items: row?.items ?? 0, textBytes: row?.text_bytes ?? 0 };
  }

  /** Adds to the totals; call inside the transaction that makes the change. */
  add(change: Totals): void {
    this.sql`UPDATE list_totals SET items = items + ${change.items}, text_bytes = text_bytes + ${change.textBytes}`;
  }
}
