/**
 * The newest page comes from the edge cache, keyed by the list's newest
 * position (src/worker/newestPage.ts): repeated reads do not make the room
 * read its items again, and a save is visible to the very next read.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { DEFAULT_LIST_ID } from "../../src/protocol/lists";
import { postJson, request } from "./request";

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
});
