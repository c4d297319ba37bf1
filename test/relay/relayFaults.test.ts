import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it, onTestFinished } from "vitest";
import { ListRelay } from "../../src/relay/ListRelay";
import { RELAY_RETRY_FIRST_MS } from "../../src/room/relays/relayCalls";
import type { Item } from "../../src/protocol/item";
import type { SnapshotFrame } from "../../src/protocol/frames";
import { alarmTime, CONFIG, connect, connectFresh, controlClock, eventually, numbered, save, type Opened, type RoomStub } from "../room/roomHarness";
import { freshRelayedList, holderOf, replicaPosition, type RelayStub } from "./relayHarness";

/** Takes `count` item frames in order, acknowledging each, and checks nothing else came. */
async function takeItems(viewer: Opened, fromSeq: number, count: number): Promise<Item[]> {
  const items: Item[] = [];
  for (let seq = fromSeq; seq < fromSeq + count; seq++) {
    const frame = await viewer.socket.nextOf("item");
    expect(frame.seq).toBe(seq);
    items.push(frame.item);
    viewer.socket.ack(frame.seq);
  }
  await viewer.socket.settle();
  expect(viewer.socket.unread()).toEqual([]);
  return items;
}

/** Leaves relay 0 with no viewers and lets its coalesced head count tell the list, which then stops feeding it. */
async function stopFeeding(list: RoomStub, relay: RelayStub, clock: ReturnType<typeof controlClock>): Promise<Opened & { snapshot: SnapshotFrame }> {
  const viewer = await connectFresh(list);
  viewer.socket.ack(viewer.snapshot.seq);
  await viewer.socket.settle();
  viewer.socket.close();
  await viewer.socket.waitForClose();
  await eventually(async () => (await relay.connectionCount()) === 0, "the relay to see the close");
  clock.advance(CONFIG.presenceIntervalMs);
  await runDurableObjectAlarm(relay);
  await eventually(async () => (await list.relaysUsage()).relays.some((r) => r.relay === 0 && r.connections === 0), "the report");
  return viewer;
}

describe("relays under faults", () => {
  it("a relay that restarts: its viewers resume at it and miss nothing", async () => {
    const { list, relay } = await freshRelayedList(0, 10);
    const viewer = await connectFresh(list);
    viewer.socket.ack(viewer.snapshot.seq);
    const before = await save(list, numbered(1));
    expect(await takeItems(viewer, viewer.snapshot.seq + 1, 1)).toEqual([before]);

    await evictDurableObject(relay(0), { webSockets: "close" });
    const missed = [await save(list, numbered(2)), await save(list, numbered(3))];
    const resumed = await connect(list, { token: viewer.welcome.resumeToken, last: viewer.snapshot.seq + 1, attempt: 2 });
    expect(resumed.welcome).toMatchObject({ resumed: true, seq: viewer.snapshot.seq + 2 });
    expect(await takeItems(resumed, viewer.snapshot.seq + 2, 2)).toEqual(missed);
  });

  it("a hibernating relay is woken by the list's call and its sockets get the entry", async () => {
    const { list, relay } = await freshRelayedList(0, 10);
    const viewer = await connectFresh(list);
    viewer.socket.ack(viewer.snapshot.seq);
    await viewer.socket.settle();
    await evictDurableObject(relay(0), { webSockets: "hibernate" });
    const item = await save(list, numbered(1));
    expect(await takeItems(viewer, viewer.snapshot.seq + 1, 1)).toEqual([item]);
  });

  it("the list's object restarting: relays keep their positions and nothing reaches a viewer twice", async () => {
    const { list, relay } = await freshRelayedList(0, 10);
    const viewer = await connectFresh(list);
    viewer.socket.ack(viewer.snapshot.seq);
    const first = [await save(list, numbered(1)), await save(list, numbered(2))];
    expect(await takeItems(viewer, viewer.snapshot.seq + 1, 2)).toEqual(first);

    await evictDurableObject(list, { webSockets: "close" });
    const after = await save(list, numbered(3));
    expect(await takeItems(viewer, viewer.snapshot.seq + 3, 1)).toEqual([after]);
    expect(await replicaPosition(relay(0))).toBe(3);
  });

  it("a relay that sees a gap asks the list for what it lacks and applies it in order", async () => {
    const clock = controlClock();
    const { list, relay } = await freshRelayedList(0, 10);
    await stopFeeding(list, relay(0), clock);
    const saved = [await save(list, numbered(1)), await save(list, numbered(2)), await save(list, numbered(3))];
    expect(await replicaPosition(relay(0))).toBe(0);
    // Only the newest entry arrives, two past the relay's position.
    const newest = { pos: 3, at: Date.parse(saved[2]!.createdAt), kind: "item" as const, itemId: saved[2]!.id, item: saved[2]! };
    expect(await relay(0).apply([newest])).toMatchObject({ position: 3 });
    const viewer = await connectFresh(list);
    expect(holderOf(viewer.welcome.resumeToken)).toBe(0);
    expect(viewer.snapshot.items).toEqual([...saved].reverse());
  });

  it("a relay the list stopped feeding (no viewers left) catches up when a viewer comes back", async () => {
    const clock = controlClock();
    const { list, relay } = await freshRelayedList(0, 10);
    const viewer = await stopFeeding(list, relay(0), clock);
    const callsBefore = (await list.relaysUsage()).relayCalls;
    const missed = [await save(list, numbered(1)), await save(list, numbered(2))];
    expect((await list.relaysUsage()).relayCalls).toBe(callsBefore);

    const resumed = await connect(list, { token: viewer.welcome.resumeToken, last: viewer.snapshot.seq, attempt: 2 });
    expect(holderOf(resumed.welcome.resumeToken)).toBe(0);
    expect(resumed.welcome).toMatchObject({ resumed: true, seq: viewer.snapshot.seq + 1 });
    expect(await takeItems(resumed, viewer.snapshot.seq + 1, 2)).toEqual(missed);
  });
});

describe("a relay that does not answer", () => {
  it("is retried on the list's alarm, and its viewers keep their session and miss nothing", async () => {
    const clock = controlClock();
    const { list } = await freshRelayedList(0, 10);
    const viewer = await connectFresh(list);
    viewer.socket.ack(viewer.snapshot.seq);
    await viewer.socket.settle();

    const apply = ListRelay.prototype.apply;
    let refused = 0;
    ListRelay.prototype.apply = function () {
      refused++;
      return Promise.reject(new Error("the relay is unreachable"));
    };
    onTestFinished(() => void (ListRelay.prototype.apply = apply));
    const item = await save(list, numbered(1));
    await eventually(async () => refused === 1 && (await alarmTime(list)) !== null, "the call to fail and a retry to be set");
    await viewer.socket.settle();
    expect(viewer.socket.unread()).toEqual([]);

    ListRelay.prototype.apply = apply;
    clock.advance(RELAY_RETRY_FIRST_MS);
    expect(await runDurableObjectAlarm(list)).toBe(true);
    expect(await takeItems(viewer, viewer.snapshot.seq + 1, 1)).toEqual([item]);
    expect(viewer.socket.closed).toBeNull();
  });
});
