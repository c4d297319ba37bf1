/**
 * The page's documents that pass through the Worker: `/` and `/index.html`,
 * served from the static assets only so that they carry HSTS (headers.ts;
 * wrangler.toml's `run_worker_first` names the same paths), and a list's page,
 * `/l/{id}`: the same document with the list's title in it, or a 404 page.
 */
import type { Context } from "hono";
import { Hono } from "../hono";
import { DEFAULT_LIST_PAGES, LIST_PAGE_PREFIX, listIdFromPath, MAIN_LIST_TITLE, type ListInfo } from "../../protocol/lists";
import { base64url } from "../../shared/tokens";
import type { AppEnv } from "../context";
import { limitPerAddress } from "../guard";
import { isAddressableListId } from "../listIdSeal";

/**
 * The validator of a list's page: it changes with the shell (a deploy) and
 * with the list's title (a rename), so a browser never keeps an old title or
 * another list's page under `/`'s ETag.
 */
async function listPageTag(shellTag: string, list: ListInfo): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify([shellTag, list.id, list.title])));
  return `W/"${base64url(new Uint8Array(digest)).slice(0, 27)}"`;
}

/** A list's page is the reader's to keep, revalidated on every visit: never a shared cache's (`public`). */
const LIST_PAGE_CACHE_CONTROL = "private, no-cache";

/**
 * A list's page (`/l/…`): the default list's page with the list's title in
 * it, or a 404 page that leads home. Which list the path names is read from
 * the raw path by the rule the page and its service worker use, so a link
 * they would not open as a list (a percent-encoded id, say) is not one here.
 */
async function listPage(c: Context<AppEnv>): Promise<Response> {
  const id = listIdFromPath(new URL(c.req.url).pathname);
  const list = id !== null && (await isAddressableListId(c.env, id)) ? await c.env.LIST_ROOM.getByName(id).listInfo() : null;
  if (list === null) {
    return c.html(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>No such list · ${MAIN_LIST_TITLE}</title>` +
        `<link rel="stylesheet" href="/styles.css"></head><body><main class="notfound"><h1>No such list</h1>` +
        `<p>This link does not lead to a list. <a href="/">Go to the shared list</a>.</p></main></body></html>`,
      404,
    );
  }
  const shell = await c.env.ASSETS.fetch(new URL("/", c.req.url));
  const etag = await listPageTag(shell.headers.get("etag") ?? "", list);
  const headers = new Headers(shell.headers);
  // The rewritten title changes the length; the shell's date is not the page's.
  headers.delete("content-length");
  headers.delete("last-modified");
  headers.set("etag", etag);
  headers.set("cache-control", LIST_PAGE_CACHE_CONTROL);
  const cached = c.req.header("if-none-match")?.split(",").some((tag) => tag.trim() === etag);
  if (cached) {
    await shell.body?.cancel();
    headers.delete("content-type");
    return new Response(null, { status: 304, headers });
  }
  const page = new HTMLRewriter()
    .on("title", { element: (element) => void element.setInnerContent(`${list.title} · ${MAIN_LIST_TITLE}`) })
    .on("h1", { element: (element) => void element.setInnerContent(list.title) })
    .transform(shell);
  return new Response(page.body, { status: 200, headers });
}

export const pages = new Hono<AppEnv>();

pages.on("GET", [...DEFAULT_LIST_PAGES], (c) => c.env.ASSETS.fetch(c.req.raw));

// Every path under /l/ is a list's page or the page saying there is no such list.
pages.get(`${LIST_PAGE_PREFIX}*`, limitPerAddress("read"), listPage);
