/**
 * Property: any body, content type or query gets the answer docs/PROTOCOL.md
 * gives for it, never a 5xx: a valid item is accepted and stored exactly as
 * sent, trimmed; anything else gets the documented 4xx with the JSON error
 * shape and stores nothing. The expected answer comes from a small oracle
 * written from the document (documentedRules.ts), not from the server's
 * schemas or text rule.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isErrorBody } from "../../src/protocol/errors";
import type { Item } from "../../src/protocol/item";
import { exports } from "cloudflare:workers";
import { loggedIds, request } from "../worker/request";
import { anyJson, awkwardText } from "./arbitraries";
import { documentedSave } from "./documentedRules";

const RUNS = 200;

const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "Application/JSON",
  "application/x-www-form-urlencoded",
  "text/plain",
  "application/xml",
  "",
  "multipart/form-data",
);

/** Text that is often valid: ordinary characters, now and then one that is not, and white space around that must be trimmed. */
const plausibleText = fc
  .tuple(
    fc.constantFrom("", " ", "\t", "\n ", "\u00a0", "\u2028"),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
    fc.oneof(
      { weight: 4, arbitrary: fc.constant("") },
      { weight: 1, arbitrary: fc.constantFrom("\t", "\n", "\u0085", "\u009b", "\u200f", "😀", "\u0000") },
    ),
    fc.string({ unit: "grapheme", maxLength: 10 }),
    fc.constantFrom("", " ", "\r\n", "\u3000"),
  )
  .map((parts) => parts.join(""));

/** Requests shaped like a client's: the body matches its content type. */
const plausibleRequest = fc.oneof(
  fc.tuple(
    fc.constantFrom("application/json", "application/json; charset=utf-8", "Application/JSON"),
    fc.record({ title: plausibleText, body: plausibleText }).map((value) => JSON.stringify(value)),
  ),
  fc.tuple(
    fc.constant("application/x-www-form-urlencoded"),
    fc.record({ itemtitle: plausibleText, itemtext: plausibleText }).map((value) => new URLSearchParams(value).toString()),
  ),
);

const randomBody = fc.oneof(
  fc.record({ title: awkwardText, body: awkwardText }).map((value) => JSON.stringify(value)),
  fc.record({ title: fc.oneof(awkwardText, anyJson), body: fc.oneof(awkwardText, anyJson) }).map((v) => JSON.stringify(v)),
  anyJson.map((value) => JSON.stringify(value) ?? ""),
  awkwardText,
  fc.record({ itemtitle: awkwardText, itemtext: awkwardText }).map((value) => new URLSearchParams(value).toString()),
);

const anyRequest = fc.oneof(plausibleRequest, fc.tuple(contentType, randomBody));

describe("hostile HTTP", () => {
  it(`${RUNS} random POST /api/items requests get the documented answer, and a save stores exactly what was sent`, async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(anyRequest, async ([type, payload]) => {
        const sent = new Request("https://listroom.test/api/items", {
          method: "POST",
          // From loopback, as under `wrangler dev`: exempt from the per-address save limit.
          headers: { "cf-connecting-ip": "127.0.0.1", ...(type === "" ? {} : { "content-type": type }) },
          body: payload,
        });
        const expected = documentedSave(sent.headers.get("content-type"), payload);
        const before = await loggedIds();
        const response = await exports.default.fetch(sent);
        const answer: unknown = await response.json();
        if (expected.status === "unspecified") {
          expect(response.status).toBeLessThan(500);
          return;
        }
        expect(response.status).toBe(expected.status);
        // Batches have a property of their own (batch.fuzz.test.ts).
        if (expected.status === 201 && "lines" in expected) return;
        if (expected.status === 201) {
          accepted++;
          const { item } = answer as { item: Item };
          const stored = (await (await request("/api/items?limit=1")).json<{ items: Item[] }>()).items[0];
          expect(stored).toEqual({ id: item.id, title: expected.title, body: expected.body, createdAt: item.createdAt, version: 1, updatedAt: null, done: false, doneAt: null });
          expect(await loggedIds()).toEqual([item.id, ...before]);
        } else {
          expect(isErrorBody(answer) && answer.error.code).toBe(expected.code);
          expect(await loggedIds()).toEqual(before);
        }
      }),
      { numRuns: RUNS },
    );
    // The generators are built so that many inputs are valid; a run that
    // accepted none would prove nothing about acceptance.
    expect(accepted).toBeGreaterThan(RUNS / 5);
    // Each run counts every stored item, and a save makes the next newest-page
    // read miss the edge cache (a room read and a cache write): seconds on a busy machine.
  }, 30_000);

  it("random list queries and socket query strings get a 2xx, 101 or a JSON 4xx", async () => {
    const query = fc.dictionary(fc.constantFrom("before", "limit", "q", "resume", "last", "x"), awkwardText, { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(query, fc.boolean(), async (params, upgrade) => {
        const search = new URLSearchParams(params).toString();
        const response = await request(`/${upgrade ? "ws" : "api/items"}?${search}`, {
          headers: upgrade ? { Upgrade: "websocket" } : {},
        });
        if (response.status === 101) {
          response.webSocket!.accept();
          response.webSocket!.close(1000);
          return;
        }
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) expect(isErrorBody(await response.json())).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
