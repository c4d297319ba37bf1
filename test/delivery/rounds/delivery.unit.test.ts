import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../src/protocol/errors";
import { CloseCode, FIRST_SEQ } from "../../../src/protocol/limits";
import { MemoryLog } from "../../../src/delivery/log/memoryLog";
import { deliveryOver, TIMING, ws } from "../deliveryHarness";

describe("delivery over the log", () => {
  it("a fresh connection gets a snapshot of the log so far as seq 1, then each new entry with its own next seq", () => {
    const log = new MemoryLog();
    const room = deliveryOver(log);
    room.save("before");
    const early = room.connect();
    room.save("between");
    const late = room.connect();
    room.save("after");
    expect(early.take()).toMatchObject([
      { type: "snapshot", seq: FIRST_SEQ, items: [{ title: "before" }] },
      { type: "item", seq: 2, messageId: "client-1:2", item: { title: "between" } },
      { type: "item", seq: 3, messageId: "client-1:3", item: { title: "after" } },
    ]);
    expect(late.take()).toMatchObject([
      { type: "snapshot", seq: FIRST_SEQ, items: [{ title: "between" }, { title: "before" }] },
      { type: "item", seq: 2, messageId: "client-2:2", item: { title: "after" } },
    ]);
  });

  it("edits and removals are entries of the log too, delivered in log order", () => {
    const log = new MemoryLog();
    const room = deliveryOver(log);
    const socket = room.connect();
    const saved = room.save("first");
    room.delivery.deliver(log.edit(saved.pos, "renamed"), 0);
    room.delivery.deliver(log.remove(saved.pos), 0);
    expect(socket.take().map((frame) => [frame.type, "seq" in frame ? frame.seq : null])).toEqual([
      ["snapshot", 1],
      ["item", 2],
      ["edited", 3],
      ["removed", 4],
    ]);
  });

  it("the send window holds frames back until an ack opens it, and asks for a resend round only when something went out", () => {
    const log = new MemoryLog();
    const room = deliveryOver(log, { frames: 2, bytes: 128 * 1024 });
    const socket = room.connect(0);
    room.save("one", 10);
    room.save("two", 20);
    room.save("three", 30);
    expect(socket.take().map((frame) => frame.type)).toEqual(["snapshot", "item"]);
    expect(room.resendsAskedFor).toEqual([0 + TIMING.resendIntervalMs, 10 + TIMING.resendIntervalMs]);
    room.delivery.acknowledge(ws(socket), 2, 40);
    expect(socket.take()).toMatchObject([
      { type: "item", seq: 3, item: { title: "two" } },
      { type: "item", seq: 4, item: { title: "three" } },
    ]);
  });

  it("what is in flight follows from the log and the ack: a woken instance holds back what the window held back", () => {
    const log = new MemoryLog();
    const room = deliveryOver(log, { frames: 2, bytes: 128 * 1024 });
    const socket = room.connect(0);
    room.save("one");
    socket.take();
    const woken = room.woken();
    woken.deliver(log.save("two"), 0);
    expect(socket.take()).toEqual([]);
    woken.acknowledge(ws(socket), 1, 0);
    expect(socket.take()).toMatchObject([{ type: "item", seq: 3, item: { title: "two" } }]);
  });

  it("an ack for a seq never sent is refused with an error frame and changes nothing", () => {
    const room = deliveryOver(new MemoryLog());
    const socket = room.connect();
    socket.take();
    room.delivery.acknowledge(ws(socket), 2, 0);
    expect(socket.take()).toEqual([{ type: "error", code: ErrorCode.AckOutOfRange, message: expect.any(String) }]);
    expect(room.states.get(ws(socket))?.acked).toBe(FIRST_SEQ - 1);
  });
});

describe("resend rounds", () => {
  it("resend what is unacknowledged once it is an interval old, reading the item as it is now", () => {
    const log = new MemoryLog();
    const room = deliveryOver(log);
    const socket = room.connect(0);
    const saved = room.save("draft", 0);
    room.delivery.acknowledge(ws(socket), 1, 0);
    socket.take();
    expect(room.delivery.resendRound(TIMING.resendIntervalMs - 1)).toBe(TIMING.resendIntervalMs);
    expect(socket.take()).toEqual([]);
    log.remove(saved.pos);
    expect(room.delivery.resendRound(TIMING.resendIntervalMs)).toBe(2 * TIMING.resendIntervalMs);
    expect(socket.take()).toMatchObject([{ type: "removed", seq: 2, itemId: saved.itemId }]);
  });

  it("drop a connection, with its goodbye, after its frames went unacknowledged for every attempt, and forget its session", () => {
    const room = deliveryOver(new MemoryLog());
    const socket = room.connect(0);
    let now = 0;
    let next: number | null = 0;
    while (next !== null) {
      now = next;
      next = room.delivery.resendRound(now);
    }
    expect(socket.take().map((frame) => frame.type)).toEqual([...Array(TIMING.maxSendAttempts).fill("snapshot"), "bye"]);
    expect(socket.closedWith).toBe(CloseCode.AckTimeout);
    expect(room.forgotten).toEqual(["client-1"]);
    expect(now).toBe(TIMING.maxSendAttempts * TIMING.resendIntervalMs);
  });

  it("a connection that acknowledged everything needs no round", () => {
    const room = deliveryOver(new MemoryLog());
    const socket = room.connect(0);
    room.delivery.acknowledge(ws(socket), 1, 0);
    expect(room.delivery.resendRound(10 * TIMING.resendIntervalMs)).toBeNull();
  });
});
