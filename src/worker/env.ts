import type { RoomVars } from "../room/config";
import type { ListRoom } from "../room/ListRoom";
import type { ListIdVars } from "./listIdSeal";
import type { ListQuota, QuotaVars } from "./listQuota";

declare global {
  // The bindings from wrangler.toml; also what `env` from "cloudflare:workers" holds.
  namespace Cloudflare {
    interface Env extends RoomVars, QuotaVars, ListIdVars {
      LIST_ROOM: DurableObjectNamespace<ListRoom>;
      /** One object per client address group, counting its list creations; see listQuota.ts. */
      LIST_QUOTA: DurableObjectNamespace<ListQuota>;
      ASSETS: Fetcher;
      /** "true" to serve GET /api/usage (benchmarks); anything else hides it. */
      EXPOSE_USAGE?: string;
      /** "false" to limit loopback clients too (self-hosting); see clientAddress.ts. */
      EXEMPT_LOOPBACK?: string;
      /** Per-address limits at the edge (`[[ratelimits]]`); see guard.ts. */
      READ_LIMITER: RateLimit;
      CONNECT_LIMITER: RateLimit;
      SAVE_LIMITER: RateLimit;
    }
  }
}

export type Env = Cloudflare.Env;

/** There is one list; every request reaches the object of this name. */
export const ROOM_NAME = "main";
