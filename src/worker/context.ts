/** What every route handler shares: the Hono environment, and which list's room a request is about. */
import type { Context } from "hono";
import { ErrorCode } from "../protocol/errors";
import { DEFAULT_LIST_ID } from "../protocol/lists";
import type { GuardEnv } from "./guard";
import { errorResponse } from "./httpErrors";

export type AppEnv = GuardEnv;

/** The list the request is about: the one in the path (`/api/lists/{listId}/…`), else the default list. */
export function listIdOf<E extends AppEnv>(c: Context<E>): string {
  return c.req.param("listId") ?? DEFAULT_LIST_ID;
}

export function room<E extends AppEnv>(c: Context<E>) {
  return c.env.LIST_ROOM.getByName(listIdOf(c));
}

/** The 404 for a list id in the path that names no list (`/api/lists/{listId}/…`). */
export function noSuchList(c: Context): Response {
  const id = c.req.param("listId") ?? "";
  return errorResponse(c, 404, ErrorCode.NotFound, `there is no list ${JSON.stringify(id.slice(0, 64))}`);
}
