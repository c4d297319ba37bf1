import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { connect, connectFresh, eventually, numbered, save, TEST_OWNER_KEY, type RoomStub } from "../room/roomHarness";
import { freshRelayedList, holderOf, replicaPosition } from "./relayHarness";

function byOwner(itemId: string) {
  return { itemId, key: TEST_OWNER_KEY, expected: null, group: null };
}

async function edited(list: RoomStub, itemId: string, title: string): Promise<Item> {
  const result = await list.editItem(byOwner(itemId), { title });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe("a relayed viewer", () => {
  it("gets every item in order, once, as a direct viewer does", async () => {
    const { list } = await freshRelayedList(1, 10);
    const direct = await connectFresh(list);
    const relayed = await connectFresh(list);
    expect(holderOf(direct.welcome.resumeToken)).toBeNull();
    expect(holderOf(relayed.welcome.resumeToken)).toBe(0);
    const saved: Item[] = [];
    for (let n = 1; n <= 40; n++) saved.push(await save(list, numbered(n)));
    for (const viewer of [direct, relayed]) {
      const items: Item[] = [];
      let seq = viewer.snapshot.seq;
      while (items.length < saved.length) {
        const frame = await viewer.socket.nextOf("item");
        expect(frame.seq).toBe(++seq);
        items.push(frame.item);
        viewer.socket.ack(frame.seq);
      }
      expect(items).toEqual(saved);
      await viewer.socket.settle();
      expect(viewer.socket.unread()).toEqual([]);
    }
  });

  it("starts from a snapshot of what the list had, and hears edits and removals; removed text never reaches it", async () => {
    const { list, relay } = await freshRelayedList(0, 10);
    const first = await save(list, numbered(1));
    const second = await save(list, numbered(2));
    const viewer = await connectFresh(list);
    expect(viewer.snapshot.items).toEqual([second, first]);

    const renamed = await edited(list, first.id, "renamed");
    expect(await viewer.socket.next()).toMatchObject({ type: "edited", seq: viewer.snapshot.seq + 1, item: renamed });
    expect(await list.removeItem(byOwner(second.id))).toEqual({ ok: true, value: null });
    expect(await viewer.socket.next()).toMatchObject({ type: "removed", seq: viewer.snapshot.seq + 2, itemId: second.id });

    await eventually(async () => (await replicaPosition(relay(0))) === 4, "the relay to hold the removal");
    const later = await connectFresh(list);
    expect(holderOf(later.welcome.resumeToken)).toBe(0);
    expect(later.snapshot.items).toEqual([renamed]);
    expect(JSON.stringify(later.snapshot)).not.toContain("body 2");
  });

  it("resumes at its relay and gets what it missed, nothing twice", async () => {
    const { list } = await freshRelayedList(0, 10);
    const viewer = await connectFresh(list);
    const seen = await save(list, numbered(1));
    expect((await viewer.socket.nextOf("item")).item).toEqual(seen);
    viewer.socket.ack(viewer.snapshot.seq + 1);
    await viewer.socket.settle();
    viewer.socket.close();
    await viewer.socket.waitForClose();

    const missed = [await save(list, numbered(2)), await save(list, numbered(3))];
    const resumed = await connect(list, { token: viewer.welcome.resumeToken, last: viewer.snapshot.seq + 1, attempt: 2 });
    expect(resumed.welcome).toMatchObject({ resumed: true, clientId: viewer.welcome.clientId, seq: viewer.snapshot.seq + 2 });
    expect(holderOf(resumed.welcome.resumeToken)).toBe(0);
    const frames = await resumed.socket.items(2);
    expect(frames.map((frame) => frame.item)).toEqual(missed);
    expect(frames.map((frame) => frame.seq)).toEqual([viewer.snapshot.seq + 2, viewer.snapshot.seq + 3]);
    await resumed.socket.settle();
    expect(resumed.socket.unread()).toEqual([]);
  });
});
