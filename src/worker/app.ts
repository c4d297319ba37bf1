/**
 * The Worker: the middleware every request passes, then the routes, one
 * module per concern under routes/. The guard comes first (guard.ts:
 * same-site writes, the client's address, per-address limits); the routes
 * validate input and forward commands to the list's `ListRoom` object over
 * RPC, and the object decides. The page's files are served by Workers static
 * assets before this code runs, except the documents in routes/pages.ts.
 */
import { Hono } from "./hono";
import { ErrorCode } from "../protocol/errors";
import { LISTS_PATH } from "../protocol/lists";
import { UNAVAILABLE_MESSAGE, unavailableFor } from "../shared/objectUnavailable";
import { noSuchList, type AppEnv } from "./context";
import { identifyClient, sameSiteWrites, SEED_WRITE_PATH } from "./guard";
import { securityHeaders } from "./headers";
import { errorResponse } from "./httpErrors";
import { isAddressableListId } from "./listIdSeal";
import { methodNotAllowed } from "./methodNotAllowed";
import { itemChanges, ITEM_PATHS } from "./routes/itemChanges";
import { items, ITEMS_PATHS } from "./routes/items";
import { LIST_PATH, lists } from "./routes/lists";
import { pages } from "./routes/pages";
import { seed, SEED_READ_PATH } from "./routes/seed";
import { socket, SOCKET_PATHS } from "./routes/socket";
import { usage, USAGE_PATHS } from "./routes/usage";

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

// The default list's routes are mounted at their own paths, and the same for
// every named list under /api/lists/{id}.
app.route(LISTS_PATH, lists);
app.route("/", pages);
for (const path of ITEMS_PATHS) app.route(path, items);
app.route("/", seed);
for (const path of USAGE_PATHS) app.route(path, usage);
for (const path of SOCKET_PATHS) app.route(path, socket);
for (const path of ITEM_PATHS) app.route(path, itemChanges);

app.on(["POST", "PUT"], [...ITEM_PATHS], methodNotAllowed(["GET", "PATCH", "DELETE"]));
app.on(["PUT", "PATCH", "DELETE"], SEED_WRITE_PATH, methodNotAllowed(["POST"]));
app.on(["PUT", "PATCH", "DELETE"], [SEED_READ_PATH, ...SOCKET_PATHS], methodNotAllowed(["GET"]));
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
