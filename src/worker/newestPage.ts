/**
 * The newest page of items, served from the edge cache so repeated reads do
 * not make the room read and send up to 200 items each time. The cache key
 * holds the list's newest position, which the Worker asks the room for on
 * every read (`newestPosition`, a number kept in memory: no storage read and
 * a reply of a few bytes). A save moves the position, so the next read looks
 * up a new key and misses: a save is visible at once, and no purge is needed
 * in any location. Edits and removals take a position too, so a page keyed
 * by a position never goes stale. The copy stored under a position is read after
 * the position was, so it is never older than the position (it may hold a
 * save that landed in between, which is newer, never staler).
 *
 * The Cache API keeps entries per Cloudflare location and does nothing on
 * `*.workers.dev` hosts (https://developers.cloudflare.com/workers/runtime-apis/cache/):
 * there, every read asks the room, as before, and is still correct.
 */
import type { Context } from "hono";
import type { Item } from "../protocol/item";
import { listIdOf, room, type AppEnv } from "./context";

/** Bumped when the cached body changes shape, so a deploy never serves the old one. */
const CACHE_FORMAT = 1;
/** How long a location keeps a page; any save makes it unreachable sooner. */
const CACHE_SECONDS = 3_600;
/** A path no route serves, so a cached page can never be mistaken for a response to a real URL. */
const CACHE_PATH = "/__listroom-cache/newest-page";

export interface ItemsPageBody {
  items: Item[];
  nextBefore: string | null;
}

function cacheKey(requestUrl: string, listId: string, position: number, limit: number): string {
  const url = new URL(CACHE_PATH, requestUrl);
  url.search = new URLSearchParams({ room: listId, v: String(CACHE_FORMAT), pos: String(position), limit: String(limit) }).toString();
  return url.toString();
}

/** The body of `GET /api/items?limit=<limit>` without `before`, as JSON text; null when there is no such list. */
export async function newestPageText(c: Context<AppEnv>, limit: number): Promise<string | null> {
  const cache = caches.default;
  const position = await room(c).newestPosition();
  if (position === null) return null;
  const key = cacheKey(c.req.url, listIdOf(c), position, limit);
  const hit = await cache.match(key);
  if (hit) return hit.text();
  const result = await room(c).listItems({ before: null, limit });
  if (!result.ok) throw new Error(`the newest page could not be read: ${result.error.message}`);
  const text = JSON.stringify({
    items: result.value.items,
    nextBefore: result.value.hasOlder ? (result.value.items.at(-1)?.id ?? null) : null,
  } satisfies ItemsPageBody);
  await cache.put(
    key,
    new Response(text, { headers: { "content-type": "application/json", "cache-control": `public, max-age=${CACHE_SECONDS}` } }),
  );
  return text;
}
