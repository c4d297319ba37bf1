/**
 * Changes merge by field in the room (protocol 5, src/protocol/fieldMerge.ts):
 * each field keeps the version at which it last changed and its writer, in
 * the item's row; a change is refused only for a field another writer changed
 * after the version it was made on, and then carries the fields and the item
 * as it is; items saved before the stamps were kept read as protocol 4 did.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/protocol/errors";
import type { ExpectedVersion, Item, ItemPatch } from "../../src/protocol/item";
import type { ListRoom } from "../../src/room/ListRoom";
import { newItemId } from "../../src/shared/itemId";
import { hashToken } from "../../src/shared/tokens";
import { migrateBefore } from "./oldStorage";
import { connectFresh, freshRoom, numbered, roomNamed, TEST_OWNER_KEY, type RoomStub } from "./roomHarness";

const A = "browser-of-a";
const B = "browser-of-b";

async function saveBy(room: RoomStub, writer: string | null) {
  const result = await room.addItem(numbered(1), null, null, writer);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** A change by `writer` with the owner key (enough for any field), made on version `expected`. */
function changeBy(room: RoomStub, writer: string | null, itemId: string, patch: ItemPatch, expected: ExpectedVersion) {
  return room.editItem({ itemId, key: TEST_OWNER_KEY, expected, writer, group: null }, patch);
}

async function applied(room: RoomStub, writer: string | null, itemId: string, patch: ItemPatch, expected: ExpectedVersion): Promise<Item> {
  const result = await changeBy(room, writer, itemId, patch, expected);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

function stampsIn(room: RoomStub, itemId: string) {
  return runInDurableObject(room, (_room: ListRoom, state) =>
    state.storage.sql
      .exec("SELECT title_version, title_writer, body_version, body_writer, done_version, done_writer FROM items WHERE id = ?", itemId)
      .one(),
  );
}

describe("changes by field", () => {
  it("a save stamps every field at version 1 by its writer, in the item's own row", async () => {
    const room = await freshRoom();
    const { item } = await saveBy(room, A);
    expect(await stampsIn(room, item.id)).toEqual({
      title_version: 1,
      title_writer: A,
      body_version: 1,
      body_writer: A,
      done_version: 1,
      done_writer: A,
    });
  });

  it("B's tick and A's title edit, both made on version 1, both land, one version each, and every socket hears both", async () => {
    const room = await freshRoom();
    const { item } = await saveBy(room, A);
    const { socket, snapshot } = await connectFresh(room);
    const ticked = await applied(room, B, item.id, { done: true }, 1);
    const titled = await applied(room, A, item.id, { title: "Milk (2 litres)" }, 1);
    expect(titled).toMatchObject({ title: "Milk (2 litres)", done: true, version: 3 });
    expect(await socket.next()).toMatchObject({ type: "edited", seq: snapshot.seq + 1, item: { id: item.id } });
    expect(await socket.next()).toMatchObject({ type: "edited", seq: snapshot.seq + 2, item: titled });
    expect(ticked.version).toBe(2);
    expect(await stampsIn(room, item.id)).toMatchObject({ title_version: 3, title_writer: A, done_version: 2, done_writer: B, body_version: 1 });
  });

  it("one writer's queued changes, each sent with the version it was made on, all land in order", async () => {
    const room = await freshRoom();
    const { item } = await saveBy(room, A);
    await applied(room, A, item.id, { done: true }, 1);
    await applied(room, A, item.id, { body: "cheddar, mature" }, 1);
    await applied(room, A, item.id, { title: "Rice 1 kg" }, 1);
    const last = await applied(room, A, item.id, { title: "Rice 2 kg" }, 1);
    expect(last).toMatchObject({ title: "Rice 2 kg", body: "cheddar, mature", done: true, version: 5 });
  });

  it("the same field by two writers: the second is refused with the field and the item as it is, and nothing is sent", async () => {
    const room = await freshRoom();
    const { item } = await saveBy(room, A);
    const now = await applied(room, A, item.id, { title: "Butter (salted)" }, 1);
    const { socket } = await connectFresh(room);
    expect(await changeBy(room, B, item.id, { title: "Butter (unsalted)", done: true }, 1)).toEqual({
      ok: false,
      error: { code: ErrorCode.VersionMismatch, message: expect.stringContaining("title"), conflict: { fields: ["title"], item: now } },
    });
    await socket.settle();
    expect(socket.unread()).toEqual([]);
    // Made again on the version the refusal carried, B's choice lands.
    expect(await applied(room, B, item.id, { title: "Butter (unsalted)", done: true }, now.version)).toMatchObject({ version: 3, done: true });
  });

  it("no writer named matches nobody, not even another request with none", async () => {
    const room = await freshRoom();
    const { item } = await saveBy(room, null);
    await applied(room, null, item.id, { body: "first" }, 1);
    expect(await changeBy(room, null, item.id, { body: "second" }, 1)).toMatchObject({ ok: false, error: { conflict: { fields: ["body"] } } });
    expect(await changeBy(room, A, item.id, { body: "second" }, 1)).toMatchObject({ ok: false, error: { conflict: { fields: ["body"] } } });
  });

  it("a removal made on version N is refused only when another writer changed a field after N", async () => {
    const room = await freshRoom();
    const { item } = await saveBy(room, A);
    await applied(room, A, item.id, { title: "mine" }, 1);
    expect(await room.removeItem({ itemId: item.id, key: TEST_OWNER_KEY, expected: 1, writer: A, group: null })).toEqual({ ok: true, value: null });

    const other = (await saveBy(room, A)).item;
    const ticked = await applied(room, B, other.id, { done: true }, 1);
    expect(await room.removeItem({ itemId: other.id, key: TEST_OWNER_KEY, expected: 1, writer: A, group: null })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.VersionMismatch, conflict: { fields: ["done"], item: ticked } },
    });
    expect(await room.removeItem({ itemId: other.id, key: TEST_OWNER_KEY, expected: 2, writer: A, group: null })).toEqual({ ok: true, value: null });
  });

  it("a removal erases the stamps with the text", async () => {
    const room = await freshRoom();
    const { item } = await saveBy(room, A);
    await room.removeItem({ itemId: item.id, key: TEST_OWNER_KEY, expected: null, writer: A, group: null });
    expect(Object.values(await stampsIn(room, item.id))).toEqual([null, null, null, null, null, null]);
  });

  it("getItem answers a live item, and not_found for a removed or unknown one", async () => {
    const room = await freshRoom();
    const { item } = await saveBy(room, A);
    const ticked = await applied(room, B, item.id, { done: true }, 1);
    expect(await room.getItem(item.id)).toEqual({ ok: true, value: ticked });
    expect(await room.getItem("zz-0123456789abcdef")).toMatchObject({ ok: false, error: { code: ErrorCode.NotFound } });
    await room.removeItem({ itemId: item.id, key: TEST_OWNER_KEY, expected: null, group: null });
    expect(await room.getItem(item.id)).toMatchObject({ ok: false, error: { code: ErrorCode.NotFound } });
  });
});

describe("012_field_stamps", () => {
  it("an item saved before it reads as every field at its version by nobody, and its first change writes every stamp", async () => {
    const id = `test-${crypto.randomUUID()}`;
    const room = roomNamed(id);
    const itemId = newItemId(1);
    // Storage as the code before 012 left it: one item at version 3 (two changes logged).
    await runInDurableObject(room, (_room: ListRoom, state) => {
      const sql = state.storage.sql;
      migrateBefore(sql, "012_field_stamps");
      sql.exec("INSERT INTO items (pos, id, title, body, created_at, version) VALUES (1, ?, 'old', 'saved before', 0, 3)", itemId);
      sql.exec("INSERT INTO changes (pos, item_pos, kind, at) VALUES (2, 1, 'edited', 0), (3, 1, 'edited', 0)");
    });
    expect(await room.createList({ id, title: "Old list", createdAt: new Date().toISOString() }, await hashToken(TEST_OWNER_KEY))).toBe(true);
    // As protocol 4 did: made on an older version, any change is refused; on the current one, it applies.
    expect(await changeBy(room, A, itemId, { done: true }, 2)).toMatchObject({ ok: false, error: { conflict: { fields: ["done"] } } });
    expect(await applied(room, A, itemId, { done: true }, 3)).toMatchObject({ done: true, version: 4 });
    expect(await stampsIn(room, itemId)).toEqual({
      title_version: 3,
      title_writer: null,
      body_version: 3,
      body_writer: null,
      done_version: 4,
      done_writer: A,
    });
    // The title was last changed at 3 at the latest: a title edit made on 3 by another writer still applies.
    expect(await applied(room, B, itemId, { title: "new" }, 3)).toMatchObject({ title: "new", done: true, version: 5 });
  });
});
