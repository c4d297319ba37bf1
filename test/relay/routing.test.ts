import { describe, expect, it } from "vitest";
import { connectFresh, eventually } from "../room/roomHarness";
import { freshRelayedList, holderOf } from "./relayHarness";

describe("routing arrivals to relays", () => {
  it("serves the first RELAY_AFTER arrivals itself, then fills each relay up to RELAY_CAPACITY before the next", async () => {
    const { list, relay } = await freshRelayedList(2, 3);
    const holders: Array<number | null> = [];
    for (let i = 0; i < 9; i++) holders.push(holderOf((await connectFresh(list)).welcome.resumeToken));
    expect(holders).toEqual([null, null, 0, 0, 0, 1, 1, 1, 2]);
    expect(await list.connectionCount()).toBe(2);
    await eventually(async () => (await relay(0).connectionCount()) === 3, "relay 0 to hold three sockets");
    expect(await relay(1).connectionCount()).toBe(3);
    expect(await relay(2).connectionCount()).toBe(1);
  });

  it("sends everyone to relays when RELAY_AFTER is 0", async () => {
    const { list } = await freshRelayedList(0, 1_000);
    const { welcome } = await connectFresh(list);
    expect(holderOf(welcome.resumeToken)).toBe(0);
    expect(await list.connectionCount()).toBe(0);
  });
});
