/**
 * Headers every Worker response carries, from Hono's `secure-headers`
 * middleware: `X-Content-Type-Options: nosniff` keeps a browser from reading
 * a JSON answer (which may hold anyone's text) as HTML or script; the page's
 * Content-Security-Policy (with `frame-ancestors 'none'`), `Referrer-Policy`
 * and `X-Frame-Options` go on every answer, so every HTML answer the Worker
 * builds (a list's page, the 404 page) has them; `Cross-Origin-Opener-Policy:
 * same-origin` keeps another site's window from holding a handle on ours.
 * Static files get the same from public/_headers (a test checks the two
 * policies are one). HSTS is sent only on requests that arrived over HTTPS:
 * that is every request on the deployed origin (Cloudflare serves it over
 * TLS), and never `wrangler dev` on http://127.0.0.1, where a browser would
 * have nothing to pin. The page document comes through the Worker
 * (`run_worker_first` in wrangler.toml) so that it carries HSTS on the same
 * terms.
 */
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/** One year, the value HSTS preload lists ask for; subdomains are left to their owners. */
export const HSTS_VALUE = "max-age=31536000";

/** The page's policy: nothing but this origin's own files, never framed. public/_headers says the same. */
const PAGE_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  connectSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  manifestSrc: ["'self'"],
  workerSrc: ["'self'"],
};

const secure = secureHeaders({
  xContentTypeOptions: "nosniff",
  contentSecurityPolicy: PAGE_POLICY,
  referrerPolicy: "same-origin",
  crossOriginOpenerPolicy: "same-origin",
  xFrameOptions: "DENY",
  // Left off: another site's no-cors request gets an opaque answer anyway,
  // and with `same-origin` the browser would drop our 403 to it unseen
  // (test/browser/crossSite.test.ts watches that refusal arrive).
  crossOriginResourcePolicy: false,
  // Set below, over HTTPS only.
  strictTransportSecurity: false,
});

export const securityHeaders: MiddlewareHandler = (c, next) =>
  secure(c, async () => {
    await next();
    // The socket route rebuilds the room's 101 (app.ts), so its headers can be set as they are.
    if (c.res.status === 101) return;
    // After the handler, Hono's c.header() sets a header on a copy of the
    // answer: a Response passed through whole (the page document from the
    // assets, the room's own refusals) has headers that cannot be changed,
    // and the secure headers go on that copy.
    c.header("Strict-Transport-Security", c.req.url.startsWith("https:") ? HSTS_VALUE : undefined);
  });
