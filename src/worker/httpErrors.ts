/**
 * The one shape of every HTTP error: `{"error":{"code","message"}}` with a 4xx
 * or 5xx status.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { errorBody, type ErrorCode } from "../protocol/errors";

export function errorResponse(c: Context, status: ContentfulStatusCode, code: ErrorCode, message: string): Response {
  return c.json(errorBody(code, message), status);
}
