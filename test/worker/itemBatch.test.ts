/**
 * `POST …/items` with `{"items":[…]}` (src/worker/itemBatch.ts,
 * src/room/itemBatch.ts): several items in one request, all or nothing, in
 * the order sent, once per Idempotency-Key, within the list's ceilings, and
 * one save for the per-address limit. Each test has a list of its own.
 */
import { describe, expect, it } from "vitest";
import type { SavedBatchBody } from "../../src/protocol/batch";
import { BATCH_MAX_ITEMS } from "../../src/protocol/limits";
import type { ListInfo } from "../../src/protocol/lists";
import type { Item } from "../../src/protocol/item";
import { overrideVar, TestSocket } from "../room/roomHarness";
import { expectRejected, randomIPv4, request } from "./request";

/** The per-address save limit of the test pool (vitest.config.ts). */
const SAVE_LIMIT = 5;

async function newList(): Promise<{ items: string; ownerKey: string }> {
  const response = await request("/api/lists", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  const { list, ownerKey } = await response.json<{ list: ListInfo; ownerKey: string }>();
  return { items: `/api/lists/${list.id}/items`, ownerKey };
}

function postBatch(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return request(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

/** The list's items, newest first, as a page shows them. */
async function listed(path: string): Promise<Item[]> {
  return (await (await request(path)).json<{ items: Item[] }>()).items;
}

const lines = (...titles: string[]) => ({ items: titles.map((title) => ({ title })) });

describe("several items in one POST", () => {
  it("stores every line as an item, answers them in the order sent with an edit key each, and the list reads in that order", async () => {
    const list = await newList();
    const response = await postBatch(list.items, {
      items: [{ title: " Apples " }, { title: "Pears", body: "ripe ones" }, { title: "Plums", done: true }],
    });
    expect(response.status).toBe(201);
    const body = await response.json<SavedBatchBody>();
    expect(body.items.map(({ title, body, done }) => ({ title, body, done }))).toEqual([
      { title: "Apples", body: "", done: false },
      { title: "Pears", body: "ripe ones", done: false },
      { title: "Plums", body: "", done: true },
    ]);
    expect(body.items[2]!.doneAt).toBe(body.items[2]!.createdAt);
    expect(body.editKeys).toHaveLength(3);
    expect((await listed(list.items)).map((item) => item.title)).toEqual(["Apples", "Pears", "Plums"]);

    // Each key is its own item's: it edits that item.
    const edited = await request(`${list.items}/${body.items[1]!.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${body.editKeys[1]}` },
      body: JSON.stringify({ title: "Pears, two" }),
    });
    expect(edited.status).toBe(200);
  });

  it("reaches an open socket as one item frame per line, in order, the first line last so it ends on top", async () => {
    const list = await newList();
    const upgraded = await request(`${list.items.replace(/\/items$/, "")}/ws`, { headers: { Upgrade: "websocket" } });
    const socket = new TestSocket(upgraded.webSocket!);
    await socket.nextOf("welcome");
    await socket.nextOf("snapshot");
    const answer = await (await postBatch(list.items, lines("Apples", "Pears", "Plums"))).json<SavedBatchBody>();
    const frames = await socket.items(3);
    expect(frames.map((frame) => frame.item.id)).toEqual(answer.items.map((item) => item.id).reverse());
    expect(frames.map((frame) => frame.seq)).toEqual([frames[0]!.seq, frames[0]!.seq + 1, frames[0]!.seq + 2]);
    socket.ws.close(1000);
  });

  it("stores a batch once under its Idempotency-Key: a repeat answers the same items and keys", async () => {
    const list = await newList();
    const key = crypto.randomUUID();
    const batch = lines("one", "two", "three");
    const first = await postBatch(list.items, batch, { "idempotency-key": key });
    const again = await postBatch(list.items, batch, { "idempotency-key": key });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    expect(await listed(list.items)).toHaveLength(3);
  });

  it("refuses a different batch, or one item, under a key a batch used, with 422, storing nothing", async () => {
    const list = await newList();
    const key = crypto.randomUUID();
    await postBatch(list.items, lines("one", "two"), { "idempotency-key": key });
    await expectRejected(await postBatch(list.items, lines("one", "two", "three"), { "idempotency-key": key }), 422, "idempotency_key_reused");
    await expectRejected(await postBatch(list.items, lines("two", "one"), { "idempotency-key": key }), 422, "idempotency_key_reused");
    await expectRejected(await postBatch(list.items, { title: "one" }, { "idempotency-key": key }), 422, "idempotency_key_reused");
    // A batch under a key one item used is refused the same way.
    const single = crypto.randomUUID();
    await postBatch(list.items, { title: "alone" }, { "idempotency-key": single });
    await expectRejected(await postBatch(list.items, lines("alone"), { "idempotency-key": single }), 422, "idempotency_key_reused");
    expect((await listed(list.items)).map((item) => item.title)).toEqual(["alone", "one", "two"]);
  });

  it("answers a repeat with the batch's items still kept, and 410 once all of them were removed", async () => {
    const list = await newList();
    const key = crypto.randomUUID();
    const batch = lines("one", "two", "three");
    const { items } = await (await postBatch(list.items, batch, { "idempotency-key": key })).json<SavedBatchBody>();
    const remove = (id: string) => request(`${list.items}/${id}`, { method: "DELETE", headers: { authorization: `Bearer ${list.ownerKey}` } });
    expect((await remove(items[0]!.id)).status).toBe(204);
    const partly = await postBatch(list.items, batch, { "idempotency-key": key });
    expect(partly.status).toBe(201);
    expect((await partly.json<SavedBatchBody>()).items.map((item) => item.title)).toEqual(["two", "three"]);
    for (const item of items.slice(1)) await remove(item.id);
    await expectRejected(await postBatch(list.items, batch, { "idempotency-key": key }), 410, "item_removed");
    expect(await listed(list.items)).toEqual([]);
  });

  it("refuses a batch with a bad third line, naming line 3, and stores none of it", async () => {
    const list = await newList();
    const response = await postBatch(list.items, { items: [{ title: "fine" }, { title: "also fine" }, { title: "   " }, { title: "" }] });
    expect(response.status).toBe(400);
    const { error } = await response.json<{ error: { code: string; message: string; line: number } }>();
    expect(error).toEqual({ code: "invalid_input", message: "line 3: title: Title must not be empty", line: 3 });
    expect(await listed(list.items)).toEqual([]);
  });

  it.each([
    ["a line that is not an object", { items: [{ title: "a" }, "b"] }, 2],
    ["a done that is not true or false", { items: [{ title: "a", done: "yes" }] }, 1],
    ["a body that breaks the text rules", { items: [{ title: "a" }, { title: "b", body: "\u202e" }] }, 2],
    ["a title over the limit", { items: [{ title: "a" }, { title: "b" }, { title: "c" }, { title: "x".repeat(201) }] }, 4],
  ])("refuses %s with the line's number", async (_what, body, line) => {
    const list = await newList();
    const response = await postBatch(list.items, body);
    expect(response.status).toBe(400);
    const { error } = await response.json<{ error: { code: string; message: string; line: number } }>();
    expect(error).toMatchObject({ code: "invalid_input", line, message: expect.stringMatching(new RegExp(`^line ${line}: `)) });
    expect(await listed(list.items)).toEqual([]);
  });

  it(`takes ${BATCH_MAX_ITEMS} lines and refuses ${BATCH_MAX_ITEMS + 1}, none, or items with a title beside them`, async () => {
    const list = await newList();
    const many = (count: number) => ({ items: Array.from({ length: count }, (_, n) => ({ title: `line ${n + 1}` })) });
    await expectRejected(await postBatch(list.items, many(BATCH_MAX_ITEMS + 1)), 400, "invalid_input");
    await expectRejected(await postBatch(list.items, many(0)), 400, "invalid_input");
    await expectRejected(await postBatch(list.items, { title: "one", items: [{ title: "two" }] }), 400, "invalid_input");
    await expectRejected(await postBatch(list.items, { items: "Apples\nPears" }), 400, "invalid_input");
    expect(await listed(list.items)).toEqual([]);
    const full = await postBatch(list.items, many(BATCH_MAX_ITEMS));
    expect(full.status).toBe(201);
    const titles = (await listed(list.items)).map((item) => item.title);
    expect(titles).toHaveLength(BATCH_MAX_ITEMS);
    expect(titles.slice(0, 2)).toEqual(["line 1", "line 2"]);
    expect(titles.at(-1)).toBe(`line ${BATCH_MAX_ITEMS}`);
  });

  it("counts each line against LIST_MAX_ITEMS: a batch that would pass it is refused whole with 409 list_full", async () => {
    overrideVar("LIST_MAX_ITEMS", "4");
    const list = await newList();
    expect((await postBatch(list.items, { title: "already there" })).status).toBe(201);
    const refused = await postBatch(list.items, lines("a", "b", "c", "d"));
    await expectRejected(refused.clone(), 409, "list_full");
    expect((await refused.json<{ error: { message: string } }>()).error.message).toMatch(/4 more would take it past 4/);
    expect((await listed(list.items)).map((item) => item.title)).toEqual(["already there"]);
    expect((await postBatch(list.items, lines("a", "b", "c"))).status).toBe(201);
  });

  it("counts the text of every line against LIST_MAX_BYTES", async () => {
    overrideVar("LIST_MAX_BYTES", "1000");
    const list = await newList();
    const line = { title: "t", body: "x".repeat(299) };
    await expectRejected(await postBatch(list.items, { items: [line, line, line, line] }), 409, "list_full");
    expect(await listed(list.items)).toEqual([]);
    expect((await postBatch(list.items, { items: [line, line, line] })).status).toBe(201);
  });

  it("counts a batch as one save for the per-address limit", async () => {
    const list = await newList();
    const address = randomIPv4();
    let served = 0;
    for (; served <= 2 * SAVE_LIMIT; served++) {
      const response = await request(list.items, {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": address },
        body: JSON.stringify(lines(`${served}a`, `${served}b`, `${served}c`)),
      });
      if (response.status === 429) break;
      expect(response.status).toBe(201);
    }
    expect(served).toBeGreaterThanOrEqual(SAVE_LIMIT);
    expect(served).toBeLessThanOrEqual(2 * SAVE_LIMIT);
    expect(await listed(list.items)).toHaveLength(3 * served);
  });
});
