import { describe, expect, it } from "vitest";
import { connectFresh, eventually, numbered, overrideVar, save } from "../room/roomHarness";
import { request } from "../worker/request";
import { freshRelayedList } from "./relayHarness";

describe("usage with relays", () => {
  it("a list's usage answer reports its own frames, its calls to relays, and each relay's connections and frames", async () => {
    overrideVar("EXPOSE_USAGE", "true");
    const { list, listId } = await freshRelayedList(1, 1);
    const viewers = [await connectFresh(list), await connectFresh(list), await connectFresh(list)];
    await save(list, numbered(1));
    for (const { socket } of viewers) await socket.nextOf("item");
    type Answer = { usage: { framesOut: number }; relayCalls: number; relays: Array<{ relay: number; connections: number; framesOut: number }> };
    let answer: Answer | null = null;
    await eventually(async () => {
      const response = await request(`/api/lists/${listId}/usage`);
      answer = await response.json<Answer>();
      return answer.relays.length === 2 && answer.relays.every((relay) => relay.connections === 1 && relay.framesOut >= 3);
    }, "both relays to report");
    expect(answer!.relays.map((relay) => relay.relay)).toEqual([0, 1]);
    expect(answer!.relayCalls).toBeGreaterThanOrEqual(2);
    // Welcome, snapshot, presence and the item on its one socket.
    expect(answer!.usage.framesOut).toBeGreaterThanOrEqual(4);
  });
});
