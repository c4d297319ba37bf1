/**
 * The one page loop, for every log (the list's store, a relay's replica, the
 * in-memory log): newest first, at most a number of items, and no more than
 * fit one frame ({@link PAGE_ITEMS_MAX_BYTES}), but always at least one when
 * there is one.
 */
import { utf8Length } from "../../protocol/frames";
import type { Item } from "../../protocol/item";
import { PAGE_ITEMS_MAX_BYTES } from "../../protocol/limits";
import type { Page } from "../../shared/logEntry";

/**
 * Newest first, as many of `items` (each with its JSON, as it will travel) as
 * fit `limit` items and a frame. `olderPastRows` says whether older items lie
 * beyond the rows given.
 *
 * @example
 * pageOf([{ item, json: JSON.stringify(item) }], 200) // { items: [item], hasOlder: false }
 */
export function pageOf(items: Iterable<{ item: Item; json: string }>, limit: number, olderPastRows = false): Page {
  const page: Item[] = [];
  let bytes = 2; // the brackets of the JSON array
  for (const { item, json } of items) {
    const itemBytes = utf8Length(json) + (page.length > 0 ? 1 : 0);
    if (page.length === limit || (page.length > 0 && bytes + itemBytes > PAGE_ITEMS_MAX_BYTES)) {
      return { items: page, hasOlder: true };
    }
    page.push(item);
    bytes += itemBytes;
  }
  return { items: page, hasOlder: olderPastRows };
}
