/**
 * Editing, ticking and removing an item: `PATCH` and `DELETE` on
 * `/api/items/{itemId}` (and a named list's `/api/lists/{id}/items/{itemId}`),
 * with the item's edit key or the list's owner key as a Bearer token; a
 * `PATCH` of `done` alone needs no key. The room decides who may and delivers
 * the change; here the request is read.
 */
import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "../hono";
import { ErrorCode } from "../../protocol/errors";
import { touchesText } from "../../protocol/item";
import { claimedPos } from "../../shared/itemId";
import type { ChangeRequest } from "../../room";
import { room, type AppEnv } from "../context";
import { LIST_PATH } from "./lists";
import { clientGroup, limitPerAddress } from "../guard";
import { optionalBearer, requireBearer, unauthorized } from "../bearer";
import { errorResponse } from "../httpErrors";
import { forgetNewestPage } from "../newestPage";
import { refusal } from "../roomRefusals";
import { IfMatchSchema, ItemBearerSchema, ItemPatchSchema } from "../schemas";
import { limitBody, parseInput, readJson, validated } from "../validation";

export const ITEM_PATHS = ["/api/items/:itemId", `${LIST_PATH}/items/:itemId`] as const;

/** Who asks, from the headers already checked: the key (null: none sent), `If-Match` and the client's address group. */
function changeRequest<E extends AppEnv>(c: Context<E>, key: string | null, expected: number | null | undefined): ChangeRequest {
  return { itemId: c.req.param("itemId")!, key, expected: expected ?? null, group: clientGroup(c) };
}

// An id that cannot be an item's never reaches a room.
const wellFormedItemId: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (claimedPos(c.req.param("itemId") ?? "") === null) {
    return errorResponse(c, 404, ErrorCode.NotFound, "there is no such item on this list");
  }
  await next();
};

export const itemChanges = new Hono<AppEnv>();

// Whether a key is needed depends on the body (a tick alone needs none), so a missing one is told after it is read.
itemChanges.patch("/", optionalBearer(ItemBearerSchema), wellFormedItemId, limitPerAddress("save"), limitBody, validated("header", IfMatchSchema), async (c) => {
  const json = await readJson(c);
  if (!json.ok) return errorResponse(c, json.status, json.code, json.message);
  const patch = parseInput(ItemPatchSchema, json.value);
  if (!patch.ok) return errorResponse(c, 400, ErrorCode.InvalidInput, patch.message);
  const key = c.get("bearerKey");
  if (touchesText(patch.value) && key === null) {
    return unauthorized(c, "send Authorization: Bearer <edit key or owner key> to change the title or body");
  }
  const result = await room(c).editItem(changeRequest(c, key, c.req.valid("header")["if-match"]), patch.value);
  if (!result.ok) return refusal(c, result.error);
  await forgetNewestPage(c);
  return c.json({ item: result.value });
});

itemChanges.delete("/", requireBearer(ItemBearerSchema), wellFormedItemId, limitPerAddress("save"), validated("header", IfMatchSchema), async (c) => {
  const result = await room(c).removeItem(changeRequest(c, c.get("bearerKey"), c.req.valid("header")["if-match"]));
  if (!result.ok) return refusal(c, result.error);
  await forgetNewestPage(c);
  return c.body(null, 204);
});
