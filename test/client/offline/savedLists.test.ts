import { beforeEach, describe, expect, it } from "vitest";
import { bounded, SavedLists, type SavedList, type StringStore } from "../../../src/client/offline/savedLists";
import { item } from "../frames";

class MemoryStore implements StringStore {
  readonly data = new Map<string, string>();
  /** Characters the store may hold in all, like a browser's quota. */
  quota = Number.POSITIVE_INFINITY;
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    const used = [...this.data].reduce((sum, [k, v]) => (k === key ? sum : sum + k.length + v.length), 0);
    if (used + key.length + value.length > this.quota) throw new DOMException("full", "QuotaExceededError");
    this.data.set(key, value);
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
}

function list(count: number, savedAt = 1): SavedList {
  return { title: null, items: Array.from({ length: count }, (_, n) => item(count - n)), hasOlder: false, savedAt, removed: [] };
}

let store: MemoryStore;

beforeEach(() => {
  store = new MemoryStore();
});

describe("saved lists", () => {
  it("gives back what was saved, per list", () => {
    const lists = new SavedLists(store);
    lists.save("main", list(3));
    lists.save("groceries", { ...list(1), title: "Groceries" });
    expect(lists.load("main")).toEqual(list(3));
    expect(lists.load("groceries")?.title).toBe("Groceries");
    expect(lists.load("never-seen")).toBeNull();
  });

  it("keeps the newest items within the count and size limits and says older ones exist", () => {
    expect(bounded(list(5), { items: 2, chars: 1e6, lists: 1 }).items.map((kept) => kept.id)).toEqual(["item-5", "item-4"]);
    expect(bounded(list(5), { items: 2, chars: 1e6, lists: 1 }).hasOlder).toBe(true);
    const oneItem = JSON.stringify(item(1)).length;
    const bySize = bounded(list(5), { items: 100, chars: 100 + 2.5 * oneItem, lists: 1 });
    expect(bySize.items.map((kept) => kept.id)).toEqual(["item-5", "item-4"]);
    expect(bySize.hasOlder).toBe(true);
    expect(bounded(list(2), { items: 2, chars: 1e6, lists: 1 }).hasOlder).toBe(false);
  });

  it("forgets the least recently saved lists beyond the limit", () => {
    const lists = new SavedLists(store, { items: 10, chars: 1e6, lists: 2 });
    lists.save("a", list(1, 1));
    lists.save("b", list(1, 2));
    lists.save("c", list(1, 3));
    expect([lists.load("a"), lists.load("b"), lists.load("c")].map((saved) => saved !== null)).toEqual([false, true, true]);
    lists.save("b", list(2, 4));
    lists.save("d", list(1, 5));
    expect([lists.load("b"), lists.load("c"), lists.load("d")].map((saved) => saved !== null)).toEqual([true, false, true]);
  });

  it("when the device is full, drops the other lists to keep the one in use", () => {
    const lists = new SavedLists(store);
    lists.save("old", list(20, 1));
    store.quota = [...store.data].reduce((sum, [k, v]) => sum + k.length + v.length, 0) + 500;
    lists.save("main", list(20, 2));
    expect(lists.load("main")?.items).toHaveLength(20);
    expect(lists.load("old")).toBeNull();
  });

  it("survives a full device and a corrupt record without throwing", () => {
    const lists = new SavedLists(store);
    store.quota = 10;
    expect(() => lists.save("main", list(3))).not.toThrow();
    expect(lists.load("main")).toBeNull();
    store.quota = Number.POSITIVE_INFINITY;
    store.setItem("listroom.saved.v1:main", "{not json");
    expect(lists.load("main")).toBeNull();
    store.setItem("listroom.saved.v1:main", JSON.stringify({ items: [{ id: 1 }, item(1)], savedAt: 1 }));
    expect(lists.load("main")?.items).toEqual([item(1)]);
  });

  it("upgrades a copy saved before items had versions: each item is its first version, never edited", () => {
    const lists = new SavedLists(store);
    const { version: _version, updatedAt: _updatedAt, ...unversioned } = item(1);
    store.setItem("listroom.saved.v1:main", JSON.stringify({ items: [unversioned, item(2, 3)], savedAt: 1, hasOlder: false, title: null }));
    expect(lists.load("main")?.items).toEqual([item(1), item(2, 3)]);
  });

  it("never paints an item it knows was removed", () => {
    const lists = new SavedLists(store);
    lists.save("main", { ...list(3), removed: ["item-2"] });
    expect(lists.load("main")?.items.map((kept) => kept.id)).toEqual(["item-3", "item-1"]);
    expect(lists.load("main")?.removed).toEqual(["item-2"]);
  });
});
