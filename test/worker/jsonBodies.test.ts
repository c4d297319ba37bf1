/**
 * Every route that reads a JSON body answers a body it cannot use with a 4xx
 * in the error shape: 415 for another media type, 400 invalid_json for JSON
 * that does not parse (an empty body included), 400 invalid_input for JSON of
 * the wrong shape. Never a 500, and nothing is written.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ListInfo } from "../../src/protocol/lists";
import { loggedIds, request } from "./request";

interface JsonRoute {
  name: string;
  method: "POST" | "PATCH";
  path: () => string;
  headers?: Record<string, string>;
  /** Whether an empty body is a request of its own here (POST /api/lists: a list with the default title). */
  emptyIsValid?: boolean;
  /** The seed's route answers `{"result":"failure","error":…}`. */
  seed?: boolean;
}

let listId = "";
/** Well-formed, never saved: these bodies are refused before any item is looked up. */
const ITEM_ID = "1-0123456789abcdef";
const ANY_BEARER = { authorization: "Bearer any-key-at-all" };

const ROUTES: JsonRoute[] = [
  { name: "POST /api/items", method: "POST", path: () => "/api/items" },
  { name: "POST /api/lists/{id}/items", method: "POST", path: () => `/api/lists/${listId}/items` },
  { name: "POST /save", method: "POST", path: () => "/save", seed: true },
  { name: "PATCH /api/items/{itemId}", method: "PATCH", path: () => `/api/items/${ITEM_ID}`, headers: ANY_BEARER },
  { name: "PATCH /api/lists/{id}/items/{itemId}", method: "PATCH", path: () => `/api/lists/${listId}/items/${ITEM_ID}`, headers: ANY_BEARER },
  { name: "POST /api/lists", method: "POST", path: () => "/api/lists", emptyIsValid: true },
  { name: "PATCH /api/lists/main", method: "PATCH", path: () => "/api/lists/main", headers: ANY_BEARER },
  { name: "PATCH /api/lists/{id}", method: "PATCH", path: () => `/api/lists/${listId}`, headers: ANY_BEARER },
];

interface BadBody {
  name: string;
  contentType: string;
  body: string;
  status: number;
  code: string;
}

const BAD_BODIES: BadBody[] = [
  { name: "an empty body", contentType: "application/json", body: "", status: 400, code: "invalid_json" },
  { name: "{bad", contentType: "application/json", body: "{bad", status: 400, code: "invalid_json" },
  { name: "JSON cut short", contentType: "application/json; charset=utf-8", body: '{"title":"x', status: 400, code: "invalid_json" },
  { name: "text/plain", contentType: "text/plain", body: '{"title":"t","body":"b"}', status: 415, code: "unsupported_media_type" },
  { name: "no content type", contentType: "", body: '{"title":"t","body":"b"}', status: 415, code: "unsupported_media_type" },
  { name: "null", contentType: "application/json", body: "null", status: 400, code: "invalid_input" },
  { name: "an array", contentType: "application/json", body: '["t","b"]', status: 400, code: "invalid_input" },
  { name: "a string", contentType: "application/json", body: '"title"', status: 400, code: "invalid_input" },
  { name: "a number for the title", contentType: "application/json", body: '{"title":5,"body":"b"}', status: 400, code: "invalid_input" },
];

/** The bodies each route must refuse: the seed's route also reads forms, so only JSON-typed bodies apply there. */
function badBodiesFor(route: JsonRoute): BadBody[] {
  return BAD_BODIES.filter((bad) => !(route.emptyIsValid && bad.body === ""));
}

function send(route: JsonRoute, bad: BadBody): Promise<Response> {
  const headers = new Headers(route.headers);
  if (bad.contentType !== "") headers.set("content-type", bad.contentType);
  // A Request with a string body gets text/plain unless told otherwise; an ArrayBuffer gets no type.
  return request(route.path(), { method: route.method, headers, body: new TextEncoder().encode(bad.body) });
}

beforeAll(async () => {
  const created = await request("/api/lists", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title: "bad bodies" }),
  });
  listId = (await created.json<{ list: ListInfo }>()).list.id;
});

describe("bad JSON bodies", () => {
  const cases = ROUTES.flatMap((route) => badBodiesFor(route).map((bad) => [route.name, bad.name, route, bad] as const));

  it.each(cases)("%s with %s is a 4xx in the error shape, not a 500", async (_route, _body, route, bad) => {
    const before = await loggedIds();
    const response = await send(route, bad);
    expect(response.status).toBe(bad.status);
    const answer = await response.json<{ result?: string; error: { code: string; message: string } }>();
    expect(answer.error.code).toBe(bad.code);
    expect(answer.error.message.length).toBeGreaterThan(0);
    if (route.seed) expect(answer.result).toBe("failure");
    expect(await loggedIds()).toEqual(before);
  });

  it("an empty body creates a list with the default title (it is optional), whatever its type", async () => {
    for (const type of ["application/json", "text/plain"]) {
      const response = await request("/api/lists", { method: "POST", headers: { "content-type": type } });
      expect(response.status).toBe(201);
      await response.arrayBuffer();
    }
  });
});
