/**
 * The head count counts browsers (docs/PROTOCOL.md, "presence"): sockets that
 * name the same `browser` count once, sockets naming none count one each,
 * and the id lives in the socket's attachment, so a woken object still knows.
 */
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/protocol/limits";
import { CONFIG, connect, controlClock, freshRoom, type TestSocket } from "../../room/roomHarness";

const INTERVAL = CONFIG.presenceIntervalMs;

/** The head counts heard since the last call, once everything sent before now is in. */
async function presenceCounts(socket: TestSocket): Promise<number[]> {
  await socket.settle();
  return socket.presence.splice(0);
}

describe("presence by browser", () => {
  it("two tabs of one browser count once; sockets naming no browser count one each", async () => {
    controlClock();
    const room = await freshRoom();
    const tab1 = await connect(room, undefined, "browser-one-1234");
    expect(await presenceCounts(tab1.socket)).toEqual([1]);
    const tab2 = await connect(room, undefined, "browser-one-1234");
    expect(await presenceCounts(tab2.socket)).toEqual([1]);
    const other = await connect(room, undefined, "browser-two-1234");
    expect(await presenceCounts(other.socket)).toEqual([2]);
    const bare1 = await connect(room);
    expect(await presenceCounts(bare1.socket)).toEqual([3]);
    const bare2 = await connect(room);
    expect(await presenceCounts(bare2.socket)).toEqual([4]);
    expect(await room.connectionCount()).toBe(5);
  });

  it("a browser stays counted until its last tab closes", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const watcher = await connect(room, undefined, "watcher-browser");
    const tab1 = await connect(room, undefined, "browser-one-1234");
    const tab2 = await connect(room, undefined, "browser-one-1234");
    clock.advance(INTERVAL);
    await runDurableObjectAlarm(room);
    expect((await presenceCounts(watcher.socket)).at(-1)).toBe(2);

    tab1.socket.close();
    await tab1.socket.waitForClose();
    clock.advance(INTERVAL);
    await runDurableObjectAlarm(room);
    expect(await presenceCounts(watcher.socket)).toEqual([]);

    tab2.socket.close();
    await tab2.socket.waitForClose();
    clock.advance(INTERVAL);
    await runDurableObjectAlarm(room);
    expect(await presenceCounts(watcher.socket)).toEqual([1]);
  });

  it("a woken object still counts the browsers that slept through", async () => {
    controlClock();
    const room = await freshRoom();
    await connect(room, undefined, "browser-one-1234");
    await connect(room, undefined, "browser-one-1234");
    await connect(room);
    await evictDurableObject(room, { webSockets: "hibernate" });
    const newcomer = await connect(room, undefined, "browser-one-1234");
    expect(await presenceCounts(newcomer.socket)).toEqual([2]);
  });

  it("a tab resuming on a new socket replaces its old one and still counts once", async () => {
    controlClock();
    const room = await freshRoom();
    const first = await connect(room, undefined, "browser-one-1234");
    const snapshot = await first.socket.nextOf("snapshot");
    const again = await connect(room, { token: first.welcome.resumeToken, last: snapshot.seq, attempt: 2 }, "browser-one-1234");
    expect(await first.socket.nextOf("bye")).toMatchObject({ code: CloseCode.Superseded });
    const bare = await connect(room);
    expect(await presenceCounts(bare.socket)).toEqual([2]);
    expect(await presenceCounts(again.socket)).toEqual([1]);
  });
});
