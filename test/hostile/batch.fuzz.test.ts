/**
 * Property: any batch (`{"items":[…]}` to `POST …/items`) gets the answer
 * docs/PROTOCOL.md gives for it, never a 5xx: a valid batch is stored whole,
 * each line exactly as sent (trimmed), in the order sent; anything else is a
 * 4xx that names the first bad line, when a line is to blame, and stores
 * nothing at all. Judged by the oracle written from the document
 * (documentedRules.ts), on a list of the file's own.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { SavedBatchBody } from "../../src/protocol/batch";
import { isErrorBody } from "../../src/protocol/errors";
import type { Item } from "../../src/protocol/item";
import type { ListInfo } from "../../src/protocol/lists";
import type { ListRoom } from "../../src/room/ListRoom";
import { request } from "../worker/request";
import { anyJson, awkwardText } from "./arbitraries";
import { documentedSave } from "./documentedRules";

const RUNS = 150;

let listId = "";

beforeAll(async () => {
  const created = await request("/api/lists", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  listId = (await created.json<{ list: ListInfo }>()).list.id;
});

/** Every item row the list's room holds, newest first, removed or not: what "nothing stored" is judged by. */
function loggedIds(): Promise<string[]> {
  return runInDurableObject(env.LIST_ROOM.getByName(listId), (_room: ListRoom, state) =>
    state.storage.sql.exec<{ id: string }>("SELECT id FROM items ORDER BY pos DESC").toArray().map((row) => row.id),
  );
}

/** Text that is mostly valid, with white space to trim and now and then a character a title may not hold. */
const plausibleText = fc
  .tuple(
    fc.constantFrom("", " ", "\t", "\u00a0"),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }),
    fc.oneof({ weight: 15, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.constantFrom("\n", "\u0085", "\u202e", "\u0000", "😀") }),
    fc.constantFrom("", " ", "\r\n"),
  )
  .map((parts) => parts.join(""));

const plausibleLine = fc.record(
  {
    title: fc.oneof({ weight: 20, arbitrary: plausibleText }, { weight: 1, arbitrary: anyJson }),
    body: fc.oneof({ weight: 20, arbitrary: plausibleText }, { weight: 1, arbitrary: anyJson }),
    done: fc.oneof({ weight: 20, arbitrary: fc.boolean() }, { weight: 1, arbitrary: anyJson }),
  },
  { requiredKeys: ["title"] },
);

const line = fc.oneof({ weight: 40, arbitrary: plausibleLine }, { weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: awkwardText });

/** Mostly a few lines; sometimes none, exactly the most, one too many, or something that is not an array at all. */
const items = fc.oneof(
  { weight: 12, arbitrary: fc.array(line, { minLength: 1, maxLength: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 200, 201).map((count) => Array.from({ length: count }, (_, n) => ({ title: `line ${n + 1}` }))) },
  { weight: 1, arbitrary: anyJson },
);

const batchBody = fc.oneof(
  { weight: 10, arbitrary: fc.record({ items }) },
  { weight: 1, arbitrary: fc.record({ items, title: plausibleText }) },
);

describe("hostile batches", () => {
  it(`${RUNS} random batches get the documented answer, and a stored batch is exactly its lines, in order`, async () => {
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(batchBody, async (body) => {
        const payload = JSON.stringify(body);
        const expected = documentedSave("application/json", payload);
        const before = await loggedIds();
        const response = await request(`/api/lists/${listId}/items`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: payload,
        });
        const answer: unknown = await response.json();
        expect(expected.status).not.toBe("unspecified");
        expect(response.status).toBe(expected.status);
        if (expected.status === 201 && "lines" in expected) {
          stored++;
          const { items: saved } = answer as SavedBatchBody;
          expect(saved.map(({ title, body, done }) => ({ title, body, done }))).toEqual(expected.lines);
          const page = await (await request(`/api/lists/${listId}/items?limit=${saved.length}`)).json<{ items: Item[] }>();
          expect(page.items).toEqual(saved);
          expect(await loggedIds()).toEqual([...saved.map((item) => item.id), ...before]);
          return;
        }
        expect(isErrorBody(answer)).toBe(true);
        const error = (answer as { error: { code: string; line?: number } }).error;
        if (expected.status !== 201 && "code" in expected) expect(error.code).toBe(expected.code);
        if (expected.status === 400) expect(error.line).toBe(expected.line);
        expect(await loggedIds()).toEqual(before);
      }),
      { numRuns: RUNS },
    );
    // Most batches are built to be valid; a run that stored none would prove nothing about storing.
    expect(stored).toBeGreaterThan(RUNS / 5);
  }, 60_000);
});
