/**
 * The whole list as the server has it, newest first, read page by page with
 * `before=` (a page and a snapshot hold at most 200 items). Paging down from
 * a cursor is stable while saves land on top, so the result is the list as
 * it was when the first page was read.
 */
import { isItem } from "../../src/protocol/item";
import type { Item } from "../../src/protocol/item";
import { PAGE_MAX_LIMIT } from "../../src/protocol/limits";

const PAGES_MAX = 1_000;
const PAGE_TIMEOUT_MS = 10_000;

/** `itemsUrl` is the list's items endpoint (`…/api/items`, or `…/api/lists/{id}/items`). */
export async function fetchFullList(itemsUrl: string): Promise<Item[]> {
  const items: Item[] = [];
  let before: string | null = null;
  for (let page = 0; page < PAGES_MAX; page++) {
    const cursor: string = before === null ? "" : `&before=${encodeURIComponent(before)}`;
    const url = `${itemsUrl}?limit=${PAGE_MAX_LIMIT}${cursor}`;
    const response = await fetch(url, { signal: AbortSignal.timeout(PAGE_TIMEOUT_MS) });
    const body = (await response.json()) as { items?: unknown; nextBefore?: unknown };
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    items.push(...(Array.isArray(body.items) ? body.items.filter(isItem) : []));
    if (typeof body.nextBefore !== "string") return items;
    before = body.nextBefore;
  }
  throw new Error(`the list did not end within ${PAGES_MAX} pages`);
}
