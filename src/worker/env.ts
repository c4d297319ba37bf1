/**
 * The Worker's bindings. Everything wrangler.toml declares (the objects, the
 * assets, the rate limiters, the vars) is typed by `npm run types`
 * (`wrangler types`, Env only: the runtime's types come from
 * @cloudflare/workers-types) into worker-configuration.d.ts, and
 * `npm run typecheck` fails when that file is older than wrangler.toml
 * (`--env-file=/dev/null` keeps a checkout's own .dev.vars out of it, so the
 * file is the same on every machine). What
 * each var means and defaults to is config/variables.ts.
 */
import type { Vars } from "../config/variables";

declare global {
  namespace Cloudflare {
    // A secret is set with `wrangler secret put`, never in wrangler.toml, so
    // `wrangler types` cannot see it; naming it in wrangler.toml's
    // `secrets.required` would make a deploy without it fail, and the default
    // list may have no owner.
    interface Env extends Vars<"OWNER_KEY" | "LIST_ID_SECRET"> {}
  }
}

/** What the routes see as `c.env`: the generated bindings and the secret above. */
export type Env = Cloudflare.Env;
