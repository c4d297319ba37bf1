import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../src/protocol/errors";
import { CloseCode } from "../../../src/protocol/limits";
import { FRAME_BURST_SECONDS } from "../../../src/delivery/limits/socketLimits";
import { CLIENT_GROUP_HEADER } from "../../../src/shared/clientGroup";
import { CONFIG, connectFresh, controlClock, eventually, freshRoom, numbered, save, TestSocket } from "../../room/roomHarness";

const FRAME_BURST = CONFIG.framesPerSecond * FRAME_BURST_SECONDS;
// The test pool sets CONNECTIONS_PER_ADDRESS low, so this needs few sockets.
const CONNECTIONS = CONFIG.connectionsPerAddress;

describe("socket limits", () => {
  it("a flood of frames gets one rate_limited notice, then the connection is closed with 1008", async () => {
    controlClock(); // Frozen: no tokens come back during the flood, and no second notice is due.
    const room = await freshRoom();
    const { socket } = await connectFresh(room);
    const bystander = await connectFresh(room);
    const framesIn = async () => (await room.usage()).framesIn;
    const before = await framesIn();

    // A burst's worth is served, then another burst's worth (less one) is
    // refused without closing: only the first refusal says so.
    for (let n = 0; n < FRAME_BURST * 2 - 1; n++) socket.send({ type: "ack", seq: 1 });
    const notice = await socket.nextOf("error");
    expect(notice.code).toBe(ErrorCode.RateLimited);
    await eventually(async () => (await framesIn()) === before + FRAME_BURST * 2 - 1, "the room to read the flood");
    // Still open: a save reaches it (a closing socket is skipped).
    const item = await save(room, numbered(1));
    expect(await socket.nextOf("item")).toMatchObject({ item });

    socket.send({ type: "ack", seq: 1 });
    const closed = await socket.waitForClose();
    expect(closed.code).toBe(CloseCode.PolicyViolation);
    expect(socket.unread()).toEqual([{ type: "bye", code: CloseCode.PolicyViolation, reason: closed.reason }]);

    expect((await bystander.socket.nextOf("item")).seq).toBe(bystander.snapshot.seq + 1);
  });

  it("a burst within the limit is served in full", async () => {
    const { socket } = await connectFresh(await freshRoom());
    for (let n = 0; n < FRAME_BURST - 5; n++) socket.send({ type: "ack", seq: 1 });
    await socket.settle();
    expect(socket.unread()).toEqual([]);
    expect(socket.closed).toBeNull();
  });

  it("connections past the per-address cap are refused with 429 while others still connect", async () => {
    const room = await freshRoom();
    const headers = { Upgrade: "websocket", [CLIENT_GROUP_HEADER]: "203.0.113.9" };
    const open: TestSocket[] = [];
    for (let n = 0; n < CONNECTIONS; n++) {
      const response = await room.fetch("http://room/ws", { headers });
      expect(response.status).toBe(101);
      open.push(new TestSocket(response.webSocket!));
    }
    const refused = await room.fetch("http://room/ws", { headers });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: ErrorCode.TooManyConnections } });
    const other = await room.fetch("http://room/ws", { headers: { ...headers, [CLIENT_GROUP_HEADER]: "2001:db8:1:2::/64" } });
    expect(other.status).toBe(101);

    open[0]!.close();
    await open[0]!.waitForClose();
    expect((await room.fetch("http://room/ws", { headers })).status).toBe(101);
  });
});
