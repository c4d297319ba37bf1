/**
 * Ticking an item off over HTTP (docs/PROTOCOL.md, "Editing and removing
 * items"): `PATCH {"done": …}` needs no key, on the default list and on a
 * named one; a title or body still needs one; a tick counts as a save for
 * the per-address limit; the seed's `/list` is unchanged by it.
 */
import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { expectRejected, postJson, randomIPv4, readBack, request } from "./request";

async function saveOne(title = "to tick"): Promise<{ item: Item; editKey: string }> {
  const response = await postJson({ title, body: "b" });
  expect(response.status).toBe(201);
  return response.json();
}

function patch(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return request(path, {
    method: "PATCH",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("PATCH /api/items/{id} with done", () => {
  it("needs no key: 200 with the item done at version 2, and that is what is stored", async () => {
    const { item } = await saveOne();
    const response = await patch(`/api/items/${item.id}`, { done: true });
    expect(response.status).toBe(200);
    const { item: ticked } = await response.json<{ item: Item }>();
    expect(ticked).toEqual({ ...item, version: 2, done: true, doneAt: expect.any(String) });
    expect(await readBack(item.id)).toEqual(ticked);
    const unticked = await (await patch(`/api/items/${item.id}`, { done: false })).json<{ item: Item }>();
    expect(unticked.item).toMatchObject({ done: false, version: 3 });
  });

  it("a title or body without a key is still 401, with done or without; nothing changes", async () => {
    const { item } = await saveOne();
    for (const body of [{ title: "x", done: true }, { body: "y" }]) {
      const response = await patch(`/api/items/${item.id}`, body);
      expect(response.headers.get("www-authenticate")).toContain("Bearer");
      await expectRejected(response, 401, "unauthorized");
    }
    expect(await readBack(item.id)).toEqual(item);
  });

  it("a malformed Authorization header is 401 even on a tick; a wrong but well-formed key is ignored for one", async () => {
    const { item } = await saveOne();
    await expectRejected(await patch(`/api/items/${item.id}`, { done: true }, { authorization: "Basic abc" }), 401, "unauthorized");
    const withSomeKey = await patch(`/api/items/${item.id}`, { done: true }, { authorization: `Bearer ${"A".repeat(43)}` });
    expect(withSomeKey.status).toBe(200);
  });

  it.each([
    [{ done: "yes" }, 400, "invalid_input"],
    [{ done: 1 }, 400, "invalid_input"],
    [{ done: null }, 400, "invalid_input"],
    [{}, 400, "invalid_input"],
    ["{not json", 400, "invalid_json"],
  ] as const)("%j is refused with %i %s and changes nothing", async (body, status, code) => {
    const { item } = await saveOne();
    await expectRejected(await patch(`/api/items/${item.id}`, body), status, code);
    expect(await readBack(item.id)).toEqual(item);
  });

  it("If-Match is optional; a tick made before another writer's tick is 412", async () => {
    const { item } = await saveOne();
    expect((await patch(`/api/items/${item.id}`, { done: true }, { "if-match": '"1"' })).status).toBe(200);
    await expectRejected(await patch(`/api/items/${item.id}`, { done: false }, { "if-match": '"1"' }), 412, "version_mismatch");
    expect(await readBack(item.id)).toMatchObject({ done: true, version: 2 });
  });

  it("an unknown or removed item is 404", async () => {
    const { item, editKey } = await saveOne();
    await expectRejected(await patch("/api/items/zz-0123456789abcdef", { done: true }), 404, "not_found");
    await request(`/api/items/${item.id}`, { method: "DELETE", headers: { authorization: `Bearer ${editKey}` } });
    await expectRejected(await patch(`/api/items/${item.id}`, { done: true }), 404, "not_found");
  });

  it("from another site is 403 forbidden_origin", async () => {
    const { item } = await saveOne();
    await expectRejected(await patch(`/api/items/${item.id}`, { done: true }, { origin: "https://evil.example" }), 403, "forbidden_origin");
    expect(await readBack(item.id)).toEqual(item);
  });

  it("a tick counts as a save for the per-address limit", async () => {
    const { item } = await saveOne();
    const address = randomIPv4();
    let status = 0;
    for (let n = 0; n < 100 && status !== 429; n++) {
      const response = await patch(`/api/items/${item.id}`, { done: n % 2 === 0 }, { "cf-connecting-ip": address });
      status = response.status;
      await response.arrayBuffer();
    }
    expect(status).toBe(429);
  });

  it("the seed's /list still answers its rows for a ticked item", async () => {
    const { item } = await saveOne("seed row");
    await patch(`/api/items/${item.id}`, { done: true });
    const { rows } = await (await request("/list")).json<{ rows: Record<string, unknown>[] }>();
    expect(rows.find((row) => row.id === item.id)).toEqual({ id: item.id, title: "seed row", bodytext: "b", createdAt: item.createdAt });
  });
});

describe("a named list's items", () => {
  it("are ticked under /api/lists/{id}/items/{itemId} with no key, and not through another list", async () => {
    const created = await request("/api/lists", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const { list } = await created.json<{ list: { id: string } }>();
    const base = `/api/lists/${list.id}/items`;
    const saved = await request(base, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "t", body: "b" }) });
    const { item } = await saved.json<{ item: Item }>();
    await expectRejected(await patch(`/api/items/${item.id}`, { done: true }), 404, "not_found");
    const ticked = await patch(`${base}/${item.id}`, { done: true });
    expect(ticked.status).toBe(200);
    expect((await (await request(base)).json<{ items: Item[] }>()).items).toEqual([(await ticked.json<{ item: Item }>()).item]);
  });
});
