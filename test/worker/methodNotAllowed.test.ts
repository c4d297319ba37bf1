/**
 * Every path that answers 405 says in `Allow` what it does take, and each
 * method it names is indeed taken there (answered with anything but 405).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mintListId } from "../../src/worker/listIdSeal";
import { expectRejected, request } from "./request";

// A sealed id, so the route's own answer is what a request gets, not the 404 of a forged id.
const LIST = `/api/lists/${await mintListId(env)}`;
const ITEM_ID = "zz-0123456789abcdef";

const ROUTES: readonly { path: string; refused: string[]; allow: string }[] = [
  { path: `/api/items/${ITEM_ID}`, refused: ["POST", "PUT"], allow: "GET, HEAD, PATCH, DELETE" },
  { path: `${LIST}/items/${ITEM_ID}`, refused: ["POST", "PUT"], allow: "GET, HEAD, PATCH, DELETE" },
  { path: "/save", refused: ["PUT", "PATCH", "DELETE"], allow: "POST" },
  { path: "/list", refused: ["PUT", "PATCH", "DELETE"], allow: "GET, HEAD" },
  { path: "/ws", refused: ["PUT", "PATCH", "DELETE"], allow: "GET, HEAD" },
  { path: `${LIST}/ws`, refused: ["PUT", "PATCH", "DELETE"], allow: "GET, HEAD" },
  { path: "/api/items", refused: ["PUT", "PATCH", "DELETE"], allow: "GET, HEAD, POST" },
  { path: `${LIST}/items`, refused: ["PUT", "PATCH", "DELETE"], allow: "GET, HEAD, POST" },
];

describe("405 answers", () => {
  it.each(ROUTES)("$path refuses $refused with Allow: $allow", async ({ path, refused, allow }) => {
    for (const method of refused) {
      const response = await request(path, { method });
      expect(response.headers.get("allow"), `${method} ${path}`).toBe(allow);
      await expectRejected(response, 405, "method_not_allowed");
    }
  });

  it.each(ROUTES)("$path takes every method its Allow names", async ({ path, allow }) => {
    for (const method of allow.split(", ")) {
      const response = await request(path, { method });
      expect(response.status, `${method} ${path}`).not.toBe(405);
      await response.body?.cancel();
    }
  });
});
