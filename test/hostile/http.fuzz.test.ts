/**
 * Property: any body, content type or query gets a 2xx or a 4xx with the JSON
 * error shape, never a 5xx; a 4xx stores nothing, and a 2xx stores exactly
 * the trimmed text that was sent.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isErrorBody } from "../../src/protocol/errors";
import { isItem } from "../../src/protocol/frames";
import { problemWithField } from "../../src/protocol/text";
import { request } from "../worker/request";
import { anyJson, awkwardText } from "./arbitraries";

const RUNS = 200;

async function itemCount(): Promise<number> {
  let count = 0;
  let before: string | null = null;
  do {
    const query: string = before === null ? "" : `?before=${before}`;
    const page = await (await request(`/api/items${query}`)).json<{ items: unknown[]; nextBefore: string | null }>();
    count += page.items.length;
    before = page.nextBefore;
  } while (before !== null);
  return count;
}

const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "application/x-www-form-urlencoded",
  "text/plain",
  "application/xml",
  "",
  "multipart/form-data",
);

const body = fc.oneof(
  fc.record({ title: awkwardText, body: awkwardText }).map((value) => JSON.stringify(value)),
  fc.record({ title: fc.oneof(awkwardText, anyJson), body: fc.oneof(awkwardText, anyJson) }).map((v) => JSON.stringify(v)),
  anyJson.map((value) => JSON.stringify(value) ?? ""),
  awkwardText,
  fc.record({ itemtitle: awkwardText, itemtext: awkwardText }).map((value) => new URLSearchParams(value).toString()),
);

describe("hostile HTTP", () => {
  it(`${RUNS} random POST /api/items requests get 2xx or a JSON 4xx and store only valid text`, async () => {
    let count = await itemCount();
    await fc.assert(
      fc.asyncProperty(contentType, body, async (type, payload) => {
        const response = await request("/api/items", {
          method: "POST",
          headers: type === "" ? {} : { "content-type": type },
          body: payload,
        });
        expect(response.status).toBeLessThan(500);
        const answer: unknown = await response.json();
        if (response.status === 201) {
          const item = (answer as { item: unknown }).item;
          expect(isItem(item)).toBe(true);
          if (isItem(item)) {
            expect(problemWithField("title", item.title)).toBeNull();
            expect(problemWithField("body", item.body)).toBeNull();
          }
          count += 1;
        } else {
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(isErrorBody(answer)).toBe(true);
        }
        expect(await itemCount()).toBe(count);
      }),
      { numRuns: RUNS },
    );
    // Each run counts every stored item, and a save makes the next newest-page
    // read miss the edge cache (a room read and a cache write): seconds on a busy machine.
  }, 30_000);

  it("random list queries and socket query strings get a 2xx, 101 or a JSON 4xx", async () => {
    const query = fc.dictionary(fc.constantFrom("before", "limit", "resume", "last", "x"), awkwardText, { maxKeys: 3 });
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
