/**
 * The head count and the per-address counts are kept as sockets come and go
 * (src/room/audience.ts), not read from the platform on every arrival; these
 * check that they still say what the platform would, across a wake too.
 */
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/protocol/limits";
import { CLIENT_GROUP_HEADER } from "../../../src/shared/clientGroup";
import { CONFIG, connect, connectFresh, freshRoom, TestSocket, type RoomStub } from "../../room/roomHarness";

const CONNECTIONS = CONFIG.connectionsPerAddress;
const FROM_ONE_ADDRESS = { Upgrade: "websocket", [CLIENT_GROUP_HEADER]: "203.0.113.77" };

async function connectFrom(room: RoomStub): Promise<{ status: number; socket: TestSocket | null }> {
  const response = await room.fetch("http://room/ws", { headers: FROM_ONE_ADDRESS });
  return { status: response.status, socket: response.webSocket ? new TestSocket(response.webSocket) : null };
}

describe("the audience's counts", () => {
  it("a woken object counts the sockets that slept through: the head count, and the per-address cap", async () => {
    const room = await freshRoom();
    const open: TestSocket[] = [];
    for (let n = 0; n < CONNECTIONS; n++) open.push((await connectFrom(room)).socket!);
    await evictDurableObject(room, { webSockets: "hibernate" });

    expect(await room.connectionCount()).toBe(CONNECTIONS);
    expect((await connectFrom(room)).status).toBe(429);
    open[0]!.close();
    await open[0]!.waitForClose();
    expect(await room.connectionCount()).toBe(CONNECTIONS - 1);
    expect((await connectFrom(room)).status).toBe(101);
    expect(await room.connectionCount()).toBe(CONNECTIONS);
  });

  it("a socket the server closes leaves the head count at once", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    expect(await room.connectionCount()).toBe(1);
    const again = await connect(room, { token: first.welcome.resumeToken, last: first.snapshot.seq });
    expect(await first.socket.nextOf("bye")).toMatchObject({ code: CloseCode.Superseded });
    expect(await room.connectionCount()).toBe(1);
    again.socket.close();
    await again.socket.waitForClose();
    expect(await room.connectionCount()).toBe(0);
  });
});
