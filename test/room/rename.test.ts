/**
 * Live rename (docs/PROTOCOL.md, "renamed"): a rename tells every open socket
 * the new title at once, outside the sequence; a socket that was away learns
 * it from its next welcome.
 */
import { describe, expect, it } from "vitest";
import { connect, connectFresh, freshRoom, TEST_OWNER_KEY } from "./roomHarness";

describe("rename", () => {
  it("every open socket hears the new title at once, and the sequence is untouched", async () => {
    const room = await freshRoom();
    const watchers = [await connectFresh(room), await connectFresh(room)];
    expect(await room.renameList("Trip", TEST_OWNER_KEY)).toMatchObject({ ok: true, value: { title: "Trip" } });
    for (const { socket } of watchers) {
      expect(await socket.next()).toEqual({ type: "renamed", title: "Trip" });
      await socket.settle();
      expect(socket.unread()).toEqual([]);
    }
  });

  it("a refused rename tells nobody", async () => {
    const room = await freshRoom();
    const { socket } = await connectFresh(room);
    expect(await room.renameList("Hijacked", "not-the-owner-key")).toMatchObject({ ok: false });
    await socket.settle();
    expect(socket.unread()).toEqual([]);
  });

  it("the welcome carries the title as it is now, for fresh and resumed connections alike", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    expect(first.welcome.title).toBe("Test list");
    first.socket.close();
    await first.socket.waitForClose();
    await room.renameList("Renamed while away", TEST_OWNER_KEY);
    const resumed = await connect(room, { token: first.welcome.resumeToken, last: first.snapshot.seq, attempt: 2 });
    expect(resumed.welcome).toMatchObject({ resumed: true, title: "Renamed while away" });
    expect((await connectFresh(room)).welcome.title).toBe("Renamed while away");
  });
});
