/**
 * Lists as people make and share them: `POST /api/lists` creates one (its id
 * and owner key are random, the key's hash is all the list keeps), `GET` and
 * `PATCH /api/lists/{id}` read and rename it, and `GET /l/{id}` is its page.
 * Each list is its own `ListRoom`; its items and socket routes are the
 * default list's, mounted under `/api/lists/{id}` in app.ts. Creation is
 * limited per address group (`LISTS_PER_HOUR`, src/quota/ListQuota.ts).
 */
import * as z from "zod/mini";
import { Hono, type Context } from "hono";
import { ErrorCode } from "../protocol/errors";
import { listIdFromPath, LISTS_PATH, MAIN_LIST_TITLE, type ListInfo } from "../protocol/lists";
import { OWNER_CHECK_SEGMENT, OwnerCheckStatus } from "../protocol/ownerCheck";
import { base64url, hashToken, newToken } from "../shared/tokens";
import { room, type AppEnv } from "./context";
import { clientGroup, limitPerAddress } from "./guard";
import { isAddressableListId, mintListId } from "./listIdSeal";
import { requireBearer } from "./bearer";
import { errorResponse } from "./httpErrors";
import { refusal } from "./roomRefusals";
import { readListsPerHour } from "../quota/ListQuota";
import { BearerSchema, ListPatchSchema, NewListSchema } from "./schemas";
import { describeIssues, limitBody, validated } from "./validation";

export const LIST_PATH = `${LISTS_PATH}/:listId`;

function notFound(c: Context): Response {
  return errorResponse(c, 404, ErrorCode.NotFound, "there is no such list");
}

export const lists = new Hono<AppEnv>();

// Every creation counts as a save, refused ones included: each may wake the quota object and a room.
lists.post("/", limitPerAddress("save"), limitBody, async (c) => {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const text = await c.req.text();
  let raw: unknown = {};
  if (text.trim() !== "") {
    if (type !== "application/json") {
      return errorResponse(c, 415, ErrorCode.UnsupportedMediaType, "send application/json");
    }
    try {
      raw = JSON.parse(text);
    } catch {
      return errorResponse(c, 400, ErrorCode.InvalidJson, "the body is not valid JSON");
    }
  }
  const parsed = z.safeParse(NewListSchema, raw);
  if (!parsed.success) return errorResponse(c, 400, ErrorCode.InvalidInput, describeIssues(parsed.error));

  // Read on every creation, exempt or not, so a bad value is an error at once.
  const perHour = readListsPerHour(c.env);
  const group = clientGroup(c);
  if (group !== null) {
    const admission = await c.env.LIST_QUOTA.getByName(group).admit(perHour);
    if (!admission.ok) {
      const seconds = Math.ceil(admission.retryAfterMs / 1000);
      c.header("Retry-After", String(seconds));
      return errorResponse(c, 429, ErrorCode.RateLimited, `too many new lists from your address; try again in ${seconds} s`);
    }
  }

  const list: ListInfo = { id: await mintListId(c.env), title: parsed.data.title, createdAt: new Date().toISOString() };
  const ownerKey = newToken();
  const created = await c.env.LIST_ROOM.getByName(list.id).createList(list, await hashToken(ownerKey));
  if (!created) throw new Error("a new list id was already taken");
  return c.json({ list, ownerKey }, 201);
});

lists.get("/:listId", limitPerAddress("read"), async (c) => {
  const id = c.req.param("listId");
  const list = (await isAddressableListId(c.env, id)) ? await room(c).listInfo() : null;
  return list === null ? notFound(c) : c.json({ list });
});

// The key is asked for before the body is read: no key is a 401, a wrong one a 403.
// Every rename counts as a save, with a wrong key or none too, so guessing keys costs the guesser.
lists.patch("/:listId", limitPerAddress("save"), requireBearer(BearerSchema), async (c, next) => {
  if (!(await isAddressableListId(c.env, c.req.param("listId")))) return notFound(c);
  await next();
}, limitBody, validated("json", ListPatchSchema), async (c) => {
  const result = await room(c).renameList(c.req.valid("json").title, c.get("bearerKey"));
  return result.ok ? c.json({ list: result.value }) : refusal(c, result.error);
});

// Whether a key owns the list, changing nothing: the page asks before it keeps
// a key from an owner link. Counted as a read; a wrong key is a 403 like a
// rename's, a list nobody made a 404.
lists.get(`/:listId/${OWNER_CHECK_SEGMENT}`, limitPerAddress("read"), requireBearer(BearerSchema), async (c) => {
  const check = await room(c).checkOwner(c.get("bearerKey"));
  if (check === null) return notFound(c);
  if (check !== "owner") {
    const message = check === "no-owner" ? "this list has no owner" : "that is not this list's owner key";
    return errorResponse(c, OwnerCheckStatus.NotOwner, ErrorCode.Forbidden, message);
  }
  return c.body(null, OwnerCheckStatus.Owner);
});

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
export async function listPage(c: Context<AppEnv>): Promise<Response> {
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
