/** What every route handler shares: the Hono environment, and which list's room a request is about. */
import type { Context } from "hono";
import { DEFAULT_LIST_ID } from "../protocol/lists";
import type { GuardEnv } from "./guard";

export type AppEnv = GuardEnv;

/** The list the request is about: the one in the path (`/api/lists/{listId}/…`), else the default list. */
export function listIdOf<E extends AppEnv>(c: Context<E>): string {
  return c.req.param("listId") ?? DEFAULT_LIST_ID;
}

export function room<E extends AppEnv>(c: Context<E>) {
  return c.env.LIST_ROOM.getByName(listIdOf(c));
}
