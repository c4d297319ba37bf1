import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { FRAME_BURST_SECONDS } from "../../../src/delivery/limits/socketLimits";
import { CONFIG, connect, connectFresh, controlClock, freshRoom, numbered, save, type TestSocket } from "../../room/roomHarness";

/** The last frame before the close is `bye` with the close's own code. */
async function expectByeThenClose(socket: TestSocket, code: number): Promise<void> {
  const closed = await socket.waitForClose();
  expect(closed.code).toBe(code);
  const last = socket.unread().at(-1);
  expect(last).toEqual({ type: "bye", code, reason: closed.reason });
}

describe("bye before every close the server starts", () => {
  it("4008, when frames went unacknowledged", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const { socket } = await connectFresh(room);
    await save(room, numbered(1));
    for (let attempt = 1; attempt <= CONFIG.maxSendAttempts; attempt++) {
      clock.advance(CONFIG.resendIntervalMs);
      await runDurableObjectAlarm(room);
    }
    await expectByeThenClose(socket, 4008);
  });

  it("4009, when the client resumed on a newer connection", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    await connect(room, { token: first.welcome.resumeToken, last: first.snapshot.seq });
    await expectByeThenClose(first.socket, 4009);
  });

  it("1008, when a connection keeps flooding", async () => {
    const { socket } = await connectFresh(await freshRoom());
    for (let n = 0; n < CONFIG.framesPerSecond * FRAME_BURST_SECONDS * 2 + 10; n++) socket.send({ type: "ack", seq: 1 });
    await expectByeThenClose(socket, 1008);
  });

  it("1009, when a frame is over the limit", async () => {
    const { socket } = await connectFresh(await freshRoom());
    socket.send(JSON.stringify({ type: "ack", seq: 1, pad: "x".repeat(16 * 1024) }));
    await expectByeThenClose(socket, 1009);
  });
});
