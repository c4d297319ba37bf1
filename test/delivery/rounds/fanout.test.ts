import { describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../../../src/protocol/frames";
import { FIRST_SEQ } from "../../../src/protocol/limits";
import { CONFIG, connect, connectFresh, freshRoom, numbered, save } from "../../room/roomHarness";

describe("fan-out", () => {
  it("a fresh connection gets a welcome and then a snapshot of the newest items", async () => {
    const room = await freshRoom();
    const first = await save(room, numbered(1));
    const second = await save(room, numbered(2));
    const { socket, welcome } = await connect(room);
    expect(welcome).toMatchObject({ type: "welcome", resumed: false, seq: FIRST_SEQ });
    expect(welcome.resumeToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Read as sent: the client's parser fills in a missing hasOlder.
    const { text } = await socket.nextReceived();
    const snapshot: unknown = JSON.parse(text);
    expect(snapshot).toEqual({
      type: "snapshot",
      seq: welcome.seq,
      messageId: `${welcome.clientId}:${welcome.seq}`,
      items: [second, first],
      hasOlder: false,
    });
  });

  it("the welcome names the protocol version, the resend interval and the list's title, as sent", async () => {
    const room = await freshRoom();
    const response = await room.fetch("http://room/ws", { headers: { Upgrade: "websocket" } });
    const ws = response.webSocket!;
    const first = new Promise<string>((resolve) => ws.addEventListener("message", (e) => resolve(String(e.data))));
    ws.accept();
    const welcome: unknown = JSON.parse(await first);
    expect(welcome).toEqual({
      type: "welcome",
      protocol: PROTOCOL_VERSION,
      clientId: expect.any(String),
      resumeToken: expect.any(String),
      resumed: false,
      seq: FIRST_SEQ,
      resendIntervalMs: CONFIG.resendIntervalMs,
      window: CONFIG.sendWindow,
      title: "Test list",
    });
    ws.close(1000);
  });

  it("fans a save out to every socket with contiguous seq numbers", async () => {
    const room = await freshRoom();
    const a = await connectFresh(room);
    const b = await connectFresh(room);
    const saved = [await save(room, numbered(1)), await save(room, numbered(2))];
    for (const { socket, snapshot } of [a, b]) {
      const frames = await socket.items(2);
      expect(frames.map((frame) => frame.seq)).toEqual([snapshot.seq + 1, snapshot.seq + 2]);
      expect(frames.map((frame) => frame.item)).toEqual(saved);
    }
    expect(a.welcome.clientId).not.toBe(b.welcome.clientId);
  });

  it("a burst of saves arrives in save order", async () => {
    const room = await freshRoom();
    const { socket, snapshot } = await connectFresh(room);
    const saved = await Promise.all(Array.from({ length: 25 }, (_, n) => room.addItem(numbered(n), null)));
    const frames = await socket.items(25);
    expect(frames.map((frame) => frame.seq)).toEqual(Array.from({ length: 25 }, (_, n) => snapshot.seq + 1 + n));
    // Items carry their log order in the seq; ids must match that order exactly.
    const byId = new Map(saved.map((result) => [result.ok ? result.value.item.id : "", result]));
    expect(frames.every((frame) => byId.has(frame.item.id))).toBe(true);
    const listed = await room.listItems({ before: null, limit: 200 });
    expect(listed.ok && listed.value.items.map((item) => item.id).reverse()).toEqual(frames.map((frame) => frame.item.id));
  });

  it("a socket that connects later starts from its own seq 1 and does not see older items as frames", async () => {
    const room = await freshRoom();
    const early = await connectFresh(room);
    await save(room, numbered(1));
    const late = await connectFresh(room);
    expect(late.snapshot.items).toHaveLength(1);
    const next = await save(room, numbered(2));
    const [frame] = await late.socket.items(1);
    expect(frame).toMatchObject({ seq: late.snapshot.seq + 1, item: next });
    expect((await early.socket.items(2)).map((f) => f.seq)).toEqual([2, 3]);
  });

  it("the snapshot is bounded and says when older items exist", async () => {
    const room = await freshRoom();
    for (let n = 0; n < 205; n++) await room.addItem(numbered(n), null);
    const { socket } = await connect(room);
    const snapshot = JSON.parse((await socket.nextReceived()).text) as { items: { title: string }[]; hasOlder: unknown };
    expect(snapshot.items.map((item) => item.title)).toEqual(Array.from({ length: 200 }, (_, n) => `item ${204 - n}`));
    expect(snapshot.hasOlder).toBe(true);
  });
});
