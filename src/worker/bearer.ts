/**
 * `Authorization: Bearer <key>` on the routes that change what only a key
 * holder may: its absence is a 401, told apart from a wrong key (the room
 * answers that with a 403). The key is read once and kept for the handler.
 */
import type { Context, MiddlewareHandler } from "hono";
import { ErrorCode } from "../protocol/errors";
import type { AppEnv } from "./context";
import { errorResponse } from "./httpErrors";
import type { BearerSchema } from "./schemas";
import { parseInput } from "./validation";

/** What the routes behind {@link requireBearer} find in `c.var`. */
export type BearerEnv = { Variables: { bearerKey: string } };
/** What the routes behind {@link optionalBearer} find in `c.var`: null when no key was sent. */
export type OptionalBearerEnv = { Variables: { bearerKey: string | null } };

/** The 401 for a missing or malformed key. */
export function unauthorized(c: Context, message: string): Response {
  c.header("WWW-Authenticate", 'Bearer realm="listroom"');
  return errorResponse(c, 401, ErrorCode.Unauthorized, message);
}

export function requireBearer(schema: typeof BearerSchema): MiddlewareHandler<AppEnv & BearerEnv> {
  return async (c, next) => {
    const auth = parseInput(schema, { authorization: c.req.header("authorization") });
    if (!auth.ok) return unauthorized(c, auth.message);
    c.set("bearerKey", auth.value.authorization);
    await next();
  };
}

/** A key for routes where only some requests need one (ticking an item needs none): absent is null, malformed a 401. */
export function optionalBearer(schema: typeof BearerSchema): MiddlewareHandler<AppEnv & OptionalBearerEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (header === undefined) {
      c.set("bearerKey", null);
      return next();
    }
    const auth = parseInput(schema, { authorization: header });
    if (!auth.ok) return unauthorized(c, auth.message);
    c.set("bearerKey", auth.value.authorization);
    await next();
  };
}
