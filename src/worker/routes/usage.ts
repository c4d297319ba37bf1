/**
 * `GET /api/usage` (and a named list's `/api/lists/{id}/usage`): the list's
 * billable-work counters and its relays', for benchmarks. Hidden (404) unless
 * `EXPOSE_USAGE` is "true".
 */
import { Hono } from "../hono";
import { readSwitch } from "../../config/variables";
import { ErrorCode } from "../../protocol/errors";
import { room, type AppEnv } from "../context";
import { limitPerAddress } from "../guard";
import { errorResponse } from "../httpErrors";
import { LIST_PATH } from "./lists";

export const USAGE_PATHS = ["/api/usage", `${LIST_PATH}/usage`] as const;

export const usage = new Hono<AppEnv>();

usage.get("/", async (c, next) => {
  if (!readSwitch("EXPOSE_USAGE", c.env)) return errorResponse(c, 404, ErrorCode.NotFound, `nothing at ${c.req.path}`);
  await next();
}, limitPerAddress("read"), async (c) => {
  const list = room(c);
  const [usage, relays] = await Promise.all([list.usage(), list.relaysUsage()]);
  return c.json({ usage, ...relays });
});
