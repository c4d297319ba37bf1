/**
 * A list's items: `GET …/items` reads a page of them, newest first (`before`
 * for older pages, `q` to search), and `POST …/items` saves a new one. The
 * same routes serve the default list at `/api/items` and every named list
 * under `/api/lists/{id}/items`.
 */
import type { Context } from "hono";
import { Hono } from "../hono";
import { ErrorCode } from "../../protocol/errors";
import type { ListQuery, Page } from "../../room";
import type { Outcome } from "../../shared/outcome";
import { noSuchList, room, type AppEnv } from "../context";
import { clientGroup, limitPerAddress } from "../guard";
import { errorResponse } from "../httpErrors";
import { readItemInput } from "../itemInput";
import { itemsPageBody } from "../itemsPage";
import { newestPageText } from "../newestPage";
import { refusal } from "../roomRefusals";
import { ListQuerySchema, SaveHeadersSchema } from "../schemas";
import { limitBody, validated } from "../validation";
import { LIST_PATH } from "./lists";

export const ITEMS_PATHS = ["/api/items", `${LIST_PATH}/items`] as const;

/** A page the room read, or its refusal: a list nobody made is a 404, anything else a 400. */
function pageAnswer(c: Context<AppEnv>, result: Outcome<Page>): Response {
  if (!result.ok && result.error.code === ErrorCode.NotFound) return noSuchList(c);
  if (!result.ok) return errorResponse(c, 400, result.error.code, result.error.message);
  return c.json(itemsPageBody(result.value));
}

/** `GET …/items?q=`: never cached, unlike the newest page (newestPage.ts), since each query is its own. */
async function searchPage(c: Context<AppEnv>, query: ListQuery & { q: string }): Promise<Response> {
  return pageAnswer(c, await room(c).searchItems(query));
}

export const items = new Hono<AppEnv>();

items.get("/", limitPerAddress("read"), validated("query", ListQuerySchema), async (c) => {
  const { before, limit, q } = c.req.valid("query");
  if (q !== undefined) return searchPage(c, { q, before: before ?? null, limit });
  if (before === undefined) {
    const text = await newestPageText(c, limit);
    return text === null ? noSuchList(c) : c.body(text, 200, { "content-type": "application/json" });
  }
  return pageAnswer(c, await room(c).listItems({ before, limit }));
});

items.post("/", limitPerAddress("save"), limitBody, validated("header", SaveHeadersSchema), async (c) => {
  const read = await readItemInput(c);
  if (!read.ok) return errorResponse(c, read.status, read.code, read.message);
  const headers = c.req.valid("header");
  const result = await room(c).addItem(read.input, headers["idempotency-key"] ?? null, clientGroup(c), headers["listroom-writer"] ?? null);
  if (!result.ok) return refusal(c, result.error);
  if (result.value.replayed) c.header("Idempotent-Replayed", "true");
  return c.json({ item: result.value.item, editKey: result.value.editKey }, 201);
});
