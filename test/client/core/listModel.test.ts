import { describe, expect, it } from "vitest";
import { ListModel } from "../../../src/client/core/listModel";
import type { Item } from "../../../src/protocol/item";
import { item } from "../frames";

/** Items n..m, newest (highest) first, as the server pages them. */
function newestFirst(from: number, to: number): Item[] {
  return Array.from({ length: to - from + 1 }, (_, i) => item(to - i));
}

function ids(model: ListModel): string[] {
  return model.items.map((shown) => shown.id);
}

function foundIds(model: ListModel): string[] {
  return model.found.map((shown) => shown.id);
}

describe("ListModel", () => {
  it("puts new items on top and never shows one twice", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(1, 2), hasOlder: false }]);
    model.apply([{ kind: "item", item: item(3) }, { kind: "item", item: item(3) }]);
    expect(ids(model)).toEqual(["item-3", "item-2", "item-1"]);
  });

  it("a fresh snapshot replaces what was shown: nothing is kept below it, Show older brings the rest as it is now", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(1, 3), hasOlder: false }]);
    model.apply([{ kind: "snapshot", items: newestFirst(2, 5), hasOlder: true }]);
    expect(ids(model)).toEqual(["item-5", "item-4", "item-3", "item-2"]);
    expect(model.olderExist).toBe(true);
    // Item 1 was edited while this client had no session: Show older brings it as it is now.
    model.appendOlder({ items: [item(1, 2)], nextBefore: null });
    expect(model.find("item-1")?.version).toBe(2);
  });

  it("Show older appends below and says whether more exist", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(4, 5), hasOlder: true }]);
    expect(model.olderExist).toBe(true);
    model.appendOlder({ items: newestFirst(1, 3), nextBefore: null });
    expect(ids(model)).toEqual(["item-5", "item-4", "item-3", "item-2", "item-1"]);
    expect(model.olderExist).toBe(false);
  });

  it("after a long absence, the new snapshot leads and Show older pages on from its oldest item: no hole", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(1, 3), hasOlder: false }]);
    // Away while items 4..20 were saved; the new snapshot holds only the newest five.
    model.apply([{ kind: "snapshot", items: newestFirst(16, 20), hasOlder: true }]);
    expect(ids(model)).toEqual(newestFirst(16, 20).map((shown) => shown.id));
    expect(model.oldestId()).toBe("item-16");
    model.appendOlder({ items: newestFirst(1, 15), nextBefore: null });
    expect(ids(model)).toEqual(newestFirst(1, 20).map((shown) => shown.id));
  });


  it("paints a saved copy at once; the first snapshot replaces it", () => {
    const model = new ListModel();
    model.restore({ items: [item(6), item(5), item(4), item(2), item(1)], hasOlder: false });
    expect(model.isLoaded).toBe(true);
    expect(ids(model)).toEqual(["item-6", "item-5", "item-4", "item-2", "item-1"]);
    // Meanwhile 7 was saved and 5 is gone; the snapshot's range reaches down to 4.
    model.apply([{ kind: "snapshot", items: [item(7), item(6), item(4)], hasOlder: true }]);
    expect(ids(model)).toEqual(["item-7", "item-6", "item-4"]);
    expect(model.has("item-5")).toBe(false);
    expect(model.olderExist).toBe(true);
  });

  it("a snapshot of the whole list drops every saved item it does not hold", () => {
    const model = new ListModel();
    model.restore({ items: newestFirst(1, 3), hasOlder: false });
    model.apply([{ kind: "snapshot", items: [item(9)], hasOlder: false }]);
    expect(ids(model)).toEqual(["item-9"]);
    expect(model.olderExist).toBe(false);
  });


  it("saves what is shown, and whether older items exist", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(1, 3), hasOlder: false }]);
    expect(model.shownList()).toEqual({ items: newestFirst(1, 3), hasOlder: false, removed: [] });
    model.apply([{ kind: "snapshot", items: newestFirst(10, 12), hasOlder: true }]);
    expect(model.shownList()).toEqual({ items: newestFirst(10, 12), hasOlder: true, removed: [] });
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
    const saved = model.shownList();
    expect(saved.removed).toEqual(["item-2"]);
    const next = new ListModel();
    next.restore({ items: newestFirst(0, 3), hasOlder: false, removed: saved.removed! });
    expect(ids(next)).toEqual(["item-3", "item-1", "item-0"]);
  });

  it("a fresh snapshot drops shown items it does not hold: they may have been removed while away", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: newestFirst(1, 6), hasOlder: false }]);
    model.apply([{ kind: "snapshot", items: [item(7), item(6), item(3)], hasOlder: true }]);
    expect(ids(model)).toEqual(["item-7", "item-6", "item-3"]);
    expect(model.has("item-5") || model.has("item-4")).toBe(false);
  });

  it("an edit heard before Show older brings the item wins over the older version the page carries", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: [item(9), item(5)], hasOlder: true }]);
    // The page was read before the edit and answers after it.
    model.apply([{ kind: "edited", item: item(2, 2) }]);
    model.appendOlder({ items: [item(4), item(2, 1)], nextBefore: null });
    expect(model.find("item-2")?.version).toBe(2);
    // Once shown, later pages cannot take it back either.
    model.appendOlder({ items: [item(2, 1)], nextBefore: null });
    expect(model.find("item-2")?.version).toBe(2);
  });

  it("an item a search found below the list is shown apart, and edits, ticks and removals reach it like any item", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: [item(9), item(8)], hasOlder: true }]);
    model.addFound([item(2), item(9)]);
    expect(foundIds(model)).toEqual(["item-2"]);
    expect(ids(model)).toEqual(["item-9", "item-8"]);
    expect(model.has("item-2")).toBe(true);
    model.apply([{ kind: "edited", item: { ...item(2, 2), done: true } }, { kind: "edited", item: item(2, 1) }]);
    expect(model.find("item-2")).toMatchObject({ version: 2, done: true });
    expect(ids(model)).toEqual(["item-9", "item-8"]);
    model.addFound([item(1)]);
    expect(foundIds(model)).toEqual(["item-2", "item-1"]);
    model.apply([{ kind: "removed", itemId: "item-2" }]);
    expect(foundIds(model)).toEqual(["item-1"]);
    expect(ids(model)).toEqual(["item-9", "item-8"]);
    model.addFound([item(2, 3)]);
    expect(foundIds(model)).toEqual(["item-1"]);
  });

  it("Show older moves a found item into the list at the newest version heard, and never shows it twice", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: [item(9), item(8)], hasOlder: true }]);
    model.addFound([item(3)]);
    model.apply([{ kind: "edited", item: item(3, 2) }]);
    // The page was read before the edit.
    model.appendOlder({ items: [item(7), item(3, 1), item(2)], nextBefore: null });
    expect(foundIds(model)).toEqual([]);
    expect(ids(model)).toEqual(["item-9", "item-8", "item-7", "item-3", "item-2"]);
    expect(model.find("item-3")?.version).toBe(2);
  });

  it("a new search or a fresh snapshot stops showing what a search found; found again, it is at the newest version heard", () => {
    const model = new ListModel();
    model.apply([{ kind: "snapshot", items: [item(9), item(8)], hasOlder: true }]);
    model.addFound([item(3)]);
    model.apply([{ kind: "edited", item: item(3, 2) }]);
    model.clearFound();
    expect(model.has("item-3")).toBe(false);
    // An edit of it now is one of an item not shown, older than all shown: it waits.
    model.apply([{ kind: "edited", item: item(3, 3) }]);
    expect(ids(model)).toEqual(["item-9", "item-8"]);
    model.addFound([item(3, 2)]);
    expect(model.find("item-3")?.version).toBe(3);
    model.apply([{ kind: "snapshot", items: [item(10), item(9)], hasOlder: true }]);
    expect(foundIds(model)).toEqual([]);
    expect(model.has("item-3")).toBe(false);
    // Nor is a found item saved with the list on the device.
    model.addFound([item(3, 3)]);
    expect(model.shownList().items.map((shown) => shown.id)).toEqual(["item-10", "item-9"]);
  });

});
