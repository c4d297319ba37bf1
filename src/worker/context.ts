/** What every route handler shares: the Hono environment, and which list's room a request is about. */
import type { Context } from "hono";
import { ROOM_NAME } from "./env";
import type { GuardEnv } from "./guard";

export type AppEnv = GuardEnv;

/** The list the request is about: the one in the path (`/api/lists/{listId}/…`), else the default list. */
export function listIdOf<E extends AppEnv>(c: Context<E>): string {
  return c.req.param("listId") ?? ROOM_NAME;
}

export function room<E extends AppEnv>(c: Context<E>) {
  return c.env.LIST_ROOM.getByName(listIdOf(c));
}
