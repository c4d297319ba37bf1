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
    ["a title with a right-to-left override", { title: "abc\u202edcba", body: "b" }],
    ["a title with a line separator", { title: "one\u2028two", body: "b" }],
    ["a title with a next-line control", { title: "one\u0085two", body: "b" }],
    ["a title of zero-width characters only", { title: "\u200b\u200c\u200d", body: "b" }],
    ["a body of one letter with 4,992 combining marks", { title: "t", body: "Z" + "\u0336".repeat(4992) }],
  ])("%s is refused (issue 14)", async (_name, input) => {
    await expectRejected(await postJson(input), 400, "invalid_input");
  });

  it("an item may be only a title: Main Text absent, empty or blank is stored empty", async () => {
    for (const input of [{ title: "Buy milk" }, { title: "Buy milk", body: "" }, { title: "Buy milk", body: " \n " }]) {
      const response = await postJson(input);
      expect(response.status).toBe(201);
      const { item } = await response.json<{ item: Item }>();
      expect({ title: item.title, body: item.body }).toEqual({ title: "Buy milk", body: "" });
    }
  });

  it("a refusal names the field as the page labels it", async () => {
    const noTitle = await postJson({ title: " ", body: "text" });
    expect((await noTitle.json<{ error: { message: string } }>()).error.message).toBe("title: Title must not be empty");
    const badBody = await postJson({ title: "t", body: "\u200b" });
    expect((await badBody.json<{ error: { message: string } }>()).error.message).toBe(
      "body: Main Text must hold at least one visible character",
    );
    const notText = await postJson({ title: "t", body: 3 });
    expect((await notText.json<{ error: { message: string } }>()).error.message).toBe("body: Main Text must be a string");
  });
});
