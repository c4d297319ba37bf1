/**
 * The WebSocket numbers of docs/PROTOCOL.md, written out, through the
 * Worker's /ws: protocol 4, the 30 000 ms resend interval and the send window
 * of 32 frames and 131 072 bytes in the welcome, frames of at most 64 KiB,
 * the 16 KiB frame (16384 bytes of UTF-8), 20 frames a second with bursts
 * of three seconds' worth, and the close codes 1008 and 1009.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIST_ID } from "../../src/protocol/lists";
import { controlClock, eventually, TestSocket } from "../room/roomHarness";
import { postJson } from "../worker/request";

async function open(): Promise<{ socket: TestSocket; welcome: Record<string, unknown> }> {
  const response = await exports.default.fetch(new Request("https://listroom.test/ws", { headers: { Upgrade: "websocket" } }));
  const socket = new TestSocket(response.webSocket!);
  const welcome = JSON.parse((await socket.nextReceived()).text) as Record<string, unknown>;
  expect((await socket.nextReceived()).frame.type).toBe("snapshot");
  return { socket, welcome };
}

/** A ping (spelled so that the room itself answers it) of exactly `bytes` bytes of UTF-8. */
function pingOfBytes(bytes: number, filler: "x" | "é"): string {
  const core = '{"type":"ping","pad":""}';
  const room = bytes - core.length;
  const pad = filler === "x" ? "x".repeat(room) : "é".repeat(Math.floor(room / 2)) + "x".repeat(room % 2);
  const text = `{"type":"ping","pad":"${pad}"}`;
  expect(new TextEncoder().encode(text).byteLength).toBe(bytes);
  return text;
}

describe("the welcome", () => {
  it("says protocol 5, the default resend interval of 30000 ms, a window of 32 frames and 131072 bytes, and the list's title", async () => {
    const { socket, welcome } = await open();
    expect(welcome).toMatchObject({
      type: "welcome",
      protocol: 5,
      title: expect.any(String),
      resendIntervalMs: 30000,
      window: { frames: 32, bytes: 131072 },
      resumed: false,
      seq: 1,
    });
    socket.close();
  });
});

describe("frame size: 16 KiB", () => {
  it.each(["x", "é"] as const)("a text frame of 16384 bytes (filled with %s) is read; one of 16385 closes with 1009", async (filler) => {
    const { socket } = await open();
    socket.send(pingOfBytes(16384, filler));
    expect((await socket.nextReceived()).text).toBe('{"type":"pong"}');
    socket.send(pingOfBytes(16385, filler));
    expect((await socket.waitForClose()).code).toBe(1009);
  });

  it("a binary frame of 16384 bytes gets the binary_frame error; one of 16385 closes with 1009", async () => {
    const { socket } = await open();
    socket.send(new Uint8Array(16384).buffer);
    expect(await socket.next()).toMatchObject({ type: "error", code: "binary_frame" });
    socket.send(new Uint8Array(16385).buffer);
    expect((await socket.waitForClose()).code).toBe(1009);
  });
});

describe("frame rate: 20 a second, bursts of three seconds' worth", () => {
  it("serves 60 frames at once, refuses the 61st with one rate_limited notice, and closes with 1008 at the 120th", async () => {
    controlClock(); // frozen, so no tokens come back during the test
    const { socket } = await open();
    const room = env.LIST_ROOM.getByName(DEFAULT_LIST_ID);
    const framesIn = async () => (await room.usage()).framesIn;
    const start = await framesIn();

    for (let n = 0; n < 60; n++) socket.send({ type: "ping", n });
    for (let n = 0; n < 60; n++) expect((await socket.next()).type).toBe("pong");
    socket.send({ type: "ping", n: 61 });
    expect(await socket.next()).toMatchObject({ type: "error", code: "rate_limited" });
    for (let n = 62; n < 120; n++) socket.send({ type: "ping", n });
    await eventually(async () => (await framesIn()) === start + 119, "the room to read 119 frames");
    // Still open after 119: a save reaches it, and nothing else came.
    await postJson({ title: "still there", body: "b" });
    expect(await socket.next()).toMatchObject({ type: "item", item: { title: "still there" } });
    expect(socket.unread()).toEqual([]);

    socket.send({ type: "ping", n: 120 });
    const closed = await socket.waitForClose();
    expect(closed.code).toBe(1008);
    expect(socket.unread()).toEqual([{ type: "bye", code: 1008, reason: closed.reason }]);
  });
});
