/**
 * A save (`POST /api/items`, `POST /api/lists/{id}/items` with a JSON body)
 * answered without Hono: the save is the one request a list takes at a rate,
 * and Hono's chain (a Context, every middleware's closure, the answer copied
 * to set each header after the handler) costs it more than the checks
 * themselves. The answers are app.ts's, header for header; a test
 * (test/worker/saveRoute.test.ts) holds the two equal over a table of
 * requests. Everything this route does not take (another method or path,
 * another media type, a cross-site or malformed client, a list id the Worker
 * would not address) it hands to the app untouched, before it has counted or
 * read anything, so the app's own chain answers it.
 */
import * as z from "zod/mini";
import { errorBody, ErrorCode } from "../protocol/errors";
import { CLIENT_ADDRESS_HEADER, REQUEST_BODY_MAX_BYTES } from "../protocol/limits";
import { DEFAULT_LIST_ID, LISTS_PATH } from "../protocol/lists";
import { readSwitch } from "../config/variables";
import { UNAVAILABLE_MESSAGE, unavailableFor } from "../shared/objectUnavailable";
import { classifyAddress } from "./clientAddress";
import type { Env } from "./env";
import { isCrossSite, overAddressLimit } from "./guard";
import { securityHeaderList } from "./headers";
import { INTERNAL_MESSAGE } from "./httpErrors";
import { isAddressableListId } from "./listIdSeal";
import { refusalAnswer } from "./roomRefusals";
import { IdempotencyHeaderSchema, NewItemSchema } from "./schemas";
import { BODY_TOO_LARGE_MESSAGE, describeIssues, INVALID_JSON } from "./validation";

const DEFAULT_ITEMS_PATH = "/api/items";
const LIST_PREFIX = `${LISTS_PATH}/`;
const ITEMS_SUFFIX = "/items";

/** The list a save's path names, or null when the path is not a save's (or holds an escape Hono would decode). */
function listOfPath(path: string): string | null {
  if (path === DEFAULT_ITEMS_PATH) return DEFAULT_LIST_ID;
  if (!path.startsWith(LIST_PREFIX) || !path.endsWith(ITEMS_SUFFIX)) return null;
  const id = path.slice(LIST_PREFIX.length, -ITEMS_SUFFIX.length);
  return id.length > 0 && !/[/%]/.test(id) ? id : null;
}

function mediaTypeOf(request: Request): string {
  return (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

/** The body as text, or null when it is over the limit: Hono's `bodyLimit` rule (a declared length is trusted, else the stream is counted). */
async function limitedText(request: Request): Promise<string | null> {
  const { body, headers } = request;
  if (body === null) return "";
  if (headers.has("content-length") && !headers.has("transfer-encoding")) {
    return parseInt(headers.get("content-length") || "0", 10) > REQUEST_BODY_MAX_BYTES ? null : request.text();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > REQUEST_BODY_MAX_BYTES) return null;
    chunks.push(value);
  }
  return new Response(new Blob(chunks)).text();
}

async function answer(https: boolean, status: number, body: unknown, extra: Record<string, string> = {}): Promise<Response> {
  const headers = new Headers(await securityHeaderList(https));
  headers.set("content-type", "application/json");
  headers.set("cache-control", "no-store");
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return new Response(JSON.stringify(body), { status, headers });
}

const refuse = (https: boolean, status: number, code: ErrorCode, message: string, extra?: Record<string, string>) =>
  answer(https, status, errorBody(code, message), extra);

/**
 * The save's answer, or null when the request is not one this route takes
 * (the app answers it).
 *
 * @example
 * export default { fetch: async (request, env, ctx) => (await saveRoute(request, env)) ?? app.fetch(request, env, ctx) };
 */
export async function saveRoute(request: Request, env: Env): Promise<Response | null> {
  if (request.method !== "POST" || mediaTypeOf(request) !== "application/json") return null;
  const url = new URL(request.url);
  const listId = listOfPath(url.pathname);
  if (listId === null) return null;
  const { headers } = request;
  if (isCrossSite(request.url, headers.get("origin"), headers.get("sec-fetch-site"))) return null;
  const client = classifyAddress(headers.get(CLIENT_ADDRESS_HEADER), { exemptLoopback: readSwitch("EXEMPT_LOOPBACK", env) });
  if (client.kind === "invalid") return null;
  if (listId !== DEFAULT_LIST_ID && !(await isAddressableListId(env, listId))) return null;

  const https = request.url.startsWith("https:");
  const group = client.kind === "limited" ? client.group : null;
  try {
    const over = group === null ? null : await overAddressLimit(env, "save", group);
    if (over !== null) return refuse(https, 429, ErrorCode.RateLimited, over.message, { "retry-after": over.retryAfter });
    const text = await limitedText(request);
    if (text === null) return refuse(https, 413, ErrorCode.PayloadTooLarge, BODY_TOO_LARGE_MESSAGE);
    const header = z.safeParse(IdempotencyHeaderSchema, { "idempotency-key": headers.get("idempotency-key") ?? undefined });
    if (!header.success) return refuse(https, 400, ErrorCode.InvalidInput, describeIssues(header.error));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return refuse(https, INVALID_JSON.status, INVALID_JSON.code, INVALID_JSON.message);
    }
    const input = z.safeParse(NewItemSchema, json);
    if (!input.success) return refuse(https, 400, ErrorCode.InvalidInput, describeIssues(input.error));
    const key = header.data["idempotency-key"] ?? null;
    const result = await env.LIST_ROOM.getByName(listId).addItem(input.data, key, group);
    if (!result.ok) {
      const { status, retryAfter } = refusalAnswer(result.error);
      return refuse(https, status, result.error.code, result.error.message, retryAfter === null ? {} : { "retry-after": retryAfter });
    }
    const { item, editKey, replayed } = result.value;
    return answer(https, 201, { item, editKey }, replayed ? { "idempotent-replayed": "true" } : {});
  } catch (error) {
    const retryAfter = unavailableFor(error);
    if (retryAfter !== null) return refuse(https, 503, ErrorCode.Unavailable, UNAVAILABLE_MESSAGE, { "retry-after": String(retryAfter) });
    console.error("unhandled error", error);
    return refuse(https, 500, ErrorCode.Internal, INTERNAL_MESSAGE);
  }
}
