/**
 * The delivery numbers of docs/PROTOCOL.md with the default configuration,
 * written out: a resend every 30 000 ms, 5 sends in all, a silent client
 * dropped with 4008 150 s after the first frame it left unacknowledged, a
 * resume window of 120 000 ms, and 4009 for a superseded connection.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ListRoom } from "../../src/room/ListRoom";
import { alarmTime, connect, connectFresh, controlClock, eventually, freshRoom } from "../room/roomHarness";

describe("resend and drop", () => {
  it("resends every 30000 ms, 5 sends in all, and closes with 4008 at 150 s", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const openedAt = clock.now();
    const { socket, snapshot } = await connectFresh(room);
    expect(await alarmTime(room)).toBe(openedAt + 30000);

    for (let send = 2; send <= 5; send++) {
      clock.advance(30000 - 1);
      await runDurableObjectAlarm(room); // early: nothing is due yet
      await socket.settle();
      expect(socket.unread()).toEqual([]);
      clock.advance(1);
      await runDurableObjectAlarm(room);
      expect(await socket.next()).toEqual(snapshot);
      expect(clock.now() - openedAt).toBe((send - 1) * 30000);
    }
    clock.advance(30000 - 1);
    await runDurableObjectAlarm(room);
    await socket.settle();
    expect(socket.closed).toBeNull();
    clock.advance(1);
    await runDurableObjectAlarm(room);
    expect(clock.now() - openedAt).toBe(150000);
    expect((await socket.waitForClose()).code).toBe(4008);
  });
});

describe("resume window: 120000 ms", () => {
  it.each([
    [119999, true],
    [120001, false],
  ])("a token %i ms after the connection ended resumes: %s", async (after, resumes) => {
    const clock = controlClock();
    const room = await freshRoom();
    const first = await connectFresh(room);
    first.socket.close();
    await first.socket.waitForClose();
    await eventually(
      () =>
        runInDurableObject(room, (_room: ListRoom, state) =>
          state.storage.sql
            .exec("SELECT 1 FROM clients WHERE client_id = ? AND disconnected_at IS NOT NULL", first.welcome.clientId)
            .toArray()
            .length === 1,
        ),
      "the room to hear the close",
    );
    clock.advance(after);
    const { welcome } = await connect(room, { token: first.welcome.resumeToken, last: 1 });
    expect(welcome.resumed).toBe(resumes);
  });
});

describe("a superseded connection", () => {
  it("is closed with 4009 when its client resumes elsewhere", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    await connect(room, { token: first.welcome.resumeToken, last: 1 });
    expect((await first.socket.waitForClose()).code).toBe(4009);
  });
});
