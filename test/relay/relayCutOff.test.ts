import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it, onTestFinished } from "vitest";
import { ListRelay } from "../../src/relay/ListRelay";
import { RELAY_CHECK_IN_MS, RELAY_CUT_OFF_MS } from "../../src/relay/listLink";
import { ListRoom } from "../../src/room/ListRoom";
import { CloseCode } from "../../src/protocol/limits";
import { connectFresh, controlClock, eventually, numbered, save } from "../room/roomHarness";
import { freshRelayedList, holderOf } from "./relayHarness";

/** Cuts every call between the list's object and its relays, both ways, until the test ends or `restore` is called; counts the refused calls. */
function cutOff(): { refused: () => number; restore(): void } {
  const originals = {
    entriesAfter: ListRoom.prototype.entriesAfter,
    relayReport: ListRoom.prototype.relayReport,
    apply: ListRelay.prototype.apply,
  };
  let refused = 0;
  const refuse = () => {
    refused++;
    throw new Error("the list is unreachable");
  };
  ListRoom.prototype.entriesAfter = refuse;
  ListRoom.prototype.relayReport = refuse;
  ListRelay.prototype.apply = () => (refused++, Promise.reject(new Error("the relay is unreachable")));
  const restore = () => {
    ListRoom.prototype.entriesAfter = originals.entriesAfter;
    ListRoom.prototype.relayReport = originals.relayReport;
    ListRelay.prototype.apply = originals.apply;
  };
  onTestFinished(restore);
  return { refused: () => refused, restore };
}

describe("a relay cut off from the list's object", () => {
  it("says bye (4008) to its viewers past the cut-off, and a viewer coming back gets a fresh snapshot with what it missed", async () => {
    const clock = controlClock();
    const { list, relay } = await freshRelayedList(0, 10);
    const viewer = await connectFresh(list);
    expect(holderOf(viewer.welcome.resumeToken)).toBe(0);
    viewer.socket.ack(viewer.snapshot.seq);
    await viewer.socket.settle();

    const cut = cutOff();
    const missed = await save(list, numbered(1));
    // Quiet for a check-in's worth: the relay asks the list, which does not answer.
    clock.advance(RELAY_CHECK_IN_MS);
    expect(await runDurableObjectAlarm(relay(0))).toBe(true);
    await eventually(async () => cut.refused() >= 2, "the relay's check-in to be refused");
    expect(viewer.socket.closed).toBeNull();

    clock.advance(RELAY_CUT_OFF_MS);
    expect(await runDurableObjectAlarm(relay(0))).toBe(true);
    expect(await viewer.socket.nextOf("bye")).toMatchObject({ code: CloseCode.AckTimeout });
    expect((await viewer.socket.waitForClose()).code).toBe(CloseCode.AckTimeout);

    cut.restore();
    const back = await connectFresh(list);
    expect(holderOf(back.welcome.resumeToken)).toBe(0);
    expect(back.welcome.resumed).toBe(false);
    expect(back.snapshot.items).toEqual([missed]);
  });

  it("keeps its viewers while the list answers its check-in", async () => {
    const clock = controlClock();
    const { list, relay } = await freshRelayedList(0, 10);
    const viewer = await connectFresh(list);
    viewer.socket.ack(viewer.snapshot.seq);
    await viewer.socket.settle();
    for (let round = 0; round < 3; round++) {
      clock.advance(RELAY_CHECK_IN_MS + RELAY_CUT_OFF_MS);
      expect(await runDurableObjectAlarm(relay(0))).toBe(true);
      await viewer.socket.settle();
    }
    expect(viewer.socket.closed).toBeNull();
    const item = await save(list, numbered(1));
    expect((await viewer.socket.nextOf("item")).item).toEqual(item);
  });
});
