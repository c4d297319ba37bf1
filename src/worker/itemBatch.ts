/**
 * `POST …/items` with `{"items":[…]}`: several items at once
 * (src/protocol/batch.ts). A middleware in front of the one-item save, which
 * takes every other body: it reads the batch, names the first bad line by
 * its number, and forwards the lines to the room, which stores all or none.
 */
import type { MiddlewareHandler } from "hono";
import type * as v from "valibot";
import { badLineBody, type SavedBatchBody } from "../protocol/batch";
import { ErrorCode } from "../protocol/errors";
import { isRecord } from "../protocol/guards";
import { room, type AppEnv } from "./context";
import { clientGroup } from "./guard";
import { errorResponse } from "./httpErrors";
import { refusal } from "./roomRefusals";
import { NewLinesSchema, type SaveHeadersSchema } from "./schemas";
import { mediaType, parseInput, readJson } from "./validation";

/** The first line (counting from 1) that issues are about, and what is wrong with it; null when they are about the whole batch. */
function badLine(issues: readonly v.GenericIssue[]): { line: number; problem: string } | null {
  const found = issues.flatMap((issue) => {
    const [field, index, ...rest] = (issue.path ?? []).map((item) => item.key);
    if (field !== "items" || typeof index !== "number") return [];
    return [{ line: index + 1, problem: rest.length > 0 ? `${rest.join(".")}: ${issue.message}` : issue.message }];
  });
  return found.sort((a, b) => a.line - b.line)[0] ?? null;
}

type SaveHeaders = { out: { header: v.InferOutput<typeof SaveHeadersSchema> } };

export const saveBatch: MiddlewareHandler<AppEnv, string, SaveHeaders> = async (c, next) => {
  const json = mediaType(c) === "application/json" ? await readJson(c) : null;
  if (!json?.ok || !isRecord(json.value) || !("items" in json.value)) return next();
  if ("title" in json.value) {
    return errorResponse(c, 400, ErrorCode.InvalidInput, "send title for one item or items for several, not both");
  }
  const parsed = parseInput(NewLinesSchema, json.value);
  if (!parsed.ok) {
    const bad = badLine(parsed.issues);
    return bad ? c.json(badLineBody(bad.line, bad.problem), 400) : errorResponse(c, 400, ErrorCode.InvalidInput, parsed.message);
  }
  const headers = c.req.valid("header");
  const result = await room(c).addItems(parsed.value.items, headers["idempotency-key"] ?? null, clientGroup(c), headers["listroom-writer"] ?? null);
  if (!result.ok) return refusal(c, result.error);
  if (result.value.replayed) c.header("Idempotent-Replayed", "true");
  return c.json({ items: result.value.items, editKeys: result.value.editKeys } satisfies SavedBatchBody, 201);
};
