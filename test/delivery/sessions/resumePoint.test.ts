import { describe, expect, it } from "vitest";
import { REPLAY_MAX_FRAMES } from "../../../src/protocol/limits";
import { connect, connectFresh, freshRoom, numbered, save } from "../../room/roomHarness";

describe("where a resume starts", () => {
  it("from what the server knows was acknowledged, when the client claims less", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    for (let n = 1; n <= 3; n++) await save(room, numbered(n));
    const frames = await first.socket.items(3);
    first.socket.ack(frames[2]!.seq);
    await first.socket.settle();
    first.socket.close();
    await first.socket.waitForClose();
    const missed = await save(room, numbered(4));

    const { socket, welcome } = await connect(room, { token: first.welcome.resumeToken, last: 0 });
    expect(welcome).toMatchObject({ resumed: true, seq: frames[2]!.seq + 1 });
    expect(await socket.next()).toMatchObject({ type: "item", seq: frames[2]!.seq + 1, item: missed });
  });

  it("from the live connection's acks, when it takes over a socket still open", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    await save(room, numbered(1));
    const [frame] = await first.socket.items(1);
    first.socket.ack(frame!.seq);
    await first.socket.settle();

    const { welcome } = await connect(room, { token: first.welcome.resumeToken, last: first.snapshot.seq });
    expect(welcome).toMatchObject({ resumed: true, seq: frame!.seq + 1 });
  });

  it(`a resume more than ${REPLAY_MAX_FRAMES} frames behind gets a fresh snapshot instead of a replay`, async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    first.socket.close();
    await first.socket.waitForClose();
    for (let n = 1; n <= REPLAY_MAX_FRAMES + 1; n++) await save(room, numbered(n));

    const { socket, welcome } = await connect(room, { token: first.welcome.resumeToken, last: first.snapshot.seq });
    expect(welcome.resumed).toBe(false);
    const snapshot = await socket.nextOf("snapshot");
    expect(snapshot.items[0]).toMatchObject(numbered(REPLAY_MAX_FRAMES + 1));
  });
});
