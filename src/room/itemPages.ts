/**
 * The pages a list's items are read in (the Worker's GET of items and of a
 * search): newest first, each page the items older than a cursor, the id of
 * the oldest item already seen. A cursor naming no item is refused. And one
 * item by its id (`GET` on an item), live ones only.
 */
import { ErrorCode } from "../protocol/errors";
import type { Item } from "../protocol/item";
import type { Page } from "../shared/logEntry";
import type { Outcome } from "../shared/outcome";
import type { ItemStore } from "./itemStore";
import { searchMatch } from "./searchMatch";

export interface ListQuery {
  /** Id of the oldest item already seen; the page holds items older than it. */
  before: string | null;
  limit: number;
}

type Items = Pick<ItemStore, "posOf" | "pageBelow" | "searchBelow">;

/** The live item with this id; `not_found` for no such item, or a removed one. */
export function oneItem(items: Pick<ItemStore, "posOf" | "at">, itemId: string): Outcome<Item> {
  const pos = items.posOf(itemId);
  const item = pos === null ? null : (items.at(pos)?.item ?? null);
  return item === null ? { ok: false, error: { code: ErrorCode.NotFound, message: "there is no such item on this list" } } : { ok: true, value: item };
}

/** A page of the list's items older than `query.before` (the newest when null); `lastPos` is the log's newest position. */
export function listPage(items: Items, lastPos: number, query: ListQuery): Outcome<Page> {
  return pageBelowCursor(items, lastPos, query.before, (belowPos) => items.pageBelow(belowPos, query.limit));
}

/** {@link listPage}'s page of the items matching `q` (src/protocol/search.ts), from the search index. */
export function searchPage(items: Items, lastPos: number, query: ListQuery & { q: string }): Outcome<Page> {
  return pageBelowCursor(items, lastPos, query.before, (belowPos) => items.searchBelow(belowPos, searchMatch(query.q), query.limit));
}

function pageBelowCursor(items: Items, lastPos: number, before: string | null, read: (belowPos: number) => Page): Outcome<Page> {
  const belowPos = before === null ? lastPos + 1 : items.posOf(before);
  if (belowPos === null) {
    return { ok: false, error: { code: ErrorCode.InvalidCursor, message: "no item has the id given in before" } };
  }
  return { ok: true, value: read(belowPos) };
}
