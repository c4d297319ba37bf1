/** Input checks shared by the routes: valibot schemas through Hono's validator, answering in our error shape, and the body limit. */
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { validator } from "hono/validator";
import * as v from "valibot";
import { ErrorCode } from "../protocol/errors";
import { REQUEST_BODY_MAX_BYTES } from "../protocol/limits";
import { errorResponse } from "./httpErrors";

/** What an issue says when its schema gives no message of its own. */
const DEFAULT_MESSAGE = "Invalid input";

export type Parsed<Output> = { ok: true; value: Output } | { ok: false; message: string };

/**
 * `input` read by `schema`, or every issue found, each after the field it is
 * about, joined by "; ".
 *
 * @example
 * parseInput(NewItemSchema, { title: 5 }) // { ok: false, message: "title: Title must be a string" }
 */
export function parseInput<Schema extends v.GenericSchema>(schema: Schema, input: unknown): Parsed<v.InferOutput<Schema>> {
  const result = v.safeParse(schema, input, { message: DEFAULT_MESSAGE });
  if (result.success) return { ok: true, value: result.output };
  const message = result.issues
    .map((issue) => {
      const path = v.getDotPath(issue);
      return path === null ? issue.message : `${path}: ${issue.message}`;
    })
    .join("; ");
  return { ok: false, message };
}

/**
 * Hono's validator with a valibot schema, answering failures in our error
 * shape. (Header names arrive lowercased, as the header schemas spell them.)
 */
export function validated<Target extends "query" | "header" | "json", Schema extends v.GenericSchema>(
  target: Target,
  schema: Schema,
) {
  const check = validator(target, (value, c) => {
    const parsed = parseInput(schema, value);
    return parsed.ok ? parsed.value : errorResponse(c, 400, ErrorCode.InvalidInput, parsed.message);
  });
  if (target !== "json") return check;
  // Hono's JSON validator throws on a body that does not parse (our 500) and
  // hands another media type's body to the schema as `{}` (a misleading 400):
  // the body is read first, so those are a 400 invalid_json and a 415.
  const jsonFirst: typeof check = async (c, next) => {
    const json = await readJson(c);
    if (!json.ok) return errorResponse(c, json.status, json.code, json.message);
    return check(c, next);
  };
  return jsonFirst;
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
