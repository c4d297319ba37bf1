/**
 * Editing and removing an item: `PATCH` and `DELETE` on
 * `/api/items/{itemId}` (and a named list's `/api/lists/{id}/items/{itemId}`),
 * with the item's edit key or the list's owner key as a Bearer token. The
 * room decides who may and delivers the change; here the request is read.
 */
import * as z from "zod/mini";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ErrorCode } from "../protocol/errors";
import { claimedPos } from "../room/itemId";
import type { ChangeRequest, RoomError } from "../room/ListRoom";
import { room, type AppEnv } from "./context";
import { LIST_PATH } from "./lists";
import { clientGroup, limitPerAddress } from "./guard";
import { errorResponse } from "./httpErrors";
import { IfMatchSchema, ItemBearerSchema, ItemPatchSchema } from "./schemas";
import { describeIssues, limitBody, readJson, validated } from "./validation";

export const ITEM_PATHS = ["/api/items/:itemId", `${LIST_PATH}/items/:itemId`] as const;

const STATUS_OF: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.VersionMismatch]: 412,
  [ErrorCode.RateLimited]: 429,
};

function refusal(c: Context<AppEnv>, error: RoomError): Response {
  if (error.retryAfterMs !== undefined) c.header("Retry-After", String(Math.ceil(error.retryAfterMs / 1000)));
  return errorResponse(c, STATUS_OF[error.code] ?? 400, error.code, error.message);
}

/** Who asks, from the headers already checked: the key, `If-Match` and the client's address group. */
function changeRequest(c: Context<AppEnv>, expected: number | null | undefined): ChangeRequest {
  const { authorization } = z.parse(ItemBearerSchema, { authorization: c.req.header("authorization") });
  return { itemId: c.req.param("itemId")!, key: authorization, expected: expected ?? null, group: clientGroup(c) };
}

// Told apart before anything else: no key is a 401, a wrong one a 403 (from the room).
const keyAndItemId: MiddlewareHandler<AppEnv> = async (c, next) => {
  const auth = z.safeParse(ItemBearerSchema, { authorization: c.req.header("authorization") });
  if (!auth.success) {
    c.header("WWW-Authenticate", 'Bearer realm="listroom"');
    return errorResponse(c, 401, ErrorCode.Unauthorized, describeIssues(auth.error));
  }
  if (claimedPos(c.req.param("itemId") ?? "") === null) {
    return errorResponse(c, 404, ErrorCode.NotFound, "there is no such item on this list");
  }
  await next();
};

export const itemChanges = new Hono<AppEnv>();

itemChanges.patch("/", keyAndItemId, limitPerAddress("save"), limitBody, validated("header", IfMatchSchema), async (c) => {
  const json = await readJson(c);
  if (!json.ok) return errorResponse(c, json.status, json.code, json.message);
  const patch = z.safeParse(ItemPatchSchema, json.value);
  if (!patch.success) return errorResponse(c, 400, ErrorCode.InvalidInput, describeIssues(patch.error));
  const { title, body } = patch.data;
  const request = changeRequest(c, c.req.valid("header")["if-match"]);
  const result = await room(c).editItem(request, title === undefined ? { body: body! } : { title, body });
  return result.ok ? c.json({ item: result.item }) : refusal(c, result.error);
});

itemChanges.delete("/", keyAndItemId, limitPerAddress("save"), validated("header", IfMatchSchema), async (c) => {
  const result = await room(c).removeItem(changeRequest(c, c.req.valid("header")["if-match"]));
  return result.ok ? c.body(null, 204) : refusal(c, result.error);
});
