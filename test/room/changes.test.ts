import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/protocol/errors";
import type { Item } from "../../src/protocol/item";
import type { ListRoom } from "../../src/room/ListRoom";
import { CONFIG, connect, connectFresh, controlClock, freshRoom, numbered, TEST_OWNER_KEY, type RoomStub } from "./roomHarness";

async function saveKeyed(room: RoomStub, n: number, idempotencyKey: string | null = null) {
  const result = await room.addItem(numbered(n), idempotencyKey);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function by(key: string, itemId: string, expected: number | null = null) {
  return { itemId, key, expected, group: null };
}

async function listed(room: RoomStub): Promise<Item[]> {
  const page = await room.listItems({ before: null, limit: 200 });
  if (!page.ok) throw new Error(page.error.message);
  return page.value.items;
}

describe("edit", () => {
  it("with the edit key: the item changes in place, version 2, and every socket gets an edited frame", async () => {
    const room = await freshRoom();
    const saved = await saveKeyed(room, 1);
    const watchers = [await connectFresh(room), await connectFresh(room)];
    const edited = await room.editItem(by(saved.editKey, saved.item.id), { title: "renamed" });
    expect(edited).toMatchObject({ ok: true, value: { id: saved.item.id, title: "renamed", body: "body 1", version: 2 } });
    const item = (edited as { value: Item }).value;
    expect(item.createdAt).toBe(saved.item.createdAt);
    expect(Date.parse(item.updatedAt!)).toBeGreaterThanOrEqual(Date.parse(item.createdAt));
    for (const { socket, snapshot } of watchers) {
      expect(await socket.next()).toEqual({ type: "edited", seq: snapshot.seq + 1, messageId: expect.any(String), item });
    }
    expect(await listed(room)).toEqual([item]);
  });

  it("edit keys are 43 URL-safe characters, one per item, the same on a replayed save", async () => {
    const room = await freshRoom();
    const first = await saveKeyed(room, 1, "k1");
    const second = await saveKeyed(room, 2);
    expect(first.editKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.editKey).not.toBe(first.editKey);
    expect((await saveKeyed(room, 1, "k1")).editKey).toBe(first.editKey);
  });

  it("another item's key, or no owner's key, is refused and changes nothing", async () => {
    const room = await freshRoom();
    const target = await saveKeyed(room, 1);
    const other = await saveKeyed(room, 2);
    const { socket } = await connectFresh(room);
    for (const key of [other.editKey, "A".repeat(43), "short"]) {
      const refused = await room.editItem(by(key, target.item.id), { title: "hijacked" });
      expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.Forbidden } });
    }
    await socket.settle();
    expect(socket.unread()).toEqual([]);
    expect((await listed(room)).map((item) => item.title)).toEqual(["item 2", "item 1"]);
  });

  it("the list's owner key edits and removes anyone's item", async () => {
    const room = await freshRoom();
    const { item } = await saveKeyed(room, 1);
    expect(await room.editItem(by(TEST_OWNER_KEY, item.id), { body: "fixed" })).toMatchObject({ ok: true, value: { version: 2 } });
    expect(await room.removeItem(by(TEST_OWNER_KEY, item.id))).toEqual({ ok: true, value: null });
    expect(await listed(room)).toEqual([]);
  });

  it("If-Match: an edit made on a version after which another writer changed that field is refused; an edit already in place is answered", async () => {
    const room = await freshRoom();
    const { item, editKey } = await saveKeyed(room, 1);
    expect(await room.editItem(by(editKey, item.id, 1), { title: "x" })).toMatchObject({ ok: true, value: { version: 2 } });
    // Also made on version 1, by no named writer, who matches nobody: the title changed since.
    expect(await room.editItem(by(editKey, item.id, 1), { title: "y" })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.VersionMismatch, conflict: { fields: ["title"], item: { title: "x", version: 2 } } },
    });
    const { socket } = await connectFresh(room);
    // The same edit again, with the version it was made against: nothing changes, nothing is sent.
    expect(await room.editItem(by(editKey, item.id, 1), { title: "x" })).toMatchObject({ ok: true, value: { version: 2 } });
    await socket.settle();
    expect(socket.unread()).toEqual([]);
  });

  it("an unknown or removed item is not found", async () => {
    const room = await freshRoom();
    const { item, editKey } = await saveKeyed(room, 1);
    expect(await room.editItem(by(editKey, "zz-0123456789abcdef"), { title: "x" })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NotFound },
    });
    await room.removeItem(by(editKey, item.id));
    expect(await room.editItem(by(editKey, item.id), { title: "x" })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NotFound },
    });
  });

  it("a replayed save answers with the item as it is now; after removal it is item_removed", async () => {
    const room = await freshRoom();
    const { item, editKey } = await saveKeyed(room, 1, "key");
    await room.editItem(by(editKey, item.id), { title: "edited" });
    expect(await room.addItem(numbered(1), "key")).toMatchObject({ ok: true, value: { replayed: true, item: { title: "edited", version: 2 } } });
    // The key still guards against reuse for other text, checked against what the save sent.
    expect(await room.addItem({ title: "edited", body: "body 1" }, "key")).toMatchObject({
      ok: false,
      error: { code: ErrorCode.IdempotencyKeyReused },
    });
    await room.removeItem(by(editKey, item.id));
    expect(await room.addItem(numbered(1), "key")).toMatchObject({ ok: false, error: { code: ErrorCode.ItemRemoved } });
  });
});

describe("remove", () => {
  it("erases the item for everyone: a removed frame, gone from pages and snapshots, text erased in storage", async () => {
    const room = await freshRoom();
    const kept = await saveKeyed(room, 1);
    const gone = await saveKeyed(room, 2);
    const watcher = await connectFresh(room);
    expect(await room.removeItem(by(gone.editKey, gone.item.id))).toEqual({ ok: true, value: null });
    expect(await watcher.socket.next()).toEqual({
      type: "removed",
      seq: watcher.snapshot.seq + 1,
      messageId: `${watcher.welcome.clientId}:${watcher.snapshot.seq + 1}`,
      itemId: gone.item.id,
    });
    expect(await listed(room)).toEqual([kept.item]);
    expect((await connectFresh(room)).snapshot.items).toEqual([kept.item]);
    const stored = await runInDurableObject(room, (_: ListRoom, state) =>
      state.storage.sql.exec<{ title: string; body: string }>("SELECT title, body FROM items WHERE id = ?", gone.item.id).one(),
    );
    expect(stored).toEqual({ title: "", body: "" });
  });

  it("repeating a removal answers ok and sends nothing more", async () => {
    const room = await freshRoom();
    const { item, editKey } = await saveKeyed(room, 1);
    const { socket } = await connectFresh(room);
    expect(await room.removeItem(by(editKey, item.id))).toEqual({ ok: true, value: null });
    expect((await socket.next()).type).toBe("removed");
    const sentBefore = (await room.usage()).framesOut;
    expect(await room.removeItem(by(editKey, item.id))).toEqual({ ok: true, value: null });
    // The room sends a change's frames before the command answers: nothing went out.
    expect((await room.usage()).framesOut).toBe(sentBefore);
    // And nothing arrived ahead of the pong, which queues behind anything sent before it.
    await socket.settle();
    expect(socket.unread()).toEqual([]);
  });

  it("a cursor naming a removed item still pages from where it stood", async () => {
    const room = await freshRoom();
    const items = [];
    for (let n = 1; n <= 3; n++) items.push(await saveKeyed(room, n));
    await room.removeItem(by(items[1]!.editKey, items[1]!.item.id));
    const page = await room.listItems({ before: items[1]!.item.id, limit: 10 });
    expect(page).toEqual({ ok: true, value: { items: [items[0]!.item], hasOlder: false } });
  });
});

describe("changes through the delivery protocol", () => {
  it("a resume replays saves, edits and removals in order, each carrying its item as it is now", async () => {
    const room = await freshRoom();
    const a = await saveKeyed(room, 1);
    const first = await connectFresh(room);
    first.socket.ack(first.snapshot.seq);
    await first.socket.settle();
    first.socket.close();
    await first.socket.waitForClose();

    await room.editItem(by(a.editKey, a.item.id), { title: "a2" });
    const b = await saveKeyed(room, 2);
    await room.editItem(by(b.editKey, b.item.id), { body: "b2" });
    await room.editItem(by(a.editKey, a.item.id), { title: "a3" });
    await room.removeItem(by(b.editKey, b.item.id));

    const { socket, welcome } = await connect(room, { token: first.welcome.resumeToken, last: first.snapshot.seq });
    expect(welcome.resumed).toBe(true);
    const replayed = [];
    for (let n = 0; n < 5; n++) replayed.push(await socket.next());
    expect(replayed.map((frame) => ("seq" in frame ? frame.seq : null))).toEqual([2, 3, 4, 5, 6]);
    const a3 = { ...a.item, title: "a3", version: 3, updatedAt: expect.any(String) };
    expect(replayed).toMatchObject([
      { type: "edited", item: a3 },
      { type: "removed", itemId: b.item.id },
      { type: "removed", itemId: b.item.id },
      { type: "edited", item: a3 },
      { type: "removed", itemId: b.item.id },
    ]);
  });

  it("a resend after a removal carries no text: the unacknowledged item frame goes out as removed", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const { socket, snapshot } = await connectFresh(room);
    socket.ack(snapshot.seq);
    const { item, editKey } = await saveKeyed(room, 1);
    const original = await socket.nextOf("item");
    await room.removeItem(by(editKey, item.id));
    const removal = await socket.nextOf("removed");
    clock.advance(CONFIG.resendIntervalMs);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(await socket.next()).toEqual({ type: "removed", seq: original.seq, messageId: original.messageId, itemId: item.id });
    expect(await socket.next()).toEqual(removal);
  });

  it("a change writes the same rows whatever the audience", async () => {
    const written: number[][] = [];
    for (const audience of [0, 10]) {
      const room = await freshRoom();
      const { item, editKey } = await saveKeyed(room, 1);
      const sockets = await Promise.all(Array.from({ length: audience }, () => connectFresh(room)));
      const rows = [];
      let before = await room.usage();
      await room.editItem(by(editKey, item.id), { title: "edited" });
      let after = await room.usage();
      rows.push(after.rowsWritten - before.rowsWritten);
      before = after;
      await room.removeItem(by(editKey, item.id));
      after = await room.usage();
      rows.push(after.rowsWritten - before.rowsWritten);
      expect(after.framesOut - before.framesOut).toBe(audience);
      written.push(rows);
      for (const { socket } of sockets) socket.close();
    }
    expect(written[1]).toEqual(written[0]);
    // The item's row, one change row and the list's totals (listTotals.ts) each,
    // and two more: an edit replaces the item's search entry (migration
    // 009_search: a delete and an insert); a removal deletes it and enters the
    // item in the index of those awaiting their tombstone.
    expect(written[0]).toEqual([5, 5]);
  });
});
