import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../src/protocol/errors";
import { CLIENT_FRAME_MAX_BYTES, CloseCode } from "../../../src/protocol/limits";
import { runDurableObjectAlarm } from "cloudflare:test";
import { CONFIG, connect, connectFresh, controlClock, freshRoom, numbered, save, type TestSocket } from "../../room/roomHarness";

async function expectError(socket: TestSocket, frame: unknown, code: ErrorCode): Promise<void> {
  socket.send(frame);
  const reply = await socket.nextOf("error");
  expect(reply.code).toBe(code);
  expect(reply.message.length).toBeGreaterThan(0);
}

describe("bad frames", () => {
  it.each([
    ["text that is not JSON", "hello", ErrorCode.InvalidFrame],
    ["a JSON array", "[1,2]", ErrorCode.InvalidFrame],
    ["a frame without a type", { seq: 1 }, ErrorCode.InvalidFrame],
    ["an unknown type", { type: "delete_everything" }, ErrorCode.UnknownFrameType],
    ["an ack with a string seq", { type: "ack", seq: "1" }, ErrorCode.InvalidFrame],
    ["an ack with a negative seq", { type: "ack", seq: -1 }, ErrorCode.InvalidFrame],
    ["an ack with a fractional seq", { type: "ack", seq: 1.5 }, ErrorCode.InvalidFrame],
    ["an ack with a huge seq", '{"type":"ack","seq":1e400}', ErrorCode.InvalidFrame],
    ["an ack for a seq never sent", { type: "ack", seq: 2 }, ErrorCode.AckOutOfRange],
    ["deeply nested JSON", "[".repeat(5000) + "]".repeat(5000), ErrorCode.InvalidFrame],
  ])("%s gets an error frame and the connection stays usable", async (_name, frame, code) => {
    const room = await freshRoom();
    const { socket, snapshot } = await connectFresh(room);
    await expectError(socket, frame, code);
    const item = await save(room, numbered(1));
    expect(await socket.nextOf("item")).toMatchObject({ seq: snapshot.seq + 1, item });
  });

  it("a binary frame gets an error frame", async () => {
    const { socket } = await connectFresh(await freshRoom());
    await expectError(socket, new Uint8Array([0xff, 0xfe, 0x00]).buffer, ErrorCode.BinaryFrame);
  });

  it(`a frame over ${CLIENT_FRAME_MAX_BYTES} bytes closes the connection with 1009`, async () => {
    const room = await freshRoom();
    const { socket } = await connectFresh(room);
    // Under the limit in UTF-16 units, over it in UTF-8 bytes.
    socket.send(JSON.stringify({ type: "ping", pad: "é".repeat(CLIENT_FRAME_MAX_BYTES / 2) }));
    expect((await socket.waitForClose()).code).toBe(CloseCode.MessageTooBig);
  });

  it(`a binary frame over ${CLIENT_FRAME_MAX_BYTES} bytes closes the connection with 1009`, async () => {
    const { socket } = await connectFresh(await freshRoom());
    socket.send(new Uint8Array(CLIENT_FRAME_MAX_BYTES + 1).buffer);
    const closed = await socket.waitForClose();
    expect(closed.code).toBe(CloseCode.MessageTooBig);
    expect(socket.unread()).toEqual([{ type: "bye", code: CloseCode.MessageTooBig, reason: closed.reason }]);
  });

  it("a frame just under the limit is read normally", async () => {
    const { socket } = await connectFresh(await freshRoom());
    const padding = "x".repeat(CLIENT_FRAME_MAX_BYTES - 40);
    socket.send(JSON.stringify({ type: "ping", padding }));
    expect(await socket.next()).toEqual({ type: "pong" });
  });

  it("one client's bad frames and acks change nothing for another client or the list", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const victim = await connectFresh(room);
    const attacker = await connectFresh(room);
    await save(room, numbered(1));
    const [victimFrame] = await victim.socket.items(1);
    await attacker.socket.items(1);
    // The attacker acks the seq numbers the victim holds, then sends garbage.
    for (let n = 0; n < 20; n++) attacker.socket.send({ type: "ack", seq: victim.snapshot.seq + 1 });
    await expectError(attacker.socket, { type: "ack", seq: 1000 }, ErrorCode.AckOutOfRange);
    await expectError(attacker.socket, { type: "item", item: { title: "x" } }, ErrorCode.UnknownFrameType);
    await attacker.socket.settle();

    // Only now look at the victim: it acknowledged nothing, so its next
    // round resends both its frames, and a resume still replays them.
    clock.advance(CONFIG.resendIntervalMs);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect([await victim.socket.next(), await victim.socket.next()]).toEqual([victim.snapshot, victimFrame]);
    // The attacker's own acks did count for the attacker.
    await attacker.socket.settle();
    expect(attacker.socket.unread()).toEqual([]);

    victim.socket.close();
    await victim.socket.waitForClose();
    const resumed = await connect(room, { token: victim.welcome.resumeToken, last: 0 });
    expect(resumed.welcome.resumed).toBe(true);
    expect([await resumed.socket.next(), await resumed.socket.next()]).toEqual([victim.snapshot, victimFrame]);

    const listed = await room.listItems({ before: null, limit: 200 });
    expect(listed.ok && listed.value.items.map((item) => item.title)).toEqual(["item 1"]);
  });
});
