/**
 * The Worker's entry point: a save's lean route (saveRoute.ts) first, then
 * every route of the app, and the Durable Object classes they address.
 */
import { app } from "./app";
import type { Env } from "./env";
import { saveRoute } from "./saveRoute";

export { ListRoom } from "../room";
export { ListQuota } from "../quota/ListQuota";
export { ListRelay } from "../relay/ListRelay";

export default {
  async fetch(request, env, ctx) {
    return (await saveRoute(request, env)) ?? app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
