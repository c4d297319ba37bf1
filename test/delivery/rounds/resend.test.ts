import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/protocol/limits";
import { alarmTime, CONFIG, connect, connectFresh, controlClock, freshRoom, numbered, save } from "../../room/roomHarness";

const INTERVAL = CONFIG.resendIntervalMs;
const ATTEMPTS = CONFIG.maxSendAttempts;

describe("resend", () => {
  it("an unacknowledged frame is sent exactly MAX_SEND_ATTEMPTS times, then the socket closes with 4008", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const { socket, welcome, snapshot } = await connectFresh(room);
    const item = await save(room, numbered(1));
    const original = await socket.nextOf("item");

    for (let attempt = 2; attempt <= ATTEMPTS; attempt++) {
      clock.advance(INTERVAL);
      expect(await runDurableObjectAlarm(room)).toBe(true);
      expect(await socket.nextOf("snapshot")).toEqual(snapshot);
      expect(await socket.nextOf("item")).toEqual(original);
    }
    await socket.settle();
    expect(socket.unread()).toEqual([]);

    clock.advance(INTERVAL);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect((await socket.waitForClose()).code).toBe(CloseCode.AckTimeout);
    expect(original).toMatchObject({ seq: snapshot.seq + 1, messageId: `${welcome.clientId}:${snapshot.seq + 1}`, item });

    // The client is forgotten: its token no longer resumes.
    const again = await connect(room, { token: welcome.resumeToken, last: original.seq });
    expect(again.welcome.resumed).toBe(false);
  });

  it("an acknowledged frame is never resent", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const { socket } = await connectFresh(room);
    await save(room, numbered(1));
    const [frame] = await socket.items(1);
    socket.ack(frame!.seq);
    await socket.settle();

    for (let round = 0; round < ATTEMPTS + 1; round++) {
      clock.advance(INTERVAL);
      await runDurableObjectAlarm(room);
    }
    await socket.settle();
    expect(socket.unread()).toEqual([]);
    expect(socket.closed).toBeNull();
  });

  it("a partial ack stops resends up to its seq and keeps resending the rest", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const { socket } = await connectFresh(room);
    await save(room, numbered(1));
    await save(room, numbered(2));
    const [first, second] = await socket.items(2);
    socket.ack(first!.seq);
    await socket.settle();

    clock.advance(INTERVAL);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(await socket.next()).toEqual(second);
    await socket.settle();
    expect(socket.unread()).toEqual([]);
  });

  it("a round resends every unacknowledged frame, the newest included, then waits an interval", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const { socket, snapshot } = await connectFresh(room);
    clock.advance(INTERVAL / 2);
    await save(room, numbered(1));
    const [late] = await socket.items(1);

    clock.advance(INTERVAL / 2);
    await runDurableObjectAlarm(room);
    expect([await socket.next(), await socket.next()]).toEqual([snapshot, late]);

    clock.advance(INTERVAL / 2);
    await runDurableObjectAlarm(room);
    await socket.settle();
    expect(socket.unread()).toEqual([]);
  });

  it("an alarm that fires late costs no attempt: the frame is still sent MAX_SEND_ATTEMPTS times", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const { socket, snapshot } = await connectFresh(room);
    clock.advance(INTERVAL * (ATTEMPTS + 2));
    for (let attempt = 2; attempt <= ATTEMPTS; attempt++) {
      await runDurableObjectAlarm(room);
      expect(await socket.next()).toEqual(snapshot);
      clock.advance(INTERVAL);
    }
    await runDurableObjectAlarm(room);
    expect((await socket.waitForClose()).code).toBe(CloseCode.AckTimeout);
  });

  it("a client that keeps acknowledging is never dropped", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const { socket } = await connectFresh(room);
    for (let n = 0; n < ATTEMPTS * 2; n++) {
      await save(room, numbered(n));
      const [frame] = await socket.items(1);
      socket.ack(frame!.seq);
      await socket.settle();
      clock.advance(INTERVAL);
      await runDurableObjectAlarm(room);
    }
    await socket.settle();
    expect(socket.closed).toBeNull();
    expect(await room.connectionCount()).toBe(1);
  });

  it("an alarm that fires again at the same moment sends nothing twice", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const { socket, snapshot } = await connectFresh(room);
    clock.advance(INTERVAL);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(await socket.next()).toEqual(snapshot);
    // The next alarm is set for a later round; firing it early must do nothing.
    expect(await runDurableObjectAlarm(room)).toBe(true);
    await socket.settle();
    expect(socket.unread()).toEqual([]);
  });

  it("a lower ack after a higher one does not move the acknowledged point back", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const { socket } = await connectFresh(room);
    await save(room, numbered(1));
    await save(room, numbered(2));
    const [, second] = await socket.items(2);
    socket.ack(second!.seq);
    socket.ack(1);
    socket.ack(0);
    await socket.settle();
    expect(socket.unread()).toEqual([]);

    clock.advance(INTERVAL);
    await runDurableObjectAlarm(room);
    await socket.settle();
    expect(socket.unread()).toEqual([]);
  });

  it("the alarm is due one interval after the oldest unacknowledged frame was last sent", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const connectedAt = clock.now();
    const { socket, snapshot } = await connectFresh(room);
    expect(await alarmTime(room)).toBe(connectedAt + INTERVAL);

    // Acked, then a save half an interval later: the frame is due one
    // interval after its own send, and not resent before.
    socket.ack(snapshot.seq);
    await socket.settle();
    clock.advance(INTERVAL / 2);
    const savedAt = clock.now();
    await save(room, numbered(1));
    const [frame] = await socket.items(1);
    expect(await alarmTime(room)).toBeLessThanOrEqual(savedAt + INTERVAL);
    clock.advance(INTERVAL / 2);
    await runDurableObjectAlarm(room);
    await socket.settle();
    expect(socket.unread()).toEqual([]);
    expect(await alarmTime(room)).toBe(savedAt + INTERVAL);

    clock.advance(INTERVAL / 2);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(await socket.next()).toEqual(frame);
    expect(await alarmTime(room)).toBe(savedAt + 2 * INTERVAL);

    // Acknowledged: the next round finds nothing and leaves no alarm behind.
    socket.ack(frame!.seq);
    await socket.settle();
    clock.advance(INTERVAL);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(await alarmTime(room)).toBeNull();
  });
});
