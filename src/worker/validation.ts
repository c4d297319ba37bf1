/** Input checks shared by the routes: zod through Hono's validator, answering in our error shape, and the body limit. */
import { zValidator } from "@hono/zod-validator";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import { errorBody, ErrorCode } from "../protocol/errors";
import { REQUEST_BODY_MAX_BYTES } from "../protocol/limits";
import { errorResponse } from "./httpErrors";

export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

/** `zValidator` that answers failures in our error shape. */
export function validated<Target extends "query" | "header" | "json", Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
) {
  return zValidator(target, schema, (result, c) => {
    if (!result.success) return c.json(errorBody(ErrorCode.InvalidInput, describeIssues(result.error)), 400);
  });
}

export const limitBody = bodyLimit({
  maxSize: REQUEST_BODY_MAX_BYTES,
  onError: (c) =>
    errorResponse(c, 413, ErrorCode.PayloadTooLarge, `request bodies are limited to ${REQUEST_BODY_MAX_BYTES} bytes`),
});
