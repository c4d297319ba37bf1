/** What every route handler shares: the Hono environment, and which list's room a request is about. */
import type { Context } from "hono";
import type { Env } from "./env";
import { ROOM_NAME } from "./env";

export type AppEnv = { Bindings: Env };

/** The list the request is about: the one in the path (`/api/lists/{listId}/…`), else the default list. */
export function room(c: Context<AppEnv>) {
  return c.env.LIST_ROOM.getByName(c.req.param("listId") ?? ROOM_NAME);
}
