import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { planPresence } from "../../../src/delivery/sockets/headCount";
import { CONFIG, connectFresh, controlClock, freshRoom, type TestSocket } from "../../room/roomHarness";

const INTERVAL = CONFIG.presenceIntervalMs;

/** The head counts heard since the last call, once everything sent before now is in. */
async function presenceCounts(socket: TestSocket): Promise<number[]> {
  await socket.settle();
  return socket.presence.splice(0);
}

describe("presence", () => {
  it("plans a broadcast now, at the end of the interval, or not again while one is due", () => {
    expect(planPresence(Number.NEGATIVE_INFINITY, null, 5_000, 2_000)).toEqual({ kind: "send" });
    expect(planPresence(4_000, null, 5_000, 2_000)).toEqual({ kind: "later", at: 6_000 });
    expect(planPresence(4_000, 6_000, 5_500, 2_000)).toEqual({ kind: "nothing" });
    expect(planPresence(4_000, null, 6_000, 2_000)).toEqual({ kind: "send" });
  });

  it("a newcomer hears the head count at once; the others hear it once the interval is over", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const first = await connectFresh(room);
    expect(await presenceCounts(first.socket)).toEqual([1]);

    const second = await connectFresh(room);
    expect(await presenceCounts(second.socket)).toEqual([2]);
    expect(await presenceCounts(first.socket)).toEqual([]);

    clock.advance(INTERVAL);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(await presenceCounts(first.socket)).toEqual([2]);
    expect(await presenceCounts(second.socket)).toEqual([2]);
  });

  it("a crowd arriving within one interval costs one broadcast", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const watcher = await connectFresh(room);
    await presenceCounts(watcher.socket);
    const crowd = [];
    for (let n = 0; n < 4; n++) crowd.push(await connectFresh(room));
    expect(await presenceCounts(watcher.socket)).toEqual([]);

    clock.advance(INTERVAL);
    await runDurableObjectAlarm(room);
    expect(await presenceCounts(watcher.socket)).toEqual([5]);
    clock.advance(INTERVAL);
    await runDurableObjectAlarm(room);
    expect(await presenceCounts(watcher.socket)).toEqual([]);
  });

  it("someone leaving lowers the count", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const stay = await connectFresh(room);
    const leave = await connectFresh(room);
    clock.advance(INTERVAL);
    await runDurableObjectAlarm(room);
    await presenceCounts(stay.socket);

    leave.socket.close();
    await leave.socket.waitForClose();
    clock.advance(INTERVAL);
    await runDurableObjectAlarm(room);
    expect(await presenceCounts(stay.socket)).toEqual([1]);
  });
});
