/**
 * `PATCH` and `DELETE` on an item over HTTP (docs/PROTOCOL.md, "Editing and
 * removing items"): every documented answer, read back from what is stored.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { expectRejected, postJson, readBack, request, storedItems } from "./request";

interface Saved {
  item: Item;
  editKey: string;
}

async function saveOne(title = "to change"): Promise<Saved> {
  const response = await postJson({ title, body: "as saved" });
  expect(response.status).toBe(201);
  return response.json<Saved>();
}

function change(method: "PATCH" | "DELETE", path: string, key: string | null, body?: unknown, headers: Record<string, string> = {}) {
  return request(path, {
    method,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

const itemPath = (item: Item) => `/api/items/${item.id}`;

describe("PATCH /api/items/{id}", () => {
  it("with the edit key: 200 with the item at version 2, and that is what is stored", async () => {
    const { item, editKey } = await saveOne();
    const response = await change("PATCH", itemPath(item), editKey, { title: "  changed  " });
    expect(response.status).toBe(200);
    const { item: edited } = await response.json<{ item: Item }>();
    expect(edited).toEqual({ ...item, title: "changed", version: 2, updatedAt: expect.any(String) });
    expect(await readBack(item.id)).toEqual(edited);
  });

  it("with the default list's owner key (OWNER_KEY)", async () => {
    const { item } = await saveOne();
    const response = await change("PATCH", itemPath(item), env.OWNER_KEY!, { body: "owner's fix" });
    expect(response.status).toBe(200);
    expect((await readBack(item.id)).body).toBe("owner's fix");
  });

  it("no key is 401 with WWW-Authenticate, a wrong key 403; nothing changes", async () => {
    const { item } = await saveOne();
    const missing = await change("PATCH", itemPath(item), null, { title: "x" });
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    await expectRejected(missing, 401, "unauthorized");
    await expectRejected(await change("PATCH", itemPath(item), (await saveOne()).editKey, { title: "x" }), 403, "forbidden");
    expect(await readBack(item.id)).toEqual(item);
  });

  it("If-Match: a change made before another writer changed the field is 412; one on the current version (quoted, or weak) applies", async () => {
    const { item, editKey } = await saveOne();
    expect((await change("PATCH", itemPath(item), editKey, { title: "x" }, { "if-match": '"1"' })).status).toBe(200);
    await expectRejected(await change("PATCH", itemPath(item), editKey, { title: "z" }, { "if-match": '"1"' }), 412, "version_mismatch");
    expect((await change("PATCH", itemPath(item), editKey, { title: "y" }, { "if-match": 'W/"2"' })).status).toBe(200);
    await expectRejected(await change("PATCH", itemPath(item), editKey, { title: "z" }, { "if-match": "3" }), 400, "invalid_input");
    expect(await readBack(item.id)).toMatchObject({ title: "y", version: 3 });
  });

  it.each([
    [{}, 400, "invalid_input"],
    [{ title: "" }, 400, "invalid_input"],
    [{ title: "a\u202eb" }, 400, "invalid_input"],
    [{ body: 7 }, 400, "invalid_input"],
    ["{not json", 400, "invalid_json"],
  ] as const)("%j is refused with %i %s and changes nothing", async (body, status, code) => {
    const { item, editKey } = await saveOne();
    await expectRejected(await change("PATCH", itemPath(item), editKey, body), status, code);
    expect(await readBack(item.id)).toEqual(item);
  });

  it("a body that is not JSON is 415", async () => {
    const { item, editKey } = await saveOne();
    const response = await request(itemPath(item), {
      method: "PATCH",
      headers: { authorization: `Bearer ${editKey}`, "content-type": "text/plain" },
      body: "title=x",
    });
    await expectRejected(response, 415, "unsupported_media_type");
  });

  it("an unknown, malformed or removed item is 404", async () => {
    const { item, editKey } = await saveOne();
    await expectRejected(await change("PATCH", "/api/items/zz-0123456789abcdef", editKey, { title: "x" }), 404, "not_found");
    await expectRejected(await change("PATCH", "/api/items/not-an-id", editKey, { title: "x" }), 404, "not_found");
    expect((await change("DELETE", itemPath(item), editKey)).status).toBe(204);
    await expectRejected(await change("PATCH", itemPath(item), editKey, { title: "x" }), 404, "not_found");
  });

  it("from another site is 403 forbidden_origin", async () => {
    const { item, editKey } = await saveOne();
    const response = await change("PATCH", itemPath(item), editKey, { title: "x" }, { origin: "https://evil.example" });
    await expectRejected(response, 403, "forbidden_origin");
    expect(await readBack(item.id)).toEqual(item);
  });
});

describe("DELETE /api/items/{id}", () => {
  it("204, 204 again when repeated; gone from GET /api/items and /list, and its save replays as 410", async () => {
    const key = `doomed-${crypto.randomUUID()}`;
    const response = await postJson({ title: "doomed", body: "b" }, { "idempotency-key": key });
    const { item, editKey } = await response.json<Saved>();
    const first = await change("DELETE", itemPath(item), editKey);
    expect(first.status).toBe(204);
    expect(await first.text()).toBe("");
    expect((await change("DELETE", itemPath(item), editKey)).status).toBe(204);
    expect((await storedItems()).map((stored) => stored.id)).not.toContain(item.id);
    const { rows } = await (await request("/list")).json<{ rows: { id: string }[] }>();
    expect(rows.map((row) => row.id)).not.toContain(item.id);
    await expectRejected(await postJson({ title: "doomed", body: "b" }, { "idempotency-key": key }), 410, "item_removed");
  });

  it("needs a key (401), the right one (403), an existing item (404), and nobody else's change since its If-Match (412)", async () => {
    const { item, editKey } = await saveOne();
    await expectRejected(await change("DELETE", itemPath(item), null), 401, "unauthorized");
    await expectRejected(await change("DELETE", itemPath(item), "A".repeat(43)), 403, "forbidden");
    await expectRejected(await change("DELETE", "/api/items/zz-0123456789abcdef", editKey), 404, "not_found");
    const ticked = await change("PATCH", itemPath(item), null, { done: true });
    const { item: now } = await ticked.json<{ item: Item }>();
    await expectRejected(await change("DELETE", itemPath(item), editKey, undefined, { "if-match": '"1"' }), 412, "version_mismatch");
    expect(await readBack(item.id)).toEqual(now);
  });

  it("other methods on an item are 405, naming the ones it takes", async () => {
    const { item } = await saveOne();
    for (const method of ["POST", "PUT"]) {
      const response = await request(itemPath(item), { method });
      expect(response.headers.get("allow")).toBe("GET, HEAD, PATCH, DELETE");
      await expectRejected(response, 405, "method_not_allowed");
    }
  });
});

describe("a named list's items", () => {
  it("are changed under /api/lists/{id}/items/{itemId}, with the list's owner key too, and not through another list", async () => {
    const created = await request("/api/lists", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const { list, ownerKey } = await created.json<{ list: { id: string }; ownerKey: string }>();
    const base = `/api/lists/${list.id}/items`;
    const saved = await request(base, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "theirs", body: "b" }),
    });
    const { item, editKey } = await saved.json<Saved>();
    // The default list has no such item, whatever the key.
    await expectRejected(await change("PATCH", itemPath(item), editKey, { title: "x" }), 404, "not_found");
    expect((await change("PATCH", `${base}/${item.id}`, editKey, { title: "mine" })).status).toBe(200);
    expect((await change("DELETE", `${base}/${item.id}`, ownerKey)).status).toBe(204);
    expect((await (await request(base)).json<{ items: Item[] }>()).items).toEqual([]);
    await expectRejected(await change("DELETE", `/api/lists/AAAAAAAAAAAAAAAAAAAAAA/items/${item.id}`, ownerKey), 404, "not_found");
  });
});
