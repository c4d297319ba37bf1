/**
 * Reading pages of a list from its items route (`GET /api/items` for the
 * default list, `GET /api/lists/{id}/items` for others), checked at the
 * boundary like every frame.
 */
import { isErrorBody } from "../protocol/errors";
import { isItem } from "../protocol/frames";
import { DEFAULT_LIST_ID, listPaths } from "../protocol/lists";
import type { ItemsPage } from "./listModel";

/**
 * The page of items older than `before`; throws with the server's message when refused.
 * `itemsPath` is the list's, from `listPaths(id).items`; the default list's when left out.
 */
export async function readItemsPage(
  fetchImpl: typeof fetch,
  baseUrl: string,
  before: string,
  itemsPath = listPaths(DEFAULT_LIST_ID).items,
): Promise<ItemsPage> {
  const response = await fetchImpl(`${baseUrl}${itemsPath}?before=${encodeURIComponent(before)}`);
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(isErrorBody(body) ? body.error.message : `HTTP ${response.status}`);
  const page = typeof body === "object" && body !== null ? (body as { items?: unknown; nextBefore?: unknown }) : {};
  return {
    items: Array.isArray(page.items) ? page.items.filter(isItem) : [],
    nextBefore: typeof page.nextBefore === "string" ? page.nextBefore : null,
  };
}
