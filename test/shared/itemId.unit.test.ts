import { describe, expect, it } from "vitest";
import { claimedPos, newItemId } from "../../src/shared/itemId";

describe("item ids", () => {
  it("carry their log position and differ for the same position", () => {
    const id = newItemId(1234);
    expect(id).toMatch(/^ya-[0-9a-f]{16}$/);
    expect(claimedPos(id)).toBe(1234);
    expect(newItemId(1234)).not.toBe(id);
  });

  it.each(["", "abc", "0-0000000000000000", "-0000000000000000", "1-xyz", "1-00000000000000000", "ZZ-0000000000000000"])(
    "%j claims no position",
    (id) => {
      expect(claimedPos(id)).toBeNull();
    },
  );
});
