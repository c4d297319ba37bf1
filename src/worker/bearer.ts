/**
 * `Authorization: Bearer <key>` on the routes that change what only a key
 * holder may: its absence is a 401, told apart from a wrong key (the room
 * answers that with a 403). The key is read once and kept for the handler.
 */
import * as z from "zod/mini";
import type { MiddlewareHandler } from "hono";
import { ErrorCode } from "../protocol/errors";
import type { AppEnv } from "./context";
import { errorResponse } from "./httpErrors";
import type { BearerSchema } from "./schemas";
import { describeIssues } from "./validation";

/** What the routes behind {@link requireBearer} find in `c.var`. */
export type BearerEnv = { Variables: { bearerKey: string } };

export function requireBearer(schema: typeof BearerSchema): MiddlewareHandler<AppEnv & BearerEnv> {
  return async (c, next) => {
    const auth = z.safeParse(schema, { authorization: c.req.header("authorization") });
    if (!auth.success) {
      c.header("WWW-Authenticate", 'Bearer realm="listroom"');
      return errorResponse(c, 401, ErrorCode.Unauthorized, describeIssues(auth.error));
    }
    c.set("bearerKey", auth.data.authorization);
    await next();
  };
}
