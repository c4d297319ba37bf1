/**
 * The Worker's routes. Every request passes the guard first (guard.ts:
 * same-site writes, the client's address, per-address limits); then the
 * Worker validates input and forwards commands to the one `ListRoom` object
 * over RPC, and the object decides. The page's files are served by Workers
 * static assets before this code runs, except the document itself, which
 * passes through here for its HSTS header (headers.ts).
 */
import * as z from "zod/mini";
import { Hono, type Context } from "hono";
import { readSwitch } from "../config/variables";
import { ErrorCode } from "../protocol/errors";
import { DEFAULT_LIST_PAGES, isListId, LIST_PAGE_PREFIX, LISTS_PATH } from "../protocol/lists";
import type { NewItem } from "../protocol/item";
import type { ListQuery } from "../room/ListRoom";
import { SOCKET_PATH } from "../protocol/limits";
import { CLIENT_GROUP_HEADER } from "../shared/clientGroup";
import { listIdOf, room, type AppEnv } from "./context";
import {
  LOCATION_HINT_HEADER,
  locationHintFor,
  PLACEMENT_BY_REDIRECT,
  placedRelayOf,
  RELAY_PLACEMENT_HEADER,
  relayName,
  relayOfToken,
} from "../shared/relays";
import { clientGroup, identifyClient, isCrossSite, limitPerAddress, sameSiteWrites } from "./guard";
import { securityHeaders } from "./headers";
import { errorResponse } from "./httpErrors";
import { UNAVAILABLE_MESSAGE, unavailableFor } from "../shared/objectUnavailable";
import { methodNotAllowed } from "./methodNotAllowed";
import { isAddressableListId } from "./listIdSeal";
import { LIST_PATH, listPage, lists } from "./lists";
import { newestPageText, type ItemsPageBody } from "./newestPage";
import {
  SaveHeadersSchema,
  ListQuerySchema,
  NewItemSchema,
  SeedFormSchema,
  SocketQuerySchema,
} from "./schemas";
import { itemChanges, ITEM_PATHS } from "./itemChanges";
import { refusal, refusalStatus } from "./roomRefusals";
import { describeIssues, limitBody, mediaType, readJson, validated, type BodyProblem } from "./validation";

type ItemInput = { ok: true; input: NewItem } | ({ ok: false } & BodyProblem);

/**
 * Reads a new item from JSON (`{"title","body"}`) or from a form with the
 * seed's field names (`itemtitle`, `itemtext`).
 */
async function readItemInput(c: Context<AppEnv>): Promise<ItemInput> {
  const type = mediaType(c);
  let result;
  if (type === "application/json") {
    const json = await readJson(c);
    if (!json.ok) return json;
    result = z.safeParse(NewItemSchema, json.value);
  } else if (type === "application/x-www-form-urlencoded" || type === "multipart/form-data") {
    let form: unknown;
    try {
      form = await c.req.parseBody();
    } catch {
      // A multipart body without a boundary, or one cut short.
      return { ok: false, status: 400, code: ErrorCode.InvalidInput, message: "the form body could not be read" };
    }
    result = z.safeParse(SeedFormSchema, form);
  } else {
    return {
      ok: false,
      status: 415,
      code: ErrorCode.UnsupportedMediaType,
      message: "send application/json, application/x-www-form-urlencoded or multipart/form-data",
    };
  }
  if (!result.success) {
    return { ok: false, status: 400, code: ErrorCode.InvalidInput, message: describeIssues(result.error) };
  }
  return { ok: true, input: result.data };
}

/** `GET …/items?q=`: never cached, unlike the newest page (newestPage.ts), since each query is its own. */
async function searchPage(c: Context<AppEnv>, query: ListQuery & { q: string }): Promise<Response> {
  const result = await room(c).searchItems(query);
  if (!result.ok && result.error.code === ErrorCode.NotFound) return noSuchList(c);
  if (!result.ok) return errorResponse(c, 400, result.error.code, result.error.message);
  const { items, hasOlder } = result.value;
  return c.json({ items, nextBefore: hasOlder ? (items.at(-1)?.id ?? null) : null } satisfies ItemsPageBody);
}

function noSuchList(c: Context<AppEnv>): Response {
  const id = c.req.param("listId") ?? "";
  return errorResponse(c, 404, ErrorCode.NotFound, `there is no list ${JSON.stringify(id.slice(0, 64))}`);
}

export const app = new Hono<AppEnv>();

app.use("*", securityHeaders);
app.use("*", async (c, next) => {
  // API answers are never cached by browsers or proxies, unless a route says
  // otherwise; the page keeps the validators static assets come with. Set
  // first, like the security headers, so built answers are not copied.
  c.header("Cache-Control", "no-store");
  await next();
  if (c.res.status !== 101 && !c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
});
// Before anything reads a body or reaches the room: same-site writes only,
// then a well-formed client address for the per-address limits.
app.use("*", sameSiteWrites);
app.use("*", identifyClient);

// An id that cannot be a list's, or whose seal does not verify
// (listIdSeal.ts), never reaches a room. Whether a well-formed one exists,
// the room itself says in answer to the command (writing nothing).
app.use(`${LIST_PATH}/*`, async (c, next) => {
  if (!(await isAddressableListId(c.env, c.req.param("listId")!))) return noSuchList(c);
  await next();
});

app.route(LISTS_PATH, lists);

// The default list's routes, and the same for every named list under /api/lists/{id}.
const ITEMS_PATHS = ["/api/items", `${LIST_PATH}/items`] as const;
const SOCKET_PATHS = [SOCKET_PATH, `${LIST_PATH}/ws`] as const;

// The page document, run through the Worker only so that it carries HSTS (headers.ts).
// wrangler.toml's `run_worker_first` names the same paths.
app.on("GET", [...DEFAULT_LIST_PAGES], (c) => c.env.ASSETS.fetch(c.req.raw));

for (const path of ITEMS_PATHS) app.get(path, limitPerAddress("read"), validated("query", ListQuerySchema), async (c) => {
  const { before, limit, q } = c.req.valid("query");
  if (q !== undefined) return searchPage(c, { q, before: before ?? null, limit });
  if (before === undefined) {
    const text = await newestPageText(c, limit);
    return text === null ? noSuchList(c) : c.body(text, 200, { "content-type": "application/json" });
  }
  const result = await room(c).listItems({ before, limit });
  if (!result.ok && result.error.code === ErrorCode.NotFound) return noSuchList(c);
  if (!result.ok) return errorResponse(c, 400, result.error.code, result.error.message);
  const { items, hasOlder } = result.value;
  return c.json({ items, nextBefore: hasOlder ? (items.at(-1)?.id ?? null) : null });
});

for (const path of ITEMS_PATHS) app.post(path, limitPerAddress("save"), limitBody, validated("header", SaveHeadersSchema), async (c) => {
  const read = await readItemInput(c);
  if (!read.ok) return errorResponse(c, read.status, read.code, read.message);
  const headers = c.req.valid("header");
  const result = await room(c).addItem(read.input, headers["idempotency-key"] ?? null, clientGroup(c), headers["listroom-writer"] ?? null);
  if (!result.ok) return refusal(c, result.error);
  if (result.value.replayed) c.header("Idempotent-Replayed", "true");
  return c.json({ item: result.value.item, editKey: result.value.editKey }, 201);
});

// The seed's routes, kept so its clients keep working.
app.post("/save", limitPerAddress("save"), limitBody, async (c) => {
  const read = await readItemInput(c);
  if (!read.ok) return c.json({ result: "failure", error: { code: read.code, message: read.message } }, read.status);
  const result = await room(c).addItem(read.input, null, clientGroup(c));
  if (!result.ok) {
    const { code, message } = result.error;
    return c.json({ result: "failure", error: { code, message } }, refusalStatus(c, result.error));
  }
  return c.json({ result: "success" });
});

app.get("/list", limitPerAddress("read"), async (c) => {
  // The default list always exists.
  const page = JSON.parse((await newestPageText(c, z.parse(ListQuerySchema, {}).limit))!) as ItemsPageBody;
  const rows = page.items.map((item) => ({ id: item.id, title: item.title, bodytext: item.body, createdAt: item.createdAt }));
  return c.json({ rows });
});

// Billable-work counters for benchmarks; hidden unless EXPOSE_USAGE is "true".
for (const path of ["/api/usage", `${LIST_PATH}/usage`]) app.get(path, async (c, next) => {
  if (!readSwitch("EXPOSE_USAGE", c.env)) return errorResponse(c, 404, ErrorCode.NotFound, `nothing at ${c.req.path}`);
  await next();
}, limitPerAddress("read"), async (c) => {
  const list = room(c);
  const [usage, relays] = await Promise.all([list.usage(), list.relaysUsage()]);
  return c.json({ usage, ...relays });
});

/** A room's or relay's 101, rebuilt here so that the security headers can be set on it like on any other answer (headers.ts). */
function upgraded(answer: Response): Response {
  return answer.webSocket ? new Response(null, { status: 101, webSocket: answer.webSocket, headers: answer.headers }) : answer;
}

for (const path of SOCKET_PATHS) app.get(path, validated("query", SocketQuerySchema), async (c, next) => {
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

for (const path of ITEM_PATHS) app.route(path, itemChanges);

// Every path under /l/ is a list's page or the page saying there is no such list.
app.get(`${LIST_PAGE_PREFIX}*`, limitPerAddress("read"), listPage);

app.on(["POST", "PUT"], [...ITEM_PATHS], methodNotAllowed(["GET", "PATCH", "DELETE"]));
app.on(["PUT", "PATCH", "DELETE"], "/save", methodNotAllowed(["POST"]));
app.on(["PUT", "PATCH", "DELETE"], ["/list", ...SOCKET_PATHS], methodNotAllowed(["GET"]));
app.on(["PUT", "PATCH", "DELETE"], [...ITEMS_PATHS], methodNotAllowed(["GET", "POST"]));

app.notFound((c) => errorResponse(c, 404, ErrorCode.NotFound, `nothing at ${c.req.path}`));

app.onError((error, c) => {
  const retryAfter = unavailableFor(error);
  if (retryAfter !== null) {
    c.header("Retry-After", String(retryAfter));
    return errorResponse(c, 503, ErrorCode.Unavailable, UNAVAILABLE_MESSAGE);
  }
  console.error("unhandled error", error);
  return errorResponse(c, 500, ErrorCode.Internal, "something went wrong on our side");
});
