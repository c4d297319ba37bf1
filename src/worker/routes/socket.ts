/**
 * The WebSocket upgrade (`GET /ws`, and a named list's `/api/lists/{id}/ws`)
 * and where the socket lands: a resume of a session a relay holds goes
 * straight to that relay; anything else asks the list's object, which accepts
 * the socket itself or names the relay that should (src/shared/relays.ts).
 * The upgrade carries the client's address group and a location hint for a
 * new relay; its frames never pass through the Worker.
 */
import { Hono } from "../hono";
import { ErrorCode } from "../../protocol/errors";
import { SOCKET_PATH } from "../../protocol/limits";
import { CLIENT_GROUP_HEADER } from "../../shared/clientGroup";
import {
  LOCATION_HINT_HEADER,
  locationHintFor,
  PLACEMENT_BY_REDIRECT,
  placedRelayOf,
  RELAY_PLACEMENT_HEADER,
  relayName,
  relayOfToken,
} from "../../shared/relays";
import { listIdOf, room, type AppEnv } from "../context";
import { clientGroup, isCrossSite, limitPerAddress } from "../guard";
import { errorResponse } from "../httpErrors";
import { SocketQuerySchema } from "../schemas";
import { validated } from "../validation";
import { LIST_PATH } from "./lists";

export const SOCKET_PATHS = [SOCKET_PATH, `${LIST_PATH}/ws`] as const;

/** A room's or relay's 101, rebuilt here so that the security headers can be set on it like on any other answer (headers.ts). */
function upgraded(answer: Response): Response {
  return answer.webSocket ? new Response(null, { status: 101, webSocket: answer.webSocket, headers: answer.headers }) : answer;
}

export const socket = new Hono<AppEnv>();

socket.get("/", validated("query", SocketQuerySchema), async (c, next) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    return errorResponse(c, 426, ErrorCode.UpgradeRequired, "this endpoint speaks WebSocket only");
  }
  // A socket is a read the browser makes without a preflight: its Origin is
  // checked whatever the method.
  if (isCrossSite(c.req.url, c.req.header("origin") ?? null, null)) {
    return errorResponse(c, 403, ErrorCode.ForbiddenOrigin, "WebSocket connections from other sites are refused");
  }
  await next();
}, limitPerAddress("connect"), async (c) => {
  const forwarded = new Request(c.req.raw);
  const group = clientGroup(c);
  if (group === null) forwarded.headers.delete(CLIENT_GROUP_HEADER);
  else forwarded.headers.set(CLIENT_GROUP_HEADER, group);
  const continent = c.req.raw.cf?.continent;
  const hint = locationHintFor(typeof continent === "string" ? continent : undefined);
  if (hint === null) forwarded.headers.delete(LOCATION_HINT_HEADER);
  else forwarded.headers.set(LOCATION_HINT_HEADER, hint);
  // A session on a relay resumes there directly, without waking the list's
  // object. Anything else is one call into the list's object, which accepts
  // the socket itself or names the relay that should (src/shared/relays.ts);
  // a relay's socket is upgraded at the relay, so its frames never pass
  // through the list.
  const relay = (n: number) => {
    forwarded.headers.delete(RELAY_PLACEMENT_HEADER);
    return c.env.LIST_RELAY.getByName(relayName(listIdOf(c), n), hint === null ? undefined : { locationHint: hint });
  };
  const holder = relayOfToken(c.req.valid("query").resume ?? "");
  if (holder !== null) return upgraded(await relay(holder).fetch(forwarded));
  forwarded.headers.set(RELAY_PLACEMENT_HEADER, PLACEMENT_BY_REDIRECT);
  const answer = await room(c).fetch(forwarded);
  const placed = placedRelayOf(answer);
  return upgraded(placed === null ? answer : await relay(placed).fetch(forwarded));
});
