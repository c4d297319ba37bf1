import { describe, expect, it } from "vitest";
import { BROWSER_ID_KEY, browserId } from "../../../src/client/core/browserId";
import { HideDone } from "../../../src/client/core/hideDone";
import { BROWSER_ID_PATTERN } from "../../../src/protocol/limits";
import { MemoryStore } from "../memoryStore";

describe("browserId", () => {
  it("makes one well-formed id and keeps it: every later call (another tab) gets the same", () => {
    const store = new MemoryStore();
    const first = browserId(store);
    expect(first).toMatch(BROWSER_ID_PATTERN);
    expect(browserId(store)).toBe(first);
    expect(store.getItem(BROWSER_ID_KEY)).toBe(first);
  });

  it("replaces a kept value the server would refuse", () => {
    const store = new MemoryStore();
    store.setItem(BROWSER_ID_KEY, "no spaces allowed");
    expect(browserId(store, () => "fresh-id-123")).toBe("fresh-id-123");
  });

  it("still gives an id when storage refuses", () => {
    const refusing = { getItem: (): string | null => { throw new Error("denied"); }, setItem: () => { throw new Error("denied"); } };
    expect(browserId(refusing, () => "page-only-id")).toBe("page-only-id");
  });
});

describe("HideDone", () => {
  it("is off until turned on, and remembered per list", () => {
    const store = new MemoryStore();
    const trip = new HideDone(store, "trip-list-id-0000");
    expect(trip.on).toBe(false);
    trip.on = true;
    expect(new HideDone(store, "trip-list-id-0000").on).toBe(true);
    expect(new HideDone(store, "other-list-id-000").on).toBe(false);
    trip.on = false;
    expect(new HideDone(store, "trip-list-id-0000").on).toBe(false);
  });
});
