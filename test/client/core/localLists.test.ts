import { beforeEach, describe, expect, it } from "vitest";
import { LocalLists, REMEMBERED_LISTS_KEY, REMEMBERED_LISTS_MAX } from "../../../src/client/core/localLists";
import type { KeyValueStore } from "../../../src/client/core/outbox";
import { MemoryStore } from "../memoryStore";

let store: MemoryStore;
let lists: LocalLists;

beforeEach(() => {
  store = new MemoryStore();
  lists = new LocalLists(store);
});

const ids = () => lists.remembered().map((list) => list.id);

describe("Your lists", () => {
  it("starts empty", () => {
    expect(lists.remembered()).toEqual([]);
  });

  it("puts the newest first, and a list seen again moves to the front with its newest title, once", () => {
    lists.remember({ id: "a", title: "A", seenAt: 1 });
    lists.remember({ id: "b", title: "B", seenAt: 2 });
    lists.remember({ id: "a", title: "A renamed", seenAt: 3 });
    expect(lists.remembered()).toEqual([
      { id: "a", title: "A renamed", seenAt: 3 },
      { id: "b", title: "B", seenAt: 2 },
    ]);
  });

  it(`keeps at most ${REMEMBERED_LISTS_MAX}, dropping the oldest`, () => {
    for (let n = 0; n < REMEMBERED_LISTS_MAX + 5; n++) lists.remember({ id: `list-${n}`, title: `${n}`, seenAt: n });
    expect(ids()).toHaveLength(REMEMBERED_LISTS_MAX);
    expect(ids()[0]).toBe(`list-${REMEMBERED_LISTS_MAX + 4}`);
    expect(ids()).not.toContain("list-4");
    expect(ids()).toContain("list-5");
  });

  it("a rename changes the title where the list is, without moving it", () => {
    lists.remember({ id: "a", title: "A", seenAt: 1 });
    lists.remember({ id: "b", title: "B", seenAt: 2 });
    lists.retitle("a", "Trip");
    expect(lists.remembered().map((list) => list.title)).toEqual(["B", "Trip"]);
  });

  it("reads a corrupt or foreign value as nothing, and skips entries of the wrong shape", () => {
    store.setItem(REMEMBERED_LISTS_KEY, "{not json");
    expect(lists.remembered()).toEqual([]);
    store.setItem(REMEMBERED_LISTS_KEY, JSON.stringify({ id: "a" }));
    expect(lists.remembered()).toEqual([]);
    store.setItem(REMEMBERED_LISTS_KEY, JSON.stringify([{ id: 1 }, { id: "b", title: "B", seenAt: 2 }, null]));
    expect(ids()).toEqual(["b"]);
  });

  it("a store that refuses to write costs the list, not an error", () => {
    const full: KeyValueStore = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException("full", "QuotaExceededError");
      },
    };
    expect(() => new LocalLists(full).remember({ id: "a", title: "A", seenAt: 1 })).not.toThrow();
  });
});

describe("owner keys", () => {
  it("are kept per list", () => {
    lists.keepOwnerKey("a", "key-a");
    expect(lists.ownerKey("a")).toBe("key-a");
    expect(lists.ownerKey("b")).toBeNull();
  });

  it("outlive the list's place in Your lists", () => {
    lists.remember({ id: "owned", title: "Mine", seenAt: 0 });
    lists.keepOwnerKey("owned", "key");
    for (let n = 0; n < REMEMBERED_LISTS_MAX; n++) lists.remember({ id: `list-${n}`, title: `${n}`, seenAt: n + 1 });
    expect(ids()).not.toContain("owned");
    expect(lists.ownerKey("owned")).toBe("key");
  });
});
