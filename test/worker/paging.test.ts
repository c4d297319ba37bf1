import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { loggedIds, postJson, request } from "./request";

interface Page {
  items: Item[];
  nextBefore: string | null;
}

async function page(query: string): Promise<Page> {
  const response = await request(`/api/items?${query}`);
  expect(response.status).toBe(200);
  return response.json<Page>();
}

describe("GET /api/items paging", () => {
  it("pages newest first: each page is the next `limit` items, and nextBefore is its last id while older ones exist", async () => {
    const earlier = await loggedIds();
    const saved: string[] = [];
    for (let n = 0; n < 5; n++) saved.push((await (await postJson({ title: `page ${n}`, body: "b" })).json<{ item: Item }>()).item.id);
    // What the protocol promises, from the save order alone.
    const expected = [...saved].reverse().concat(earlier);
    expect(await loggedIds()).toEqual(expected);

    for (let limit = 1; limit <= expected.length + 1; limit++) {
      let before: string | null = null;
      for (let start = 0; ; start += limit) {
        const got: Page = await page(before === null ? `limit=${limit}` : `limit=${limit}&before=${before}`);
        const want = expected.slice(start, start + limit);
        expect(got.items.map((item) => item.id)).toEqual(want);
        const olderLeft = start + limit < expected.length;
        expect(got.nextBefore).toBe(olderLeft ? want.at(-1) : null);
        if (!olderLeft) break;
        before = got.nextBefore;
      }
    }
  });

  it("a page before the oldest item is empty and ends the list", async () => {
    await postJson({ title: "only", body: "b" });
    const oldest = (await loggedIds()).at(-1)!;
    expect(await page(`before=${oldest}`)).toEqual({ items: [], nextBefore: null });
  });
});
