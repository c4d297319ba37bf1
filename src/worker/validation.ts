/** Input checks shared by the routes: zod/mini schemas through Hono's validator, answering in our error shape, and the body limit. */
import type { Context } from "hono";
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
  const check = validator(target, async (value, c) => {
    const result = await z.safeParseAsync(schema, value);
    if (!result.success) return c.json(errorBody(ErrorCode.InvalidInput, describeIssues(result.error)), 400);
    return result.data;
  });
  if (target !== "json") return check;
  // Hono's JSON validator throws on a body that does not parse (our 500) and
  // hands another media type's body to the schema as `{}` (a misleading 400):
  // the body is read first, so those are a 400 invalid_json and a 415.
  const jsonFirst = async (...[c, next]: Parameters<typeof check>) => {
    const json = await readJson(c);
    if (!json.ok) return errorResponse(c, json.status, json.code, json.message);
    return check(c, next);
  };
  // Only the answers' types widen (a 415 besides the schema's 400); what the handler reads is the schema's.
  return jsonFirst as typeof check;
}

export type BodyProblem = { status: 400 | 415; code: ErrorCode; message: string };

/** The media type of the request body, lowercased, without parameters. */
export function mediaType(c: Context): string {
  return (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

/** A JSON body, or why it is not one (415 for another media type, 400 for JSON that does not parse). */
export async function readJson(c: Context): Promise<{ ok: true; value: unknown } | ({ ok: false } & BodyProblem)> {
  if (mediaType(c) !== "application/json") {
    return { ok: false, status: 415, code: ErrorCode.UnsupportedMediaType, message: "send application/json" };
  }
  try {
    return { ok: true, value: await c.req.json() };
  } catch {
    return { ok: false, status: 400, code: ErrorCode.InvalidJson, message: "the body is not valid JSON" };
  }
}

export function payloadTooLarge(c: Context): Response {
  return errorResponse(c, 413, ErrorCode.PayloadTooLarge, `request bodies are limited to ${REQUEST_BODY_MAX_BYTES} bytes`);
}

export const limitBody = bodyLimit({ maxSize: REQUEST_BODY_MAX_BYTES, onError: payloadTooLarge });
