import { describe, expect, it } from "vitest";
import { connectFresh, freshRoom, numbered, save } from "./roomHarness";

describe("cost per save", () => {
  it("a save writes the same rows and alarms with one socket or ten", async () => {
    const written: number[] = [];
    for (const audience of [1, 10]) {
      const room = await freshRoom();
      const sockets = await Promise.all(Array.from({ length: audience }, () => connectFresh(room)));
      await save(room, numbered(0));
      await Promise.all(sockets.map(({ socket }) => socket.items(1)));
      const before = await room.usage();
      await save(room, numbered(1));
      const after = await room.usage();
      written.push(after.rowsWritten - before.rowsWritten);
      // The alarm is already set for the first save's frames, so this one sets none.
      expect(after.setAlarmCalls - before.setAlarmCalls).toBe(0);
      expect(after.framesOut - before.framesOut).toBe(audience);
    }
    // The item's row, its entry in the search index (migration 009_search) and the list's totals row (listTotals.ts).
    expect(written).toEqual([3, 3]);
  });

  it("acknowledging writes nothing to storage", async () => {
    const room = await freshRoom();
    const { socket } = await connectFresh(room);
    await save(room, numbered(1));
    const [frame] = await socket.items(1);
    const before = await room.usage();
    socket.ack(frame!.seq);
    await socket.settle();
    const after = await room.usage();
    expect(after.rowsWritten).toBe(before.rowsWritten);
    // The ack, and the ping that settle() sends through the object.
    expect(after.framesIn - before.framesIn).toBe(2);
  });
});

describe("cost of an Idempotency-Key", () => {
  it("a keyed save writes one row more than an unkeyed one: its key's index entry", async () => {
    const room = await freshRoom();
    await save(room, numbered(0));
    const before = await room.usage();
    await save(room, numbered(1), "key-1");
    const after = await room.usage();
    expect(after.rowsWritten - before.rowsWritten).toBe(4);
  });
});
