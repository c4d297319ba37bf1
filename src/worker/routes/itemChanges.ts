/**
 * One item: `GET` it (with its version as `ETag`), and edit, tick and remove
 * it with `PATCH` and `DELETE`, on `/api/items/{itemId}` (and a named list's
 * `/api/lists/{id}/items/{itemId}`), with the item's edit key or the list's
 * owner key as a Bearer token; a `PATCH` of `done` alone needs no key. A
 * change names its writer (`Listroom-Writer`) and the version it was made on
 * (`If-Match`). The room decides who may and whether the change collides
 * (src/protocol/fieldMerge.ts), and delivers it; here the request is read,
 * and counted against the address's tick limit when it is a tick (`done`
 * alone) or its save limit when it is anything else.
 */
import type * as v from "valibot";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ErrorCode } from "../../protocol/errors";
import { touchesText, type ItemPatch } from "../../protocol/item";
import { REQUEST_BODY_MAX_BYTES } from "../../protocol/limits";
import { claimedPos } from "../../shared/itemId";
import type { ChangeRequest } from "../../room";
import { room, type AppEnv } from "../context";
import { Hono } from "../hono";
import { LIST_PATH } from "./lists";
import { clientGroup, limitPerAddress, overAddressLimit } from "../guard";
import { optionalBearer, requireBearer, unauthorized } from "../bearer";
import { errorResponse } from "../httpErrors";
import { forgetNewestPage } from "../newestPage";
import { refusal } from "../roomRefusals";
import { ChangeHeadersSchema, ItemBearerSchema, ItemPatchSchema } from "../schemas";
import { parseInput, payloadTooLarge, readJson, validated, type BodyProblem } from "../validation";

export const ITEM_PATHS = ["/api/items/:itemId", `${LIST_PATH}/items/:itemId`] as const;

type ChangeHeaders = v.InferOutput<typeof ChangeHeadersSchema>;

/** Who asks, from the headers already checked: the key (null: none sent), `If-Match`, the writer and the client's address group. */
function changeRequest<E extends AppEnv>(c: Context<E>, key: string | null, headers: ChangeHeaders): ChangeRequest {
  return {
    itemId: c.req.param("itemId")!,
    key,
    expected: headers["if-match"] ?? null,
    writer: headers["listroom-writer"] ?? null,
    group: clientGroup(c),
  };
}

// An id that cannot be an item's never reaches a room.
const wellFormedItemId: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (claimedPos(c.req.param("itemId") ?? "") === null) {
    return errorResponse(c, 404, ErrorCode.NotFound, "there is no such item on this list");
  }
  await next();
};

type PatchRead = { ok: true; patch: ItemPatch } | ({ ok: false } & BodyProblem);

/** What the `PATCH` handler finds in `c.var`: the body, read once, as a change or why it is not one. */
type PatchEnv = { Variables: { patch: PatchRead } };

async function readPatch<E extends AppEnv>(c: Context<E>): Promise<PatchRead> {
  const json = await readJson(c);
  if (!json.ok) return json;
  const patch = parseInput(ItemPatchSchema, json.value);
  if (!patch.ok) return { ok: false, status: 400, code: ErrorCode.InvalidInput, message: patch.message };
  return { ok: true, patch: patch.value };
}

// A tick (`done` alone) counts against the address's tick limit; any other
// change, and a body that is not one (one too large included), against its save limit.
const limitChangeBody = bodyLimit({
  maxSize: REQUEST_BODY_MAX_BYTES,
  onError: async (c) => (await overAddressLimit(c, "save")) ?? payloadTooLarge(c),
});

const countChange: MiddlewareHandler<AppEnv & PatchEnv> = async (c, next) => {
  const read = await readPatch(c);
  const refused = await overAddressLimit(c, read.ok && !touchesText(read.patch) ? "tick" : "save");
  if (refused) return refused;
  c.set("patch", read);
  await next();
};

export const itemChanges = new Hono<AppEnv>();

// Read like any page of items; the version is the ETag a change's If-Match names.
itemChanges.get("/", wellFormedItemId, limitPerAddress("read"), async (c) => {
  const result = await room(c).getItem(c.req.param("itemId")!);
  if (!result.ok) return refusal(c, result.error);
  c.header("ETag", `"${result.value.version}"`);
  return c.json({ item: result.value });
});

// Whether a key is needed depends on the body (a tick alone needs none), so a missing one is told after it is read.
itemChanges.patch("/", optionalBearer(ItemBearerSchema), wellFormedItemId, limitChangeBody, countChange, validated("header", ChangeHeadersSchema), async (c) => {
  const read = c.get("patch");
  if (!read.ok) return errorResponse(c, read.status, read.code, read.message);
  const key = c.get("bearerKey");
  if (touchesText(read.patch) && key === null) {
    return unauthorized(c, "send Authorization: Bearer <edit key or owner key> to change the title or body");
  }
  const result = await room(c).editItem(changeRequest(c, key, c.req.valid("header")), read.patch);
  if (!result.ok) return refusal(c, result.error);
  await forgetNewestPage(c);
  return c.json({ item: result.value });
});

itemChanges.delete("/", requireBearer(ItemBearerSchema), wellFormedItemId, limitPerAddress("save"), validated("header", ChangeHeadersSchema), async (c) => {
  const result = await room(c).removeItem(changeRequest(c, c.get("bearerKey"), c.req.valid("header")));
  if (!result.ok) return refusal(c, result.error);
  await forgetNewestPage(c);
  return c.body(null, 204);
});
