/**
 * Lists as people make and share them: `POST /api/lists` creates one (its id
 * and owner key are random, the key's hash is all the list keeps), `GET` and
 * `PATCH /api/lists/{id}` read and rename it (its page, `/l/{id}`, is
 * pages.ts's). Each list is its own `ListRoom`; its items and socket routes
 * are the default list's, mounted under `/api/lists/{id}` in app.ts. Creation
 * is limited per address group (`LISTS_PER_HOUR`, src/quota/ListQuota.ts).
 */
import type { Context } from "hono";
import { Hono } from "../hono";
import { ErrorCode } from "../../protocol/errors";
import { LISTS_PATH, type ListInfo } from "../../protocol/lists";
import { OWNER_CHECK_SEGMENT, OwnerCheckStatus } from "../../protocol/ownerCheck";
import { hashToken, newToken } from "../../shared/tokens";
import { room, type AppEnv } from "../context";
import { clientGroup, limitPerAddress } from "../guard";
import { isAddressableListId, mintListId } from "../listIdSeal";
import { requireBearer } from "../bearer";
import { errorResponse } from "../httpErrors";
import { refusal } from "../roomRefusals";
import { readListsPerHour } from "../../quota/ListQuota";
import { BearerSchema, ListPatchSchema, NewListSchema } from "../schemas";
import { limitBody, mediaType, parseInput, validated } from "../validation";

export const LIST_PATH = `${LISTS_PATH}/:listId`;

function notFound(c: Context): Response {
  return errorResponse(c, 404, ErrorCode.NotFound, "there is no such list");
}

export const lists = new Hono<AppEnv>();

// Every creation counts as a save, refused ones included: each may wake the quota object and a room.
lists.post("/", limitPerAddress("save"), limitBody, async (c) => {
  const type = mediaType(c);
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
  const parsed = parseInput(NewListSchema, raw);
  if (!parsed.ok) return errorResponse(c, 400, ErrorCode.InvalidInput, parsed.message);

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

  const list: ListInfo = { id: await mintListId(c.env), title: parsed.value.title, createdAt: new Date().toISOString() };
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
