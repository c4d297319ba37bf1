/**
 * Editing and removing an item: `PATCH` and `DELETE` on
 * `/api/items/{itemId}` (and a named list's `/api/lists/{id}/items/{itemId}`),
 * with the item's edit key or the list's owner key as a Bearer token. The
 * room decides who may and delivers the change; here the request is read.
 */
import * as z from "zod/mini";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { ErrorCode } from "../protocol/errors";
import { claimedPos } from "../shared/itemId";
import type { ChangeRequest } from "../room";
import { room, type AppEnv } from "./context";
import { LIST_PATH } from "./lists";
import { clientGroup, limitPerAddress } from "./guard";
import { requireBearer, type BearerEnv } from "./bearer";
import { errorResponse } from "./httpErrors";
import { forgetNewestPage } from "./newestPage";
import { refusal } from "./roomRefusals";
import { IfMatchSchema, ItemBearerSchema, ItemPatchSchema } from "./schemas";
import { describeIssues, limitBody, readJson, validated } from "./validation";

export const ITEM_PATHS = ["/api/items/:itemId", `${LIST_PATH}/items/:itemId`] as const;

/** Who asks, from the headers already checked: the key, `If-Match` and the client's address group. */
function changeRequest(c: Context<AppEnv & BearerEnv>, expected: number | null | undefined): ChangeRequest {
  return { itemId: c.req.param("itemId")!, key: c.get("bearerKey"), expected: expected ?? null, group: clientGroup(c) };
}

// An id that cannot be an item's never reaches a room.
const wellFormedItemId: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (claimedPos(c.req.param("itemId") ?? "") === null) {
    return errorResponse(c, 404, ErrorCode.NotFound, "there is no such item on this list");
  }
  await next();
};

export const itemChanges = new Hono<AppEnv>();

itemChanges.patch("/", requireBearer(ItemBearerSchema), wellFormedItemId, limitPerAddress("save"), limitBody, validated("header", IfMatchSchema), async (c) => {
  const json = await readJson(c);
  if (!json.ok) return errorResponse(c, json.status, json.code, json.message);
  const patch = z.safeParse(ItemPatchSchema, json.value);
  if (!patch.success) return errorResponse(c, 400, ErrorCode.InvalidInput, describeIssues(patch.error));
  const { title, body } = patch.data;
  const request = changeRequest(c, c.req.valid("header")["if-match"]);
  const result = await room(c).editItem(request, title === undefined ? { body: body! } : { title, body });
  if (!result.ok) return refusal(c, result.error);
  await forgetNewestPage(c);
  return c.json({ item: result.value });
});

itemChanges.delete("/", requireBearer(ItemBearerSchema), wellFormedItemId, limitPerAddress("save"), validated("header", IfMatchSchema), async (c) => {
  const result = await room(c).removeItem(changeRequest(c, c.req.valid("header")["if-match"]));
  if (!result.ok) return refusal(c, result.error);
  await forgetNewestPage(c);
  return c.body(null, 204);
});
