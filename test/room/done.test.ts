/**
 * Ticking items off (docs/PROTOCOL.md, "Editing and removing items"): anyone
 * who can open the list may tick or untick, with no key; a tick is a change
 * like an edit: the next log position, version + 1, an `edited` frame to
 * every socket in order, replayed on resume, counted by the list-wide ceiling.
 */
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/protocol/errors";
import type { Item } from "../../src/protocol/item";
import { LIST_SAVE_BURST_SECONDS } from "../../src/room/saveLimit";
import { CONFIG, connect, connectFresh, controlClock, freshRoom, numbered, type RoomStub } from "./roomHarness";

const LIST_SAVE_BURST = Math.round((CONFIG.listSavesPerMinute / 60) * LIST_SAVE_BURST_SECONDS);

/** A change request from someone with no key at all. */
function anyone(itemId: string, expected: number | null = null, group: string | null = null) {
  return { itemId, key: null, expected, group };
}

async function saveOne(room: RoomStub, n = 1) {
  const result = await room.addItem(numbered(n), null);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

async function tick(room: RoomStub, itemId: string, done: boolean, expected: number | null = null): Promise<Item> {
  const result = await room.editItem(anyone(itemId, expected), { done });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

async function listed(room: RoomStub): Promise<Item[]> {
  const page = await room.listItems({ before: null, limit: 200 });
  if (!page.ok) throw new Error(page.error.message);
  return page.value.items;
}

describe("tick", () => {
  it("needs no key: done, doneAt set, version 2, updatedAt untouched, and every socket gets an edited frame next", async () => {
    const room = await freshRoom();
    const { item } = await saveOne(room);
    expect(item).toMatchObject({ done: false, doneAt: null });
    const watchers = [await connectFresh(room), await connectFresh(room)];
    const ticked = await tick(room, item.id, true);
    expect(ticked).toEqual({ ...item, version: 2, done: true, doneAt: expect.any(String) });
    expect(Date.parse(ticked.doneAt!)).toBeGreaterThanOrEqual(Date.parse(item.createdAt));
    for (const { socket, snapshot } of watchers) {
      expect(await socket.next()).toEqual({ type: "edited", seq: snapshot.seq + 1, messageId: expect.any(String), item: ticked });
    }
    expect(await listed(room)).toEqual([ticked]);
  });

  it("untick: done false again, doneAt moves to the untick, version 3", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const { item } = await saveOne(room);
    const ticked = await tick(room, item.id, true);
    clock.advance(5_000);
    const unticked = await tick(room, item.id, false);
    expect(unticked).toMatchObject({ done: false, version: 3, updatedAt: null });
    expect(Date.parse(unticked.doneAt!) - Date.parse(ticked.doneAt!)).toBe(5_000);
  });

  it("a tick already in place is answered with the item as it is, whatever If-Match says, and sends nothing", async () => {
    const room = await freshRoom();
    const { item } = await saveOne(room);
    const ticked = await tick(room, item.id, true);
    const { socket } = await connectFresh(room);
    expect(await room.editItem(anyone(item.id, 1), { done: true })).toEqual({ ok: true, value: ticked });
    expect(await room.editItem(anyone(item.id), { done: true })).toEqual({ ok: true, value: ticked });
    await socket.settle();
    expect(socket.unread()).toEqual([]);
  });

  it("If-Match: a tick made before another writer's tick or untick is refused and nothing is sent; one on the current version applies", async () => {
    const room = await freshRoom();
    const { item } = await saveOne(room);
    await tick(room, item.id, true);
    const { socket } = await connectFresh(room);
    const stale = await room.editItem(anyone(item.id, 1), { done: false });
    expect(stale).toMatchObject({ ok: false, error: { code: ErrorCode.VersionMismatch, conflict: { fields: ["done"] } } });
    await socket.settle();
    expect(socket.unread()).toEqual([]);
    expect(await tick(room, item.id, false, 2)).toMatchObject({ done: false, version: 3 });
  });

  it("changing the title or body still needs a key, even alongside a tick; nothing changes", async () => {
    const room = await freshRoom();
    const { item } = await saveOne(room);
    for (const patch of [{ title: "mine now", done: true }, { body: "x" }]) {
      expect(await room.editItem(anyone(item.id), patch)).toMatchObject({ ok: false, error: { code: ErrorCode.Forbidden } });
    }
    expect(await listed(room)).toEqual([item]);
  });

  it("with the edit key, a title change and a tick are one change: version 2, both times set", async () => {
    const room = await freshRoom();
    const { item, editKey } = await saveOne(room);
    const result = await room.editItem({ itemId: item.id, key: editKey, expected: null, group: null }, { title: "both", done: true });
    expect(result).toMatchObject({ ok: true, value: { title: "both", done: true, version: 2 } });
    const changed = (result as { value: Item }).value;
    expect(changed.updatedAt).toBe(changed.doneAt);
  });

  it("a removed or unknown item is not_found, and nothing is logged", async () => {
    const room = await freshRoom();
    const { item, editKey } = await saveOne(room);
    expect((await room.removeItem({ itemId: item.id, key: editKey, expected: null, group: null })).ok).toBe(true);
    const lastPos = await room.newestPosition();
    expect(await room.editItem(anyone(item.id), { done: true })).toMatchObject({ ok: false, error: { code: ErrorCode.NotFound } });
    expect(await room.editItem(anyone("zz-0123456789abcdef"), { done: true })).toMatchObject({ ok: false, error: { code: ErrorCode.NotFound } });
    expect(await room.newestPosition()).toBe(lastPos);
  });

  it("ticks, edits and saves share one gapless sequence, and a resume replays them in order with each item as it is now", async () => {
    const room = await freshRoom();
    const a = await saveOne(room, 1);
    const first = await connectFresh(room);
    first.socket.ack(first.snapshot.seq);
    await first.socket.settle();
    first.socket.close();
    await first.socket.waitForClose();

    await tick(room, a.item.id, true);
    const b = await saveOne(room, 2);
    await room.editItem({ itemId: a.item.id, key: a.editKey, expected: null, group: null }, { title: "a, edited" });
    const bTicked = await tick(room, b.item.id, true);
    const aNow = await tick(room, a.item.id, false);

    const resumed = await connect(room, { token: first.welcome.resumeToken, last: first.snapshot.seq, attempt: 2 });
    expect(resumed.welcome.resumed).toBe(true);
    const frames = [];
    for (let n = 0; n < 5; n++) frames.push(await resumed.socket.next());
    expect(frames.map((frame) => ("seq" in frame ? frame.seq : null))).toEqual([2, 3, 4, 5, 6]);
    expect(frames.map((frame) => frame.type)).toEqual(["edited", "item", "edited", "edited", "edited"]);
    // Each frame carries its item as it is now: a's latest version wherever a appears.
    expect(frames[0]).toMatchObject({ item: aNow });
    expect(frames[1]).toMatchObject({ item: bTicked });
    expect(frames[4]).toMatchObject({ item: { title: "a, edited", done: false, version: 4 } });
  });

  it("ticks count against the list-wide ceiling like saves, and a refused tick changes nothing", async () => {
    controlClock();
    const room = await freshRoom();
    const { item } = await saveOne(room);
    for (let n = 0; n < LIST_SAVE_BURST; n++) {
      const result = await room.editItem(anyone(item.id, null, `198.51.${n >> 8}.${n & 0xff}`), { done: n % 2 === 0 });
      expect(result.ok).toBe(true);
    }
    const before = await listed(room);
    const refused = await room.editItem(anyone(item.id, null, "203.0.113.250"), { done: !before[0]!.done });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.RateLimited } });
    expect(await listed(room)).toEqual(before);
  });
});
