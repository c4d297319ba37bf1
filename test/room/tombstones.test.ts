/**
 * Removed items shrink to tombstones (src/room/tombstones.ts): the text goes
 * at the removal, and a resume window later the Idempotency-Key and times go
 * too, leaving pos, id, version and removed_at; a cursor naming the item
 * still works.
 */
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ListRoom } from "../../src/room/ListRoom";
import { alarmTime, CONFIG, controlClock, freshRoom, numbered, save, TEST_OWNER_KEY, type RoomStub } from "./roomHarness";

const owner = (itemId: string) => ({ itemId, key: TEST_OWNER_KEY, expected: null, group: null });

interface StoredRow extends Record<string, SqlStorageValue> {
  id: string;
  title: string;
  body: string;
  version: number;
  created_at: number;
  updated_at: number | null;
  removed_at: number | null;
  idempotency_key: string | null;
}

function row(room: RoomStub, id: string): Promise<StoredRow> {
  return runInDurableObject(room, (_room: ListRoom, state) =>
    state.storage.sql
      .exec<StoredRow>("SELECT id, title, body, version, created_at, updated_at, removed_at, idempotency_key FROM items WHERE id = ?", id)
      .one(),
  );
}

describe("tombstones", () => {
  it("a removed item keeps its key and times for a resume window, then shrinks to a tombstone", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const key = crypto.randomUUID();
    const added = await room.addItem(numbered(1), key);
    if (!added.ok) throw new Error(added.error.message);
    const { id } = added.value.item;
    clock.advance(1_000);
    await room.editItem(owner(id), { body: "edited" });
    clock.advance(1_000);
    const removedAt = clock.now();
    expect((await room.removeItem(owner(id))).ok).toBe(true);
    expect(await row(room, id)).toMatchObject({ title: "", body: "", idempotency_key: key, removed_at: removedAt });

    // Within the window a repeat of the save still hears that it was removed.
    clock.advance(CONFIG.resumeWindowMs - 1);
    await runDurableObjectAlarm(room);
    expect((await row(room, id)).idempotency_key).toBe(key);
    expect(await room.addItem(numbered(1), key)).toMatchObject({ ok: false, error: { code: "item_removed" } });

    clock.advance(1);
    await runDurableObjectAlarm(room);
    expect(await row(room, id)).toEqual({
      id,
      title: "",
      body: "",
      version: 2,
      created_at: removedAt,
      updated_at: null,
      removed_at: removedAt,
      idempotency_key: null,
    });
  });

  it("a cursor naming a tombstone still pages from where the item stood", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    await save(room, numbered(1));
    const middle = await save(room, numbered(2));
    await save(room, numbered(3));
    await room.removeItem(owner(middle.id));
    clock.advance(CONFIG.resumeWindowMs + 1);
    await runDurableObjectAlarm(room);
    expect((await row(room, middle.id)).idempotency_key).toBeNull();
    expect((await row(room, middle.id)).created_at).toBe((await row(room, middle.id)).removed_at);
    const older = await room.listItems({ before: middle.id, limit: 10 });
    expect(older.ok && older.value.items.map((item) => item.title)).toEqual(["item 1"]);
  });

  it("a removal the room learns of after a restart is still tombstoned when due", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const item = await save(room, numbered(1), crypto.randomUUID());
    const removedAt = clock.now();
    await room.removeItem(owner(item.id));
    // A new instance, with no alarm set: the due time is learnt from storage.
    await runInDurableObject(room, (_room: ListRoom, state) => state.storage.deleteAlarm());
    await evictDurableObject(room);
    await room.listInfo();
    expect(await alarmTime(room)).toBe(removedAt + CONFIG.resumeWindowMs);
    clock.advance(CONFIG.resumeWindowMs);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect((await row(room, item.id)).idempotency_key).toBeNull();
  });
});
