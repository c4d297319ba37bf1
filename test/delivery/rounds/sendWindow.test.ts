import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ItemFrame } from "../../../src/protocol/frames";
import { CONFIG, connectFresh, controlClock, freshRoom, numbered, save, type RoomStub } from "../../room/roomHarness";

const WINDOW = CONFIG.sendWindow;

async function saveMany(room: RoomStub, count: number, body = (n: number) => numbered(n).body) {
  for (let n = 1; n <= count; n++) await save(room, { title: `item ${n}`, body: body(n) });
}

function seqs(frames: { type: string }[]): number[] {
  return frames.map((frame) => (frame as ItemFrame).seq);
}

describe("send window", () => {
  it("the welcome announces the window", async () => {
    const { welcome } = await connectFresh(await freshRoom());
    expect(welcome.window).toEqual(WINDOW);
  });

  it("a client that does not ack is sent at most the window's frames; its acks release the rest in order", async () => {
    const room = await freshRoom();
    const { socket, snapshot } = await connectFresh(room);
    await saveMany(room, WINDOW.frames + 10);
    await socket.settle();
    // The snapshot is in flight too, so the window holds it and WINDOW.frames − 1 items.
    const first = socket.unread();
    expect(seqs(first)).toEqual(Array.from({ length: WINDOW.frames - 1 }, (_, i) => snapshot.seq + 1 + i));
    await socket.drain();

    socket.ack(snapshot.seq + 5);
    await socket.settle();
    const released = seqs(socket.unread());
    expect(released).toEqual(Array.from({ length: 6 }, (_, i) => snapshot.seq + WINDOW.frames + i));
    await socket.drain();

    socket.ack(released.at(-1)!);
    await socket.settle();
    // W + 10 items: W − 1 went out at first, 6 on the first ack, the rest now.
    expect(seqs(socket.unread())).toEqual(Array.from({ length: 5 }, (_, i) => snapshot.seq + WINDOW.frames + 6 + i));
  });

  it("large items fill the window by bytes before frames", async () => {
    const room = await freshRoom();
    const { socket, snapshot } = await connectFresh(room);
    const big = "é".repeat(5_000); // 10,000 bytes of UTF-8
    await saveMany(room, 30, () => big);
    await socket.settle();
    const sent = socket.unread();
    const bytes = sent.reduce((sum, frame) => sum + new TextEncoder().encode(JSON.stringify(frame)).byteLength, 0);
    expect(sent.length).toBeLessThan(WINDOW.frames - 1);
    expect(sent.length).toBeGreaterThan(0);
    // The snapshot (empty list) and the items in flight together stay within the byte window.
    const snapshotBytes = new TextEncoder().encode(JSON.stringify(snapshot)).byteLength;
    expect(bytes + snapshotBytes).toBeLessThanOrEqual(WINDOW.bytes);
    const oneMore = new TextEncoder().encode(JSON.stringify(sent[0])).byteLength;
    expect(bytes + snapshotBytes + oneMore).toBeGreaterThan(WINDOW.bytes);
  });

  it("a resend round resends what is in flight and nothing beyond the window", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const { socket, snapshot } = await connectFresh(room);
    await saveMany(room, WINDOW.frames + 10);
    await socket.settle();
    const inFlight = socket.unread();
    await socket.drain();

    clock.advance(CONFIG.resendIntervalMs);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    await socket.settle();
    expect(socket.unread()).toEqual([snapshot, ...inFlight]);
  });

  it("frames held back by the window go out on the ack, and are resent only an interval after that", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const { socket, snapshot } = await connectFresh(room);
    await saveMany(room, WINDOW.frames + 1);
    await socket.settle();
    await socket.drain();

    clock.advance(CONFIG.resendIntervalMs - 1);
    socket.ack(snapshot.seq + WINDOW.frames - 1);
    await socket.settle();
    const late = socket.unread();
    expect(seqs(late)).toEqual([snapshot.seq + WINDOW.frames, snapshot.seq + WINDOW.frames + 1]);
    await socket.drain();

    // One interval after the first send of the oldest pending frame would be now: too early for these.
    clock.advance(1);
    await runDurableObjectAlarm(room);
    await socket.settle();
    expect(socket.unread()).toEqual([]);

    clock.advance(CONFIG.resendIntervalMs);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    await socket.settle();
    expect(socket.unread()).toEqual(late);
  });

  it("other clients get every item while one client's window is full", async () => {
    const room = await freshRoom();
    const stalled = await connectFresh(room);
    const reader = await connectFresh(room);
    const count = WINDOW.frames * 2;
    let acked = reader.snapshot.seq;
    for (let n = 1; n <= count; n++) {
      await save(room, numbered(n));
      const frame = await reader.socket.nextOf("item");
      expect(frame.seq).toBe(acked + 1);
      acked = frame.seq;
      // As the page does: ack once half the window is outstanding.
      if (n % (WINDOW.frames / 2) === 0) reader.socket.ack(acked);
    }
    await stalled.socket.settle();
    expect(stalled.socket.unread()).toHaveLength(WINDOW.frames - 1);
  });
});
