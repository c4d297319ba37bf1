/**
 * Headers every Worker response carries. `X-Content-Type-Options: nosniff`
 * keeps a browser from reading a JSON answer (which may hold anyone's text)
 * as HTML or script. HSTS is sent only on requests that arrived over HTTPS:
 * that is every request on the deployed origin (Cloudflare serves it over
 * TLS), and never `wrangler dev` on http://127.0.0.1, where a browser would
 * have nothing to pin. Static assets get nosniff from public/_headers; the
 * page document comes through the Worker (`run_worker_first` in
 * wrangler.toml) so that it carries HSTS on the same terms.
 */
import type { MiddlewareHandler } from "hono";

/** One year, the value HSTS preload lists ask for; subdomains are left to their owners. */
export const HSTS_VALUE = "max-age=31536000";

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  // A 101 carries no body, and its Response cannot be rebuilt to add headers.
  if (c.res.status === 101) return;
  c.header("X-Content-Type-Options", "nosniff");
  if (new URL(c.req.url).protocol === "https:") c.header("Strict-Transport-Security", HSTS_VALUE);
};
