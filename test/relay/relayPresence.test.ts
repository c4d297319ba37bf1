import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CONFIG, connect, connectFresh, controlClock, eventually, type TestSocket } from "../room/roomHarness";
import { freshRelayedList, type RelayStub } from "./relayHarness";

async function lastCount(socket: TestSocket): Promise<number | undefined> {
  await socket.settle();
  return socket.presence.at(-1);
}

describe("presence with relays", () => {
  it("a newcomer at a relay hears the whole audience at once", async () => {
    const { list } = await freshRelayedList(2, 10);
    await connectFresh(list);
    await connectFresh(list);
    const relayed = await connectFresh(list);
    await relayed.socket.settle();
    expect(relayed.socket.presence[0]).toBe(3);
    const next = await connectFresh(list);
    await next.socket.settle();
    expect(next.socket.presence[0]).toBe(4);
  });

  it("every viewer, direct or relayed, hears the whole audience", async () => {
    const clock = controlClock();
    const { list, relay } = await freshRelayedList(1, 2);
    const viewers = [await connectFresh(list), await connectFresh(list), await connectFresh(list), await connectFresh(list)];
    const relays: RelayStub[] = [relay(0), relay(1)];
    await eventually(async () => {
      clock.advance(CONFIG.presenceIntervalMs);
      await runDurableObjectAlarm(list);
      for (const stub of relays) await runDurableObjectAlarm(stub);
      const counts = await Promise.all(viewers.map(({ socket }) => lastCount(socket)));
      return counts.every((count) => count === 4);
    }, "everyone to hear 4");

    viewers[3]!.socket.close();
    await viewers[3]!.socket.waitForClose();
    const stayed = viewers.slice(0, 3);
    await eventually(async () => {
      clock.advance(CONFIG.presenceIntervalMs);
      for (const stub of relays) await runDurableObjectAlarm(stub);
      await runDurableObjectAlarm(list);
      const counts = await Promise.all(stayed.map(({ socket }) => lastCount(socket)));
      return counts.every((count) => count === 3);
    }, "everyone to hear 3");
  });

  it("a browser's tabs on one relay count once in the list's own viewers' count", async () => {
    const clock = controlClock();
    const { list, relay } = await freshRelayedList(1, 10);
    const direct = await connectFresh(list);
    const tabs = [await connect(list, undefined, "browser-one-tabs"), await connect(list, undefined, "browser-one-tabs")];
    await eventually(async () => {
      clock.advance(CONFIG.presenceIntervalMs);
      await runDurableObjectAlarm(relay(0));
      await runDurableObjectAlarm(list);
      const counts = await Promise.all([direct, ...tabs].map(({ socket }) => lastCount(socket)));
      return counts.every((count) => count === 2);
    }, "everyone to hear 2 (the direct viewer and one browser with two tabs)");
    expect(await relay(0).connectionCount()).toBe(2);
  });
});
