/**
 * What the Worker checks before a request may reach the one `ListRoom`
 * object: that a write comes from this site, who the client is (see
 * clientAddress.ts), and the per-address limits on reads, socket upgrade
 * attempts and saves. The limits use the Workers Rate Limiting binding
 * (`[[ratelimits]]` in wrangler.toml): it answers at the edge, so a flood is
 * refused without waking the object. Its counts are kept per Cloudflare
 * location and per fixed window of 10 or 60 seconds, which suits per-address
 * limits (one address reaches one location); the list-wide ceiling on saves,
 * which must hold across locations, is counted exactly in the room.
 * https://developers.cloudflare.com/workers/runtime-apis/bindings/rate-limit/
 */
import type { Context, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { readSwitch } from "../config/variables";
import { errorBody, ErrorCode } from "../protocol/errors";
import { CLIENT_ADDRESS_HEADER } from "../protocol/limits";
import { AddressLimit } from "./addressLimits";
import { classifyAddress, type ClientAddress } from "./clientAddress";
import type { Env } from "./env";

export type GuardEnv = {
  Bindings: Env;
  Variables: { client: Exclude<ClientAddress, { kind: "invalid" }> };
};

/** Paths kept from the seed, whose clients read `{"result":"failure","error":…}`. */
export const SEED_WRITE_PATH = "/save";

/** A refusal in the route's error shape: the usual one, or the seed's with `result` beside it. */
export function refuse(c: Context, status: ContentfulStatusCode, code: ErrorCode, message: string): Response {
  const body = errorBody(code, message);
  return c.json(c.req.path === SEED_WRITE_PATH ? { result: "failure", ...body } : body, status);
}

/**
 * Whether a browser sent this request on behalf of another site. `Origin`
 * decides when present (compared by host, so a proxy that ends TLS in front
 * of the Worker does not matter); without it, `Sec-Fetch-Site: cross-site`
 * does. Requests with neither (curl, scripts) are not cross-site.
 *
 * @example
 * isCrossSite("https://list.example/save", "https://evil.example", null) // true
 * isCrossSite("https://list.example/save", null, "cross-site") // true
 * isCrossSite("https://list.example/save", null, null) // false
 */
export function isCrossSite(requestUrl: string, origin: string | null, fetchSite: string | null): boolean {
  if (origin === null) return fetchSite?.trim().toLowerCase() === "cross-site";
  try {
    return new URL(origin).host !== new URL(requestUrl).host;
  } catch {
    // "null" (sandboxed frames, data: URLs) and anything unreadable.
    return true;
  }
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Refuses state-changing requests made by browsers for another site (403). */
export const sameSiteWrites: MiddlewareHandler<GuardEnv> = async (c, next) => {
  if (WRITE_METHODS.has(c.req.method) && isCrossSite(c.req.url, c.req.header("origin") ?? null, c.req.header("sec-fetch-site") ?? null)) {
    return refuse(c, 403, ErrorCode.ForbiddenOrigin, "requests that change the list are refused from other sites");
  }
  await next();
};

/** Reads the client's address into `c.var.client`; a malformed one is a 400 before anything else happens. */
export const identifyClient: MiddlewareHandler<GuardEnv> = async (c, next) => {
  const client = classifyAddress(c.req.header(CLIENT_ADDRESS_HEADER) ?? null, {
    exemptLoopback: readSwitch("EXEMPT_LOOPBACK", c.env),
  });
  if (client.kind === "invalid") return refuse(c, 400, ErrorCode.InvalidInput, `${CLIENT_ADDRESS_HEADER}: ${client.message}`);
  c.set("client", client);
  await next();
};

/** The client's address group for the room's own limits, or null when the client is exempt. */
export function clientGroup<E extends GuardEnv>(c: Context<E>): string | null {
  const client = c.get("client");
  return client.kind === "limited" ? client.group : null;
}

/**
 * Counts the request against the client's per-address limit of `kind`: null
 * when it may go on, else the 429 with `Retry-After` to answer. For a route
 * that learns which limit applies only from the body (a tick, itemChanges.ts).
 */
export async function overAddressLimit<E extends GuardEnv>(c: Context<E>, kind: AddressLimit): Promise<Response | null> {
  const group = clientGroup(c);
  if (group === null) return null;
  const { binding, periodSeconds, what } = AddressLimit[kind];
  const { success } = await c.env[binding].limit({ key: group });
  if (success) return null;
  // The binding's windows are fixed, so one period is always long enough.
  c.header("Retry-After", String(periodSeconds));
  return refuse(c, 429, ErrorCode.RateLimited, `too many ${what} from your address; try again in ${periodSeconds} s`);
}

/** Counts the request against the client's per-address limit; over it, 429 with `Retry-After`. */
export function limitPerAddress(kind: AddressLimit): MiddlewareHandler<GuardEnv> {
  return async (c, next) => {
    const refused = await overAddressLimit(c, kind);
    if (refused) return refused;
    await next();
  };
}
