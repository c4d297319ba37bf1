import { describe, expect, it } from "vitest";
import { fillGap, keptBelowSnapshot, ListModel, type ItemsPage } from "../../src/client/listModel";
import type { Item } from "../../src/protocol/item";
import { item } from "./frames";

/** Items n..m, newest (highest) first, as the server pages them. */
function newestFirst(from: number, to: number): Item[] {
  return Array.from({ length: to - from + 1 }, (_, i) => item(to - i));
}

function ids(model: ListModel): string[] {
  return model.items.map((shown) => shown.id);
}

/** A server holding items 1..last, paging `size` at a time below a cursor. */
function server(last: number, size: number) {
  const reads: string[] = [];
  const readPage = async (before: string): Promise<ItemsPage> => {
    reads.push(before);
    const below = Number(before.replace("item-", ""));
    const items = newestFirst(Math.max(1, below - size), below - 1);
    return { items, nextBefore: below - size > 1 ? items.at(-1)!.id : null };
  };
  return { readPage, reads };
}

describe("ListModel", () => {
  it("puts new items on top and never shows one twice", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(1, 2), hasOlder: false }]);
    model.apply([{ kind: "item", item: item(3) }, { kind: "item", item: item(3) }]);
    expect(ids(model)).toEqual(["item-3", "item-2", "item-1"]);
  });

  it("merges a fresh snapshot: it leads, shown items it does not cover follow", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(1, 3), hasOlder: false }]);
    model.apply([{ kind: "snapshot", items: newestFirst(2, 5), hasOlder: true }]);
    expect(ids(model)).toEqual(["item-5", "item-4", "item-3", "item-2", "item-1"]);
    expect(model.gapCursor()).toBeNull();
  });

  it("Show older appends below and says whether more exist", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(4, 5), hasOlder: true }]);
    expect(model.olderExist).toBe(true);
    model.appendOlder({ items: newestFirst(1, 3), nextBefore: null });
    expect(ids(model)).toEqual(["item-5", "item-4", "item-3", "item-2", "item-1"]);
    expect(model.olderExist).toBe(false);
  });

  it("after a long absence, fills the gap between the new snapshot and what was shown", async () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(1, 3), hasOlder: false }]);
    // Away while items 4..20 were saved; the new snapshot holds only the newest five.
    model.apply([{ kind: "snapshot", items: newestFirst(16, 20), hasOlder: true }]);
    expect(model.gapCursor()).toBe("item-16");
    const { readPage, reads } = server(20, 4);
    await fillGap(model, readPage);
    expect(ids(model)).toEqual(newestFirst(1, 20).map((shown) => shown.id));
    expect(model.gapCursor()).toBeNull();
    expect(reads).toEqual(["item-16", "item-12", "item-8", "item-4"]);
  });

  it("items that arrive on top while the gap is filled stay on top", async () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(1, 2), hasOlder: false }]);
    model.apply([{ kind: "snapshot", items: newestFirst(9, 10), hasOlder: true }]);
    const { readPage } = server(10, 3);
    await fillGap(model, async (before) => {
      model.apply([{ kind: "item", item: item(11 + Number(before.replace("item-", ""))) }]);
      return readPage(before);
    });
    expect(ids(model).slice(-10)).toEqual(newestFirst(1, 10).map((shown) => shown.id));
    expect(new Set(ids(model)).size).toBe(ids(model).length);
  });

  it("paints a saved copy at once; the first snapshot keeps only what is older than its range", () => {
    const model = new ListModel();
    model.restore({ items: [item(6), item(5), item(4), item(2), item(1)], hasOlder: false });
    expect(model.isLoaded).toBe(true);
    expect(ids(model)).toEqual(["item-6", "item-5", "item-4", "item-2", "item-1"]);
    // Meanwhile 7 was saved and 5 is gone; the snapshot's range reaches down to 4.
    model.apply([{ kind: "snapshot", items: [item(7), item(6), item(4)], hasOlder: true }]);
    expect(ids(model)).toEqual(["item-7", "item-6", "item-4", "item-2", "item-1"]);
    expect(model.has("item-5")).toBe(false);
    expect(model.gapCursor()).toBeNull();
  });

  it("a snapshot of the whole list drops every saved item it does not hold", () => {
    const model = new ListModel();
    model.restore({ items: newestFirst(1, 3), hasOlder: false });
    model.apply([{ kind: "snapshot", items: [item(9)], hasOlder: false }]);
    expect(ids(model)).toEqual(["item-9"]);
    expect(model.olderExist).toBe(false);
  });

  it("a saved copy the snapshot does not reach is kept below a gap, told older by its time", () => {
    const saved = newestFirst(1, 3);
    expect(keptBelowSnapshot(saved, newestFirst(10, 12), true).map((kept) => kept.id)).toEqual(saved.map((kept) => kept.id));
    // Same times, other ids (a wiped store): not older, so not kept.
    expect(keptBelowSnapshot([{ ...item(11), id: "x" }], newestFirst(10, 12), true)).toEqual([]);
    const model = new ListModel();
    model.restore({ items: saved, hasOlder: false });
    model.apply([{ kind: "snapshot", items: newestFirst(10, 12), hasOlder: true }]);
    expect(model.gapCursor()).toBe("item-10");
  });

  it("saves only the unbroken top of the list, never the items below a gap", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(1, 3), hasOlder: false }]);
    expect(model.unbrokenTop()).toEqual({ items: newestFirst(1, 3), hasOlder: false, removed: [] });
    model.apply([{ kind: "snapshot", items: newestFirst(10, 12), hasOlder: true }]);
    expect(model.unbrokenTop()).toEqual({ items: newestFirst(10, 12), hasOlder: true, removed: [] });
  });

  it("a restore after the server's list arrived changes nothing", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(1, 2), hasOlder: false }]);
    model.restore({ items: [item(9)], hasOlder: true });
    expect(ids(model)).toEqual(["item-2", "item-1"]);
  });
});

describe("ListModel: edits and removals", () => {
  function titlesOf(model: ListModel): string[] {
    return model.items.map((shown) => shown.title);
  }

  it("an edit replaces the item in its place; an older version arriving late changes nothing", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(1, 3), hasOlder: false }]);
    model.apply([{ kind: "edited", item: item(2, 3) }]);
    expect(titlesOf(model)).toEqual(["title 3", "title 2 v3", "title 1"]);
    model.apply([{ kind: "edited", item: item(2, 2) }, { kind: "item", item: item(2, 1) }]);
    expect(model.find("item-2")?.version).toBe(3);
  });

  it("pages and snapshots obey the same rule: a newer version replaces in place, an older one is ignored", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: [item(5, 2), item(4)], hasOlder: true }]);
    model.appendOlder({ items: [item(4, 3), item(3)], nextBefore: null });
    expect(titlesOf(model)).toEqual(["title 5 v2", "title 4 v3", "title 3"]);
    model.apply([{ kind: "snapshot", items: [item(5, 1), item(4, 4), item(3)], hasOlder: false }]);
    expect(titlesOf(model)).toEqual(["title 5 v2", "title 4 v4", "title 3"]);
  });

  it("an edit of an item not shown goes where its time puts it, or waits for Show older when older than all shown", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: [item(9), item(5)], hasOlder: true }]);
    model.apply([{ kind: "edited", item: item(7, 2) }, { kind: "edited", item: item(2, 2) }]);
    expect(ids(model)).toEqual(["item-9", "item-7", "item-5"]);
  });

  it("a removed item goes and never comes back: not from a frame, a page, a snapshot or a saved copy", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(1, 3), hasOlder: true }]);
    model.apply([{ kind: "removed", itemId: "item-2" }]);
    expect(ids(model)).toEqual(["item-3", "item-1"]);
    model.apply([{ kind: "edited", item: item(2, 5) }, { kind: "item", item: item(2, 6) }]);
    model.appendOlder({ items: [item(2, 7), item(0)], nextBefore: null });
    model.apply([{ kind: "snapshot", items: newestFirst(0, 3), hasOlder: false }]);
    expect(ids(model)).toEqual(["item-3", "item-1", "item-0"]);
    expect(model.isRemoved("item-2")).toBe(true);

    // The copy saved for next time remembers the removal, so an older copy in another tab cannot paint it.
    const saved = model.unbrokenTop();
    expect(saved.removed).toEqual(["item-2"]);
    const next = new ListModel();
    next.restore({ items: newestFirst(0, 3), hasOlder: false, removed: saved.removed! });
    expect(ids(next)).toEqual(["item-3", "item-1", "item-0"]);
  });

  it("a fresh snapshot drops shown items within its range that it does not hold: they were removed while away", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(1, 6), hasOlder: false }]);
    model.apply([{ kind: "snapshot", items: [item(7), item(6), item(3)], hasOlder: true }]);
    expect(ids(model)).toEqual(["item-7", "item-6", "item-3", "item-2", "item-1"]);
    expect(model.has("item-5") || model.has("item-4")).toBe(false);
  });

  it("a gap whose upper item is removed keeps filling from the item above it", async () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(1, 3), hasOlder: false }]);
    model.apply([{ kind: "snapshot", items: newestFirst(16, 20), hasOlder: true }]);
    model.apply([{ kind: "removed", itemId: "item-16" }]);
    expect(model.gapCursor()).toBe("item-17");
    const { readPage } = server(20, 4);
    // A server that has not heard of the removal yet still pages item 16: it stays out.
    await fillGap(model, readPage);
    expect(ids(model)).toEqual(newestFirst(1, 20).map((shown) => shown.id).filter((id) => id !== "item-16"));
  });
});
