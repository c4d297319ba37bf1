/**
 * The newest page comes from the edge cache, checked against the list's
 * newest position (src/worker/newestPage.ts): repeated reads do not make the
 * room read its items again, a save is visible to the very next read, and
 * text an edit or removal took back is in no cached page.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { DEFAULT_LIST_ID } from "../../src/protocol/lists";
import { newestPageCacheKey } from "../../src/worker/newestPage";
import { BASE, postJson, request } from "./request";

const room = () => env.LIST_ROOM.getByName(DEFAULT_LIST_ID);

async function newestTitles(path = "/api/items"): Promise<string[]> {
  const response = await request(path);
  expect(response.status).toBe(200);
  if (path === "/list") return (await response.json<{ rows: { title: string }[] }>()).rows.map((row) => row.title);
  return (await response.json<{ items: Item[] }>()).items.map((item) => item.title);
}

describe("the newest page from the edge cache", () => {
  it("repeated reads of the newest page do not read the room's storage again", async () => {
    await postJson({ title: "cached", body: "b" });
    const first = await newestTitles();
    const rowsRead = (await room().usage()).rowsRead;
    for (let n = 0; n < 5; n++) {
      expect(await newestTitles()).toEqual(first);
      expect((await newestTitles("/list"))[0]).toBe(first[0]);
    }
    expect((await room().usage()).rowsRead).toBe(rowsRead);
  });

  it("a save is visible to the next read at once, through both routes", async () => {
    for (let n = 0; n < 3; n++) {
      await newestTitles();
      await newestTitles("/list");
      const title = `fresh ${crypto.randomUUID()}`;
      expect((await postJson({ title, body: "b" })).status).toBe(201);
      expect((await newestTitles())[0]).toBe(title);
      expect((await newestTitles("/list"))[0]).toBe(title);
    }
  });

  it("pages of different sizes are cached apart", async () => {
    await postJson({ title: "sizes", body: "b" });
    expect(await newestTitles("/api/items?limit=1")).toHaveLength(1);
    expect((await newestTitles("/api/items?limit=2")).length).toBeGreaterThanOrEqual(1);
    expect(await newestTitles("/api/items?limit=1")).toHaveLength(1);
  });

  it("after a removal or an edit, no cached page holds the text taken back", async () => {
    const cachedPage = async () => (await (await caches.default.match(newestPageCacheKey(BASE, DEFAULT_LIST_ID)))?.text()) ?? "";
    const secret = `secret ${crypto.randomUUID()}`;
    const saved = await (await postJson({ title: secret, body: secret })).json<{ item: Item; editKey: string }>();
    const change = (method: string, body?: unknown) =>
      request(`/api/items/${saved.item.id}`, {
        method,
        headers: { authorization: `Bearer ${saved.editKey}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    await newestTitles();
    expect(await cachedPage()).toContain(secret);

    expect((await change("PATCH", { title: "edited", body: "edited" })).status).toBe(200);
    expect(await cachedPage()).not.toContain(secret);
    expect(await newestTitles()).toContain("edited");
    expect(await cachedPage()).toContain("edited");

    expect((await change("DELETE")).status).toBe(204);
    expect(await cachedPage()).not.toContain(saved.item.id);
    expect(await newestTitles()).not.toContain("edited");
    expect(await cachedPage()).not.toContain(saved.item.id);
  });
});
