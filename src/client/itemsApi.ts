/** Reading pages of the list from `GET /api/items`, checked at the boundary like every frame. */
import { isErrorBody } from "../protocol/errors";
import { isItem } from "../protocol/frames";
import type { ItemsPage } from "./listModel";

export const ITEMS_ENDPOINT = "/api/items";

/** The page of items older than `before`; throws with the server's message when refused. */
export async function readItemsPage(fetchImpl: typeof fetch, baseUrl: string, before: string): Promise<ItemsPage> {
  const response = await fetchImpl(`${baseUrl}${ITEMS_ENDPOINT}?before=${encodeURIComponent(before)}`);
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(isErrorBody(body) ? body.error.message : `HTTP ${response.status}`);
  const page = typeof body === "object" && body !== null ? (body as { items?: unknown; nextBefore?: unknown }) : {};
  return {
    items: Array.isArray(page.items) ? page.items.filter(isItem) : [],
    nextBefore: typeof page.nextBefore === "string" ? page.nextBefore : null,
  };
}
