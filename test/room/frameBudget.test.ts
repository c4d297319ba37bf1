import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { connectFresh, freshRoom, save, type RoomStub } from "./roomHarness";

// docs/PROTOCOL.md: no frame and no HTTP page of items is larger than 64 KiB.
const FRAME_LIMIT = 65_536;
const bytesOf = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength;

/** 40 items of 10,000 bytes of UTF-8 each: far more than one frame holds. */
async function fillWithLargeItems(room: RoomStub): Promise<Item[]> {
  const saved: Item[] = [];
  for (let n = 1; n <= 40; n++) saved.push(await save(room, { title: `item ${n}`, body: "é".repeat(5_000) }));
  return saved;
}

describe("frame budget", () => {
  it("a snapshot carries the newest items that fit in 64 KiB and says there are older ones", async () => {
    const room = await freshRoom();
    const saved = await fillWithLargeItems(room);
    const { snapshot } = await connectFresh(room);
    expect(bytesOf(snapshot)).toBeLessThanOrEqual(FRAME_LIMIT);
    expect(snapshot.items.length).toBeGreaterThan(0);
    expect(snapshot.items).toEqual(saved.slice(-snapshot.items.length).reverse());
    expect(snapshot.hasOlder).toBe(true);
    // And nothing more would have fitted.
    const withOneMore = { ...snapshot, items: [...snapshot.items, saved.at(-snapshot.items.length - 1)] };
    expect(bytesOf(withOneMore)).toBeGreaterThan(FRAME_LIMIT - 256);
  });

  it("pages of items are cut at 64 KiB too, and the cursor carries on to the oldest without a gap", async () => {
    const room = await freshRoom();
    const saved = await fillWithLargeItems(room);
    const seen: Item[] = [];
    let before: string | null = null;
    for (let page = 0; page < 40; page++) {
      const result = await room.listItems({ before, limit: 200 });
      if (!result.ok) throw new Error(result.error.message);
      const answer = { items: result.value.items, nextBefore: result.value.hasOlder ? result.value.items.at(-1)!.id : null };
      expect(bytesOf(answer)).toBeLessThanOrEqual(FRAME_LIMIT);
      seen.push(...result.value.items);
      if (answer.nextBefore === null) break;
      before = answer.nextBefore;
    }
    expect(seen).toEqual([...saved].reverse());
  });

  it("a short list still comes whole in one snapshot", async () => {
    const room = await freshRoom();
    const saved = [await save(room, { title: "a", body: "b" }), await save(room, { title: "c", body: "d" })];
    const { snapshot } = await connectFresh(room);
    expect(snapshot.items).toEqual([...saved].reverse());
    expect(snapshot.hasOlder).toBe(false);
  });
});
