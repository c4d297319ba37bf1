import { describe, expect, it } from "vitest";
import { readListConfig } from "../../src/room/listConfig";

describe("the list's config", () => {
  it("uses the documented defaults when vars are absent", () => {
    expect(readListConfig({})).toEqual({ listSavesPerMinute: 600, ceilings: { items: 5_000, textBytes: 20_000_000 } });
  });

  it("reads overrides given as strings, as `wrangler dev --var` passes them", () => {
    expect(readListConfig({ LIST_MAX_ITEMS: "10", LIST_MAX_BYTES: "2000", LIST_SAVES_PER_MINUTE: "60" })).toEqual({
      listSavesPerMinute: 60,
      ceilings: { items: 10, textBytes: 2_000 },
    });
  });

  it.each([
    [{ LIST_SAVES_PER_MINUTE: "1.5" }, /LIST_SAVES_PER_MINUTE/],
    [{ LIST_MAX_ITEMS: "0" }, /LIST_MAX_ITEMS/],
    [{ LIST_MAX_BYTES: "999" }, /LIST_MAX_BYTES/],
  ])("refuses %j naming the var", (vars, name) => {
    expect(() => readListConfig(vars)).toThrow(name);
  });
});
