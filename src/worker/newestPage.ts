/**
 * The newest page of items, served from the edge cache so repeated reads do
 * not make the room read and send up to 200 items each time. Each location
 * keeps at most one page per list (the default page size's; other sizes ask
 * the room), stored with the list's newest position at the time it was read.
 * The Worker asks the room for that position on every read (`newestPosition`,
 * a number kept in memory: no storage read and a reply of a few bytes) and
 * serves the copy only if the position is still the same. Saves, edits and
 * removals all move the position, so a change is visible to the very next read.
 *
 * Text taken back is gone from the cache too: an edit or removal deletes the
 * list's page in the location that made it ({@link forgetNewestPage}), and
 * any other location's copy is replaced at its next read or dropped after
 * {@link CACHE_SECONDS}. A page read just before a change and stored just
 * after it is caught by asking for the position once more after storing it:
 * if it moved, the copy is deleted.
 *
 * The Cache API keeps entries per Cloudflare location and does nothing on
 * `*.workers.dev` hosts (https://developers.cloudflare.com/workers/runtime-apis/cache/):
 * there, every read asks the room, as before, and is still correct.
 */
import type { Context } from "hono";
import { PAGE_DEFAULT_LIMIT } from "../protocol/limits";
import { listIdOf, room, type AppEnv } from "./context";
import { itemsPageBody } from "./itemsPage";

/** Bumped when the cached body changes shape, so a deploy never serves the old one. */
const CACHE_FORMAT = 2;
/** How long a location keeps a page no read has replaced: the longest that text taken back can stay in a location that did not see the change. */
const CACHE_SECONDS = 300;
/** A path no route serves, so a cached page can never be mistaken for a response to a real URL. */
const CACHE_PATH = "/__listroom-cache/newest-page";
/** The list's newest position when the page was read, on the cached copy. */
const POSITION_HEADER = "x-listroom-position";

/** Where a location keeps `listId`'s newest page. */
export function newestPageCacheKey(requestUrl: string, listId: string): string {
  const url = new URL(CACHE_PATH, requestUrl);
  url.search = new URLSearchParams({ room: listId, v: String(CACHE_FORMAT) }).toString();
  return url.toString();
}

async function readPage(c: Context<AppEnv>, limit: number): Promise<string> {
  const result = await room(c).listItems({ before: null, limit });
  if (!result.ok) throw new Error(`the newest page could not be read: ${result.error.message}`);
  return JSON.stringify(itemsPageBody(result.value));
}

/** The body of `GET /api/items?limit=<limit>` without `before`, as JSON text; null when there is no such list. */
export async function newestPageText(c: Context<AppEnv>, limit: number): Promise<string | null> {
  const position = await room(c).newestPosition();
  if (position === null) return null;
  if (limit !== PAGE_DEFAULT_LIMIT) return readPage(c, limit);
  const cache = caches.default;
  const key = newestPageCacheKey(c.req.url, listIdOf(c));
  const hit = await cache.match(key);
  if (hit && hit.headers.get(POSITION_HEADER) === String(position)) return hit.text();
  const text = await readPage(c, limit);
  const headers = { "content-type": "application/json", "cache-control": `public, max-age=${CACHE_SECONDS}`, [POSITION_HEADER]: String(position) };
  await cache.put(key, new Response(text, { headers }));
  if ((await room(c).newestPosition()) !== position) await cache.delete(key);
  return text;
}

/** Deletes this location's copy of the list's newest page: call after an edit or removal, so no cache keeps the text it took back. */
export async function forgetNewestPage<E extends AppEnv>(c: Context<E>): Promise<void> {
  await caches.default.delete(newestPageCacheKey(c.req.url, listIdOf(c)));
}
