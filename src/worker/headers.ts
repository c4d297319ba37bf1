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
  const wanted: [string, string][] = [["X-Content-Type-Options", "nosniff"]];
  if (c.req.url.startsWith("https:")) wanted.push(["Strict-Transport-Security", HSTS_VALUE]);
  // Set before the handler, so an answer the routes build carries them as
  // built; setting them afterwards makes Hono copy the whole response.
  for (const [name, value] of wanted) c.header(name, value);
  await next();
  // A Response passed through whole (the page document from the assets, the
  // room's own answers) did not take them: it gets them on a copy. A 101
  // carries no body, and its Response cannot be rebuilt to add headers.
  if (c.res.status === 101) return;
  for (const [name, value] of wanted) if (!c.res.headers.has(name)) c.header(name, value);
};
