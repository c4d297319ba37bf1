/**
 * A list created and never written to is deleted by the room's alarm 30
 * days after it was created, its storage with it (src/room/unusedList.ts).
 * A list with an item saved stays, and so does the default list.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../src/protocol/limits";
import type { ListRoom } from "../../src/room/ListRoom";
import { UNUSED_LIST_LIFETIME_MS } from "../../src/room/unusedList";
import { alarmTime, connectFresh, controlClock, freshRoom, numbered, save, type RoomStub } from "./roomHarness";

const DAY_MS = 86_400_000;

/** The tables the object's storage holds (SQLite's own left out). */
function tables(room: RoomStub): Promise<string[]> {
  return runInDurableObject(room, (_room: ListRoom, state) =>
    state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
      .toArray()
      .map((row) => row.name),
  );
}

describe("a list never written to", () => {
  it("is 30 days, the time the docs give owners", () => {
    expect(UNUSED_LIST_LIFETIME_MS).toBe(30 * DAY_MS);
  });

  it("is deleted, storage and all, by the alarm 30 days after it was created; its sockets hear bye", async () => {
    const clock = controlClock();
    const createdAt = clock.now();
    const room = await freshRoom();
    expect(await alarmTime(room)).toBe(createdAt + UNUSED_LIST_LIFETIME_MS);
    const { socket } = await connectFresh(room);

    // An early alarm (another duty's, say) leaves it be, and the alarm stays set no later than its due time.
    clock.advance(UNUSED_LIST_LIFETIME_MS - DAY_MS);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(await room.listInfo()).not.toBeNull();
    expect(await alarmTime(room)).toBeLessThanOrEqual(createdAt + UNUSED_LIST_LIFETIME_MS);

    clock.advance(DAY_MS);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect((await socket.waitForClose()).code).toBe(CloseCode.GoingAway);
    expect(await room.listInfo()).toBeNull();
    expect(await room.addItem(numbered(1), null)).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await tables(room)).toEqual([]);
    expect(await alarmTime(room)).toBeNull();
  });

  it("a list with an item saved is kept past 30 days", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    await save(room, numbered(1));
    clock.advance(UNUSED_LIST_LIFETIME_MS + DAY_MS);
    await runDurableObjectAlarm(room);
    expect(await room.listInfo()).not.toBeNull();
    const page = await room.listItems({ before: null, limit: 10 });
    expect(page.ok && page.value.items.map((item) => item.title)).toEqual(["item 1"]);
  });
});
