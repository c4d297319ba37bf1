/** The server applies every text rule (the same table the page's pre-check is tested with). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { storedForm, textRules } from "../protocol/textRules";
import { expectRejected, postJson } from "./request";

describe("item text over HTTP", () => {
  it.each(Object.entries(textRules))("%s", async (_rule, cases) => {
    await fc.assert(
      fc.asyncProperty(cases, async ({ title, body, accept }) => {
        const response = await postJson({ title, body });
        if (!accept) {
          await expectRejected(response, 400, "invalid_input");
          return;
        }
        expect(response.status).toBe(201);
        const { item } = await response.json<{ item: Item }>();
        expect({ title: item.title, body: item.body }).toEqual({ title: storedForm(title), body: storedForm(body) });
      }),
      { numRuns: 25 },
    );
  });

  it.each([
    ["a right-to-left override", "abc\u202edcba"],
    ["a line separator", "one\u2028two"],
    ["a next-line control", "one\u0085two"],
    ["zero-width characters only", "\u200b\u200c\u200d"],
    ["one letter with 4,992 combining marks", "Z" + "\u0336".repeat(4992)],
  ])("a title with %s is refused (issue 14)", async (_name, title) => {
    await expectRejected(await postJson({ title: title.slice(0, 5000), body: "b" }), 400, "invalid_input");
  });
});
