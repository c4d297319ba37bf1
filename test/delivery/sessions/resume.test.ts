import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/protocol/limits";
import { CONFIG, connect, connectFresh, controlClock, freshRoom, numbered, save } from "../../room/roomHarness";

const RESUME_WINDOW = CONFIG.resumeWindowMs;

describe("resume", () => {
  it("replays exactly the frames after last, with their original seq and messageId, and no snapshot", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    await save(room, numbered(1));
    const [seen] = await first.socket.items(1);
    first.socket.ack(seen!.seq);
    first.socket.close();
    await first.socket.waitForClose();
    const missed = [await save(room, numbered(2)), await save(room, numbered(3))];

    const { socket, welcome } = await connect(room, { token: first.welcome.resumeToken, last: seen!.seq });
    expect(welcome).toMatchObject({ resumed: true, seq: seen!.seq + 1, clientId: first.welcome.clientId });
    expect(welcome.resumeToken).not.toBe(first.welcome.resumeToken);
    const replayed = await socket.items(2);
    expect(replayed.map((frame) => frame.item)).toEqual(missed);
    expect(replayed.map((frame) => frame.seq)).toEqual([seen!.seq + 1, seen!.seq + 2]);
    expect(replayed.map((frame) => frame.messageId)).toEqual(replayed.map((f) => `${welcome.clientId}:${f.seq}`));

    const live = await save(room, numbered(4));
    expect(await socket.nextOf("item")).toMatchObject({ seq: seen!.seq + 3, item: live });
  });

  it("resuming from 0 replays the snapshot first", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    first.socket.close();
    const { socket, welcome } = await connect(room, { token: first.welcome.resumeToken, last: 0 });
    expect(welcome).toMatchObject({ resumed: true, seq: first.snapshot.seq });
    expect(await socket.next()).toEqual(first.snapshot);
  });

  it("an unknown token gets a fresh welcome and a snapshot", async () => {
    const room = await freshRoom();
    await save(room, numbered(1));
    const forged = "A".repeat(43);
    const { socket, welcome } = await connect(room, { token: forged, last: 5 });
    expect(welcome.resumed).toBe(false);
    expect(welcome.resumeToken).not.toBe(forged);
    expect((await socket.nextOf("snapshot")).items).toHaveLength(1);
  });

  it("a token from another room is unknown here", async () => {
    const elsewhere = await connectFresh(await freshRoom());
    const { welcome } = await connect(await freshRoom(), { token: elsewhere.welcome.resumeToken, last: 1 });
    expect(welcome.resumed).toBe(false);
  });

  it("a token past its resume window gets a fresh session", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const first = await connectFresh(room);
    first.socket.close();
    await first.socket.waitForClose();
    clock.advance(RESUME_WINDOW + 1);
    const { welcome } = await connect(room, { token: first.welcome.resumeToken, last: 1 });
    expect(welcome.resumed).toBe(false);
    expect(welcome.clientId).not.toBe(first.welcome.clientId);
  });

  it("a last seq the client was never sent gets a fresh session", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    first.socket.close();
    const { welcome } = await connect(room, { token: first.welcome.resumeToken, last: 99 });
    expect(welcome.resumed).toBe(false);
  });

  it("resuming while the old socket is still open closes the old one with 4009", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    const second = await connect(room, { token: first.welcome.resumeToken, last: first.snapshot.seq });
    expect(second.welcome.resumed).toBe(true);
    expect((await first.socket.waitForClose()).code).toBe(CloseCode.Superseded);
    const item = await save(room, numbered(1));
    expect(await second.socket.nextOf("item")).toMatchObject({ seq: first.snapshot.seq + 1, item });
  });

  it.each([
    ["resumes just within", RESUME_WINDOW - 1, true],
    ["does not resume just past", RESUME_WINDOW + 1, false],
  ])("after a restart, the window starts when the server comes back: it %s the window", async (_name, wait, resumes) => {
    const clock = controlClock();
    const room = await freshRoom();
    const first = await connectFresh(room);
    first.socket.ack(first.snapshot.seq);
    await first.socket.settle();
    // Closing sockets on eviction stands in for a restart: the object never hears a close.
    await evictDurableObject(room, { webSockets: "close" });
    clock.advance(RESUME_WINDOW * 3); // down for longer than a window
    await room.listItems({ before: null, limit: 1 }); // back
    clock.advance(wait);
    const { welcome } = await connect(room, { token: first.welcome.resumeToken, last: first.snapshot.seq });
    expect(welcome.resumed).toBe(resumes);
    expect(welcome.clientId === first.welcome.clientId).toBe(resumes);
  });
});
