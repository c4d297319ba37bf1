/**
 * A room's refusal as an HTTP answer: one status per error code the room
 * gives, `Retry-After` whenever the room says how long to wait, and for a
 * change that collided with another writer's, the fields and the item beside
 * the error. Every route that forwards a command to a room answers its
 * refusals through here.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ErrorCode, versionMismatchBody } from "../protocol/errors";
import type { RoomError } from "../shared/outcome";
import { errorResponse } from "./httpErrors";

const STATUS_OF: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.VersionMismatch]: 412,
  [ErrorCode.ItemRemoved]: 410,
  [ErrorCode.IdempotencyKeyReused]: 422,
  // The list's state, not the request, is what stands in the way: removing items makes room.
  [ErrorCode.ListFull]: 409,
  [ErrorCode.RateLimited]: 429,
};

/** The status for a refusal, with its `Retry-After` set on `c` when the room gave one. */
export function refusalStatus(c: Context, error: RoomError): ContentfulStatusCode {
  if (error.retryAfterMs !== undefined) c.header("Retry-After", String(Math.ceil(error.retryAfterMs / 1000)));
  return STATUS_OF[error.code] ?? 400;
}

/** A refusal in the usual error shape; a collision also says which fields and what the item is now. */
export function refusal(c: Context, error: RoomError): Response {
  const status = refusalStatus(c, error);
  if (error.conflict) return c.json(versionMismatchBody(error.message, error.conflict.fields, error.conflict.item), status);
  return errorResponse(c, status, error.code, error.message);
}
