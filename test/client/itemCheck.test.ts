/** The page's pre-check agrees with every text rule (the same table the server is tested with). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkNewItem } from "../../src/client/itemCheck";
import { storedForm, textRules } from "../protocol/textRules";

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

  it("says what is wrong with each field", () => {
    expect(checkNewItem("a\u2028b", "\u200b")).toEqual({
      ok: false,
      titleProblem: "title must be one line",
      bodyProblem: "body must hold at least one visible character",
    });
  });
});
