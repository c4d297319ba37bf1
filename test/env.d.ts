import type { Env } from "../src/worker/env";

declare global {
  namespace Cloudflare {
    interface Env extends import("../src/worker/env").Env {}
  }
}
export type { Env };
