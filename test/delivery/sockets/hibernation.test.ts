import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/protocol/limits";
import type { ListRoom } from "../../../src/room/ListRoom";
import { CONFIG, connect, connectFresh, controlClock, freshRoom, numbered, save } from "../../room/roomHarness";

const INTERVAL = CONFIG.resendIntervalMs;
const ATTEMPTS = CONFIG.maxSendAttempts;

describe("hibernation and restart", () => {
  it("a hibernated socket keeps its seq, acks and fan-out", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const { socket, snapshot } = await connectFresh(room);
    socket.ack(snapshot.seq);
    await socket.settle();
    await evictDurableObject(room, { webSockets: "hibernate" });

    const item = await save(room, numbered(1));
    const frame = await socket.nextOf("item");
    expect(frame).toMatchObject({ seq: snapshot.seq + 1, item });
    await evictDurableObject(room, { webSockets: "hibernate" });

    // The round after hibernating resends only what is unacknowledged: the
    // ack given before the first eviction still holds.
    clock.advance(INTERVAL);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(await socket.next()).toEqual(frame);
    await socket.settle();
    expect(socket.unread()).toEqual([]);

    socket.ack(frame.seq);
    await socket.settle();
    await evictDurableObject(room, { webSockets: "hibernate" });
    clock.advance(INTERVAL);
    await runDurableObjectAlarm(room);
    await socket.settle();
    expect(socket.unread()).toEqual([]);
    expect(socket.closed).toBeNull();
  });

  it("resends keep their count across hibernation and still end in 4008", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const { socket, snapshot } = await connectFresh(room);
    for (let attempt = 2; attempt <= ATTEMPTS; attempt++) {
      await evictDurableObject(room, { webSockets: "hibernate" });
      clock.advance(INTERVAL);
      expect(await runDurableObjectAlarm(room)).toBe(true);
      expect(await socket.next()).toEqual(snapshot);
    }
    await evictDurableObject(room, { webSockets: "hibernate" });
    clock.advance(INTERVAL);
    await runDurableObjectAlarm(room);
    expect((await socket.waitForClose()).code).toBe(CloseCode.AckTimeout);
  });

  it("a client whose socket vanished with the old instance can resume on the new one", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    first.socket.ack(first.snapshot.seq);
    await first.socket.settle();
    // Closing sockets on eviction stands in for a restart: the object never hears a close.
    await evictDurableObject(room, { webSockets: "close" });
    const missed = await save(room, numbered(1));

    const { socket, welcome } = await connect(room, { token: first.welcome.resumeToken, last: first.snapshot.seq });
    expect(welcome).toMatchObject({ resumed: true, seq: first.snapshot.seq + 1 });
    expect(await socket.nextOf("item")).toMatchObject({ seq: first.snapshot.seq + 1, item: missed });
  });

  it("items and client sessions are in SQL, not in the instance", async () => {
    const room = await freshRoom();
    const { welcome } = await connectFresh(room);
    await save(room, numbered(1));
    await evictDurableObject(room, { webSockets: "hibernate" });
    const counts = await runInDurableObject(room, (_instance: ListRoom, state) => ({
      items: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM items").one().n,
      clients: state.storage.sql
        .exec<{ n: number }>("SELECT COUNT(*) AS n FROM clients WHERE client_id = ?", welcome.clientId)
        .one().n,
    }));
    expect(counts).toEqual({ items: 1, clients: 1 });
  });
});
