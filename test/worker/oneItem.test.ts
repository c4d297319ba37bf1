/**
 * `GET` on one item (docs/PROTOCOL.md, "Reading one item"): the item as it is
 * now, with its version as the `ETag` a change's `If-Match` names, never
 * cached; `404` for no such item or a removed one.
 */
import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { expectRejected, postJson, request } from "./request";

async function saveOne(): Promise<{ item: Item; editKey: string }> {
  const response = await postJson({ title: "to read", body: "as saved" });
  expect(response.status).toBe(201);
  return response.json();
}

describe("GET /api/items/{itemId}", () => {
  it("answers the item as it is now, with ETag \"N\" and Cache-Control: no-store", async () => {
    const { item } = await saveOne();
    const ticked = await request(`/api/items/${item.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: '{"done":true}' });
    const { item: now } = await ticked.json<{ item: Item }>();
    const response = await request(`/api/items/${item.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBe('"2"');
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ item: now });
  });

  it("HEAD answers the same headers with no body", async () => {
    const { item } = await saveOne();
    const response = await request(`/api/items/${item.id}`, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBe('"1"');
    expect(await response.text()).toBe("");
  });

  it("is 404 for an unknown item, a malformed id and a removed item", async () => {
    const { item, editKey } = await saveOne();
    await expectRejected(await request("/api/items/zz-0123456789abcdef"), 404, "not_found");
    await expectRejected(await request("/api/items/not-an-item"), 404, "not_found");
    expect((await request(`/api/items/${item.id}`, { method: "DELETE", headers: { authorization: `Bearer ${editKey}` } })).status).toBe(204);
    await expectRejected(await request(`/api/items/${item.id}`), 404, "not_found");
  });

  it("reads a named list's item under /api/lists/{id}/items/{itemId}, and not through another list", async () => {
    const created = await request("/api/lists", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const { list } = await created.json<{ list: { id: string } }>();
    const saved = await request(`/api/lists/${list.id}/items`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"title":"listed"}' });
    const { item } = await saved.json<{ item: Item }>();
    const response = await request(`/api/lists/${list.id}/items/${item.id}`);
    expect(response.headers.get("etag")).toBe('"1"');
    expect(await response.json()).toEqual({ item });
    await expectRejected(await request(`/api/items/${item.id}`), 404, "not_found");
  });
});
