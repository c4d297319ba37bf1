import { describe, expect, it } from "vitest";
import { Inbox, type Applied } from "../../../src/client/core/inbox";
import { editedFrame, item, itemFrame, removedFrame, snapshotFrame, welcome } from "../frames";

function titles(applied: Applied[]): string[] {
  return applied.flatMap((change) => {
    switch (change.kind) {
      case "snapshot":
        return change.items.map((i) => `snap:${i.title}`);
      case "removed":
        return [`removed:${change.itemId}`];
      default:
        return [`${change.kind === "edited" ? "edited:" : ""}${change.item.title}`];
    }
  });
}

function started(): Inbox {
  const inbox = new Inbox();
  inbox.begin(welcome(1, false));
  inbox.receive(snapshotFrame(1, [item(0)]));
  return inbox;
}

describe("Inbox", () => {
  it("applies frames that arrive in order, one by one", () => {
    const inbox = started();
    expect(titles(inbox.receive(itemFrame(2)))).toEqual(["title 2"]);
    expect(titles(inbox.receive(itemFrame(3)))).toEqual(["title 3"]);
    expect(inbox.lastApplied).toBe(3);
  });

  it("holds a frame that arrives early until the gap fills, then applies both in order", () => {
    const inbox = started();
    expect(inbox.receive(itemFrame(4))).toEqual([]);
    expect(inbox.receive(itemFrame(3))).toEqual([]);
    expect(inbox.lastApplied).toBe(1);
    expect(inbox.heldCount).toBe(2);
    expect(titles(inbox.receive(itemFrame(2)))).toEqual(["title 2", "title 3", "title 4"]);
    expect(inbox.lastApplied).toBe(4);
    expect(inbox.heldCount).toBe(0);
  });

  it("drops duplicates and stale frames by seq", () => {
    const inbox = started();
    inbox.receive(itemFrame(2));
    expect(inbox.receive(itemFrame(2))).toEqual([]);
    expect(inbox.receive(snapshotFrame(1, [item(0)]))).toEqual([]);
    inbox.receive(itemFrame(4));
    expect(inbox.receive(itemFrame(4))).toEqual([]);
    expect(inbox.heldCount).toBe(1);
  });

  it("never applies one item twice, even under a new seq after a fresh session", () => {
    const inbox = started();
    inbox.receive(itemFrame(2, 7));
    inbox.begin(welcome(1, false));
    const applied = inbox.receive(snapshotFrame(1, [item(7), item(0)]));
    expect(applied).toEqual([{ kind: "snapshot", items: [item(7), item(0)], hasOlder: false }]);
    expect(inbox.receive(itemFrame(2, 7))).toEqual([]);
    expect(inbox.lastApplied).toBe(2);
  });

  it("a resumed session continues at the welcome's seq and keeps frames held for it", () => {
    const inbox = started();
    inbox.receive(itemFrame(3));
    inbox.begin(welcome(2, true));
    expect(titles(inbox.receive(itemFrame(2)))).toEqual(["title 2", "title 3"]);
  });

  it("a fresh session forgets frames held from the old one", () => {
    const inbox = started();
    inbox.receive(itemFrame(5));
    inbox.begin(welcome(1, false));
    expect(inbox.heldCount).toBe(0);
  });

  it("items shown by other means (an older page) are not applied again", () => {
    const inbox = started();
    inbox.markShown([item(9)]);
    expect(inbox.receive(itemFrame(2, 9))).toEqual([]);
    expect(inbox.lastApplied).toBe(2);
  });
});

describe("Inbox: edits and removals", () => {
  it("applies an edit only when it is newer than the version seen", () => {
    const inbox = started();
    inbox.receive(itemFrame(2, 5));
    expect(titles(inbox.receive(editedFrame(3, 5, 3)))).toEqual(["edited:title 5 v3"]);
    // Frames carry the item as it was when sent: a late, older version changes nothing.
    expect(inbox.receive(editedFrame(4, 5, 2))).toEqual([]);
    expect(inbox.receive(editedFrame(5, 5, 3))).toEqual([]);
    expect(inbox.lastApplied).toBe(5);
  });

  it("an item frame carrying a later version of an item already seen is an edit, not a new item", () => {
    const inbox = started();
    inbox.markShown([item(7)]);
    expect(inbox.receive({ ...itemFrame(2, 7), item: item(7, 2) })).toEqual([{ kind: "edited", item: item(7, 2) }]);
  });

  it("a removal is applied once, and the item never comes back: not by frame, page or fresh snapshot", () => {
    const inbox = started();
    inbox.receive(itemFrame(2, 5));
    expect(titles(inbox.receive(removedFrame(3, 5)))).toEqual(["removed:item-5"]);
    expect(inbox.receive(removedFrame(4, 5))).toEqual([]);
    expect(inbox.receive(editedFrame(5, 5, 9))).toEqual([]);
    inbox.markShown([item(5, 10)]);
    inbox.begin(welcome(1, false));
    expect(inbox.receive(snapshotFrame(1, [item(6), item(5, 10), item(0)]))).toEqual([
      { kind: "snapshot", items: [item(6), item(0)], hasOlder: false },
    ]);
  });

  it("a resend that comes as removed in place of the item it first was still counts once, in order", () => {
    const inbox = started();
    // Seq 2 was the item, lost; by the resend the item was removed, so seq 2 comes as removed.
    expect(inbox.receive(removedFrame(3, 8))).toEqual([]);
    expect(titles(inbox.receive(removedFrame(2, 8)))).toEqual(["removed:item-8"]);
    expect(inbox.lastApplied).toBe(3);
  });

  it("edits and removals held behind a gap are applied in seq order once it fills", () => {
    const inbox = started();
    inbox.receive(removedFrame(4, 5));
    inbox.receive(editedFrame(3, 5, 2));
    expect(titles(inbox.receive(itemFrame(2, 5)))).toEqual(["title 5", "edited:title 5 v2", "removed:item-5"]);
  });
});
