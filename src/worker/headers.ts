/**
 * Headers every Worker response carries: `X-Content-Type-Options: nosniff`
 * keeps a browser from reading a JSON answer (which may hold anyone's text)
 * as HTML or script; the page's Content-Security-Policy (with
 * `frame-ancestors 'none'`), `Referrer-Policy` and `X-Frame-Options` go on
 * every answer, so every HTML answer the Worker builds (a list's page, the
 * 404 page) has them; `Cross-Origin-Opener-Policy: same-origin` keeps another
 * site's window from holding a handle on ours. Static files get the same from
 * public/_headers (a test checks the two policies are one). HSTS is sent only
 * on requests that arrived over HTTPS: that is every request on the deployed
 * origin (Cloudflare serves it over TLS), and never `wrangler dev` on
 * http://127.0.0.1, where a browser would have nothing to pin. The page
 * document comes through the Worker (`run_worker_first` in wrangler.toml) so
 * that it carries HSTS on the same terms.
 *
 * The set is what Hono's `secure-headers` middleware sends with these
 * policies: its defaults (Origin-Agent-Cluster, X-DNS-Prefetch-Control,
 * X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection: 0)
 * and ours. It is written out as one table because none of it depends on the
 * request, and the middleware's builder would add 1 KB gzipped to the Worker
 * (tools/workerSize.mjs).
 */
import type { MiddlewareHandler } from "hono";

/** One year, the value HSTS preload lists ask for; subdomains are left to their owners. */
export const HSTS_VALUE = "max-age=31536000";

/** The page's policy: nothing but this origin's own files, never framed. public/_headers says the same. */
const PAGE_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; " +
  "form-action 'self'; frame-ancestors 'none'; object-src 'none'; manifest-src 'self'; worker-src 'self'";

/**
 * Set on every answer, replacing any the answer had. Left off:
 * `Cross-Origin-Resource-Policy`, because another site's no-cors request gets
 * an opaque answer anyway, and with `same-origin` the browser would drop our
 * 403 to it unseen (test/browser/crossSite.test.ts watches that refusal
 * arrive); `Strict-Transport-Security`, set below over HTTPS only.
 */
const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Origin-Agent-Cluster", "?1"],
  ["Referrer-Policy", "same-origin"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Download-Options", "noopen"],
  ["X-Frame-Options", "DENY"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
  ["X-XSS-Protection", "0"],
  ["Content-Security-Policy", PAGE_POLICY],
];

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  // The socket route rebuilds the room's 101 (routes/socket.ts), so its headers can be set as they are.
  if (c.res.status !== 101) {
    // After the handler, Hono's c.header() sets a header on a copy of the
    // answer: a Response passed through whole (the page document from the
    // assets, the room's own refusals) has headers that cannot be changed,
    // and the headers below go on that copy.
    c.header("Strict-Transport-Security", c.req.url.startsWith("https:") ? HSTS_VALUE : undefined);
  }
  for (const [name, value] of SECURITY_HEADERS) c.res.headers.set(name, value);
  c.res.headers.delete("X-Powered-By");
};
