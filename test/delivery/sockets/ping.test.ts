import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { connectFresh, freshRoom } from "../../room/roomHarness";

describe("ping", () => {
  it('the exact text {"type":"ping"} is answered {"type":"pong"} by the platform, without waking the room', async () => {
    const room = await freshRoom();
    const { socket, snapshot } = await connectFresh(room);
    socket.ack(snapshot.seq);
    await socket.settle();
    await evictDurableObject(room, { webSockets: "hibernate" });

    socket.send('{"type":"ping"}');
    const { text } = await socket.nextReceived();
    expect(text).toBe('{"type":"pong"}');
    // Had the ping woken the room, the instance answering this would have counted it.
    expect((await room.usage()).framesIn).toBe(0);
  });

  it("any other spelling of a ping reaches the room and is answered too", async () => {
    const room = await freshRoom();
    const { socket } = await connectFresh(room);
    const before = (await room.usage()).framesIn;
    socket.send('{ "type": "ping" }');
    expect((await socket.nextReceived()).text).toBe('{"type":"pong"}');
    expect((await room.usage()).framesIn).toBe(before + 1);
  });
});
