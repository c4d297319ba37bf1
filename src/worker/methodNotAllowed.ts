/**
 * The answer to a method a path does not take: `405 method_not_allowed`,
 * with the `Allow` header that RFC 9110 requires of a 405 naming the methods
 * it does take (https://www.rfc-editor.org/rfc/rfc9110#name-405-method-not-allowed).
 * Hono answers HEAD with a path's GET route, so a path that takes GET takes
 * HEAD too.
 */
import type { Context } from "hono";
import { ErrorCode } from "../protocol/errors";
import { errorResponse } from "./httpErrors";

type Method = "GET" | "POST" | "PATCH" | "DELETE";

/** The `Allow` value for a path's methods, in the order given, HEAD after GET. */
export function allowHeader(allowed: readonly Method[]): string {
  return allowed.flatMap((method) => (method === "GET" ? ["GET", "HEAD"] : [method])).join(", ");
}

/**
 * A handler answering 405 for a path that takes only `allowed`.
 *
 * @example
 * app.on(["PUT", "DELETE"], "/save", methodNotAllowed(["POST"])) // 405 with Allow: POST
 */
export function methodNotAllowed(allowed: readonly Method[]) {
  const allow = allowHeader(allowed);
  return (c: Context): Response => {
    c.header("Allow", allow);
    return errorResponse(c, 405, ErrorCode.MethodNotAllowed, `${c.req.method} is not allowed on ${c.req.path}; use ${allow}`);
  };
}
