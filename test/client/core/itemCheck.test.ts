/** The page's pre-check agrees with every text rule (the same table the server is tested with). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkNewItem } from "../../../src/client/core/itemCheck";
import { storedForm, textRules } from "../../protocol/textRules";

describe("the page's check of a new item", () => {
  it.each(Object.entries(textRules))("%s", (_rule, cases) => {
    fc.assert(
      fc.property(cases, ({ title, body, accept }) => {
        const check = checkNewItem(title, body);
        expect(check.ok).toBe(accept);
        if (check.ok) expect(check.input).toEqual({ title: storedForm(title), body: storedForm(body) });
      }),
      { numRuns: 300 },
    );
  });

  it("accepts a title alone", () => {
    expect(checkNewItem("Buy milk", "  ")).toEqual({ ok: true, input: { title: "Buy milk", body: "" } });
  });

  it("says what is wrong with each field, named as the page labels it", () => {
    expect(checkNewItem("a\u2028b", "\u200b")).toEqual({
      ok: false,
      titleProblem: "Title must be one line",
      bodyProblem: "Main Text must hold at least one visible character",
    });
  });
});
