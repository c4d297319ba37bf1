/**
 * `GET /api/lists/{id}/items?q=` and `/api/items?q=`: search by the words of
 * titles and bodies, from the room's FTS5 index (migration 009_search).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { SEARCH_QUERY_MAX_CHARS, SEARCH_WORDS_MAX } from "../../src/protocol/search";
import type { ListRoom } from "../../src/room/ListRoom";
import { SEARCH_CASES } from "../protocol/searchCases";
import { expectRejected, postJson, request } from "./request";

interface Page {
  items: Item[];
  nextBefore: string | null;
}

interface TestList {
  id: string;
  items: string;
  ownerKey: string;
}

async function newList(): Promise<TestList> {
  const response = await request("/api/lists", { method: "POST" });
  expect(response.status).toBe(201);
  const { list, ownerKey } = await response.json<{ list: { id: string }; ownerKey: string }>();
  return { id: list.id, items: `/api/lists/${list.id}/items`, ownerKey };
}

async function add(list: TestList, title: string, body = "-"): Promise<Item> {
  const response = await request(list.items, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title, body }),
  });
  expect(response.status).toBe(201);
  return (await response.json<{ item: Item }>()).item;
}

async function search(list: TestList, q: string, extra = ""): Promise<Page> {
  const response = await request(`${list.items}?q=${encodeURIComponent(q)}${extra}`);
  expect(response.status).toBe(200);
  return response.json<Page>();
}

async function found(list: TestList, q: string): Promise<string[]> {
  return (await search(list, q)).items.map((item) => item.title);
}

function change(list: TestList, item: Item, method: "PATCH" | "DELETE", patch?: object): Promise<Response> {
  return request(`${list.items}/${item.id}`, {
    method,
    headers: { authorization: `Bearer ${list.ownerKey}`, ...(patch ? { "content-type": "application/json" } : {}) },
    ...(patch ? { body: JSON.stringify(patch) } : {}),
  });
}

/** Every word the list's search index holds, read from the index itself. */
function indexedWords(list: TestList): Promise<string[]> {
  return runInDurableObject(env.LIST_ROOM.getByName(list.id), (_room: ListRoom, state) => {
    const sql = state.storage.sql;
    sql.exec("CREATE VIRTUAL TABLE item_search_words USING fts5vocab(item_search, 'row')");
    const words = sql.exec<{ term: string }>("SELECT term FROM item_search_words").toArray().map((row) => row.term);
    sql.exec("DROP TABLE item_search_words");
    return words;
  });
}

describe("search", () => {
  it("finds words of titles and bodies whatever their case and accents, newest first", async () => {
    const list = await newList();
    await add(list, "Crème brûlée", "for Sunday");
    await add(list, "CAFÉ au lait", "with oat milk");
    await add(list, "Milkshake");
    await add(list, "Bread", "sourdough, from the Żabka bakery");
    expect(await found(list, "creme")).toEqual(["Crème brûlée"]);
    expect(await found(list, "BRULÉE")).toEqual(["Crème brûlée"]);
    expect(await found(list, "café")).toEqual(["CAFÉ au lait"]);
    expect(await found(list, "zabka")).toEqual(["Bread"]);
    // A word matches the start of a word: as you type.
    expect(await found(list, "mil")).toEqual(["Milkshake", "CAFÉ au lait"]);
    // Every word of the query must match.
    expect(await found(list, "oat MIL")).toEqual(["CAFÉ au lait"]);
    expect(await found(list, "ilk")).toEqual([]);
    expect(await found(list, "sunday bread")).toEqual([]);
  });

  it("matches as the page's filter does (test/protocol/searchCases.ts)", async () => {
    const list = await newList();
    const texts = [...new Set(SEARCH_CASES.map((rule) => rule.text))];
    for (const text of texts) await add(list, text);
    for (const { text, query, matches } of SEARCH_CASES) {
      expect((await found(list, query)).includes(text), `${query} in ${text}`).toBe(matches);
    }
  });

  it("pages like every page: the same limit, and nextBefore names the last match while older ones exist", async () => {
    const list = await newList();
    const matching: string[] = [];
    for (let n = 0; n < 7; n++) {
      await add(list, `other ${n}`);
      matching.unshift((await add(list, `tea ${n}`)).id);
    }
    const seen: string[] = [];
    let extra = "&limit=3";
    for (;;) {
      const page = await search(list, "tea", extra);
      seen.push(...page.items.map((item) => item.id));
      expect(page.items.length).toBeLessThanOrEqual(3);
      if (page.nextBefore === null) break;
      expect(page.nextBefore).toBe(page.items.at(-1)!.id);
      extra = `&limit=3&before=${page.nextBefore}`;
    }
    expect(seen).toEqual(matching);
    // The cursor may name any item of the list, matching or not.
    const all = (await (await request(`${list.items}?limit=200`)).json<Page>()).items;
    const other3 = all.find((item) => item.title === "other 3")!;
    expect((await search(list, "tea", `&before=${other3.id}`)).items.map((item) => item.title)).toEqual(["tea 2", "tea 1", "tea 0"]);
  });

  it("follows edits and never finds a removed item or its text", async () => {
    const list = await newList();
    const item = await add(list, "Apples", "green ones");
    const other = await add(list, "Pears", "ripe");
    expect((await change(list, item, "PATCH", { title: "Oranges" })).status).toBe(200);
    expect(await found(list, "apples")).toEqual([]);
    expect(await found(list, "oranges green")).toEqual(["Oranges"]);
    expect((await change(list, other, "DELETE")).status).toBe(204);
    expect(await found(list, "pears")).toEqual([]);
    expect(await found(list, "ripe")).toEqual([]);
    expect((await indexedWords(list)).sort()).toEqual(["green", "ones", "oranges"]);
  });

  it("indexes items saved before the index existed when the migration runs", async () => {
    const list = await newList();
    await add(list, "Saved before search", "old words");
    await runInDurableObject(env.LIST_ROOM.getByName(list.id), async (_room: ListRoom, state) => {
      const sql = state.storage.sql;
      for (const trigger of ["insert", "update", "delete"]) sql.exec(`DROP TRIGGER item_search_on_${trigger}`);
      sql.exec("DROP TABLE item_search");
      // 009_search runs again, and so does every migration after it (010_relay_feed, whose table goes too, and
      // 012_field_stamps, whose columns go), in order.
      sql.exec("DELETE FROM _migrations WHERE id >= '009_search'");
      sql.exec("DROP TABLE IF EXISTS relay_feed");
      for (const field of ["title", "body", "done"]) {
        for (const part of ["version", "writer"]) sql.exec(`ALTER TABLE items DROP COLUMN ${field}_${part}`);
      }
      const { runMigrations } = await import("../../src/delivery/platform/migrate");
      const { LIST_SCHEMAS } = await import("../../src/room/migrations");
      runMigrations(state.storage, LIST_SCHEMAS);
    });
    expect(await found(list, "old words")).toEqual(["Saved before search"]);
  });

  it("reads every character of a query as text, never as FTS5 syntax", async () => {
    const list = await newList();
    await add(list, "Milk NEAR the door", "and OR not AND");
    await add(list, "title: bread*", "body");
    const queries = ['"', '"milk', "milk*", "-milk", "NEAR(milk door)", "milk OR bread", "title:bread", "^milk", "(milk", "milk)", "{title}: x", "'", "a\"b\"c", "NOT", "AND", "*", "milk +", "\\", "%", "_"];
    for (const q of queries) {
      const response = await request(`${list.items}?q=${encodeURIComponent(q)}`);
      expect([200, 400], q).toContain(response.status);
      if (response.status === 400) await expectRejected(response, 400, "invalid_input");
    }
    expect(await found(list, "-milk")).toEqual(["Milk NEAR the door"]);
    expect(await found(list, "NEAR(milk door)")).toEqual(["Milk NEAR the door"]);
    expect(await found(list, "AND")).toEqual(["Milk NEAR the door"]);
    expect(await found(list, "milk OR bread")).toEqual([]);
    expect(await found(list, "title:bread")).toEqual(["title: bread*"]);
  });

  it("refuses a query with no words, or too long, or a cursor naming no item, with a clear error", async () => {
    const list = await newList();
    await add(list, "something");
    for (const q of ["", "   ", "!!! ???", "\u0301", "a".repeat(SEARCH_QUERY_MAX_CHARS + 1), Array(SEARCH_WORDS_MAX + 1).fill("w").join(" ")]) {
      await expectRejected(await request(`${list.items}?q=${encodeURIComponent(q)}`), 400, "invalid_input");
    }
    expect((await request(`${list.items}?q=${"a".repeat(SEARCH_QUERY_MAX_CHARS)}`)).status).toBe(200);
    await expectRejected(await request(`${list.items}?q=x&before=nope`), 400, "invalid_cursor");
    await expectRejected(await request(`${list.items}?q=x&limit=0`), 400, "invalid_input");
  });

  it("searches the default list at /api/items?q=, and answers 404 for a list that does not exist", async () => {
    const word = `unique${crypto.randomUUID().replaceAll("-", "")}`;
    expect((await postJson({ title: `Default ${word}`, body: "b" })).status).toBe(201);
    const response = await request(`/api/items?q=${word}`);
    expect(response.status).toBe(200);
    expect((await response.json<Page>()).items.map((item) => item.title)).toEqual([`Default ${word}`]);
    await expectRejected(await request("/api/lists/AAAAAAAAAAAAAAAAAAAAAA/items?q=x"), 404, "not_found");
  });
});
