import { describe, expect, it } from "vitest";
import { Inbox, type Applied } from "../../src/client/inbox";
import { item, itemFrame, snapshotFrame, welcome } from "./frames";

function titles(applied: Applied[]): string[] {
  return applied.flatMap((change) => (change.kind === "item" ? [change.item.title] : change.items.map((i) => `snap:${i.title}`)));
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
