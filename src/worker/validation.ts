/** Input checks shared by the routes: zod/mini schemas through Hono's validator, answering in our error shape, and the body limit. */
import { bodyLimit } from "hono/body-limit";
import { validator } from "hono/validator";
import * as z from "zod/mini";
import { errorBody, ErrorCode } from "../protocol/errors";
import { REQUEST_BODY_MAX_BYTES } from "../protocol/limits";
import { errorResponse } from "./httpErrors";

export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

/**
 * Hono's validator with a `zod/mini` schema, answering failures in our error
 * shape. (Header names arrive lowercased, as the header schemas spell them.)
 */
export function validated<Target extends "query" | "header" | "json", Schema extends z.ZodMiniType>(
  target: Target,
  schema: Schema,
) {
  return validator(target, async (value, c) => {
    const result = await z.safeParseAsync(schema, value);
    if (!result.success) return c.json(errorBody(ErrorCode.InvalidInput, describeIssues(result.error)), 400);
    return result.data;
  });
}

export const limitBody = bodyLimit({
  maxSize: REQUEST_BODY_MAX_BYTES,
  onError: (c) =>
    errorResponse(c, 413, ErrorCode.PayloadTooLarge, `request bodies are limited to ${REQUEST_BODY_MAX_BYTES} bytes`),
});
