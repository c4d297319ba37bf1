import { describe, expect, it } from "vitest";
import { PLACEMENT_ARRIVAL_TIMEOUT_MS } from "../../src/room/relays/relayFeed";
import { connectFresh, controlClock, eventually, numbered, save, type RoomStub } from "../room/roomHarness";
import { askPlacement, freshRelayedList } from "./relayHarness";

describe("placement counts arrivals in flight", () => {
  it("an arrival placed on a relay holds its place there until the relay's counts show it or it times out, also when other counts come back meanwhile", async () => {
    const clock = controlClock();
    const { list, relay } = await freshRelayedList(0, 3);
    // Two arrivals placed, each answered with a 307 naming the relay the Worker then upgrades at.
    expect([await askPlacement(list), await askPlacement(list)]).toEqual([0, 0]);
    // One of them arrives (the Worker upgrades at the relay itself); the other is still on its way.
    const arrived = await connectFresh(relay(0) as unknown as RoomStub);
    arrived.socket.ack(arrived.snapshot.seq);
    // A save's delivery brings the relay's counts back: one socket.
    await save(list, numbered(1));
    await arrived.socket.nextOf("item");
    await eventually(async () => (await list.relaysUsage()).relays.some((r) => r.relay === 0 && r.connections === 1), "relay 0's count to reach the list");

    // One there and one on its way: room for one more, then the next relay.
    expect([await askPlacement(list), await askPlacement(list)]).toEqual([0, 1]);

    // Placements that never arrive stop holding places once they time out.
    clock.advance(PLACEMENT_ARRIVAL_TIMEOUT_MS);
    expect(await askPlacement(list)).toBe(0);
  });
});
