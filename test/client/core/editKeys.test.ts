import { describe, expect, it } from "vitest";
import { EDIT_KEYS_MAX, EditKeys } from "../../../src/client/core/editKeys";
import { MemoryStore } from "../memoryStore";

describe("edit keys kept in the browser", () => {
  it("keeps each saved item's key per list, across a reload", () => {
    const store = new MemoryStore();
    new EditKeys(store, "list-a-0123456789abcd").keep("item-1", "key-a");
    new EditKeys(store, "main").keep("item-1", "key-main");
    expect(new EditKeys(store, "list-a-0123456789abcd").get("item-1")).toBe("key-a");
    expect(new EditKeys(store).get("item-1")).toBe("key-main");
    expect(new EditKeys(store, "list-b-0123456789abcd").get("item-1")).toBeNull();
  });

  it("forgets the oldest keys beyond the bound, and reads a corrupt record as none", () => {
    const store = new MemoryStore();
    const keys = new EditKeys(store);
    for (let n = 0; n <= EDIT_KEYS_MAX; n++) keys.keep(`item-${n}`, `key-${n}`);
    expect(keys.get("item-0")).toBeNull();
    expect(new EditKeys(store).get(`item-${EDIT_KEYS_MAX}`)).toBe(`key-${EDIT_KEYS_MAX}`);
    store.setItem("listroom.editkeys.v1:main", "{oops");
    expect(new EditKeys(store).get("item-1")).toBeNull();
  });
});
