/** Lines pasted or typed into Title, read as items (src/client/core/titleLines.ts), in plain Node. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkLines, linesText, titleLines } from "../../../src/client/core/titleLines";
import { BATCH_MAX_ITEMS } from "../../../src/protocol/limits";

const titlesOf = (text: string) => titleLines(text).map(({ title, done }) => (done ? `[x] ${title}` : title));

describe("reading Title's lines", () => {
  it("makes one item per line, in the order pasted, whatever the line breaks", () => {
    expect(titlesOf("Apples\nPears\nPlums")).toEqual(["Apples", "Pears", "Plums"]);
    expect(titlesOf("Apples\r\nPears\rPlums\u2028Figs\u2029Dates\u0085Kiwis")).toEqual(["Apples", "Pears", "Plums", "Figs", "Dates", "Kiwis"]);
  });

  it("skips blank lines and lines of white space, and counts them in each line's number", () => {
    expect(titleLines("\n  Apples \n\n \t \nPears\n")).toEqual([
      { title: "Apples", done: false, line: 2 },
      { title: "Pears", done: false, line: 5 },
    ]);
  });

  it.each([
    ["- Apples", "Apples"],
    ["* Apples", "Apples"],
    ["+ Apples", "Apples"],
    ["• Apples", "Apples"],
    ["•Apples", "Apples"],
    ["1. Apples", "Apples"],
    ["12) Apples", "Apples"],
    ["  - Apples", "Apples"],
    ["- [ ] Apples", "Apples"],
    ["[ ] Apples", "Apples"],
    ["☐ Apples", "Apples"],
    ["- [x] Apples", "[x] Apples"],
    ["* [X] Apples", "[x] Apples"],
    ["[x] Apples", "[x] Apples"],
    ["3. [x] Apples", "[x] Apples"],
    ["☑ Apples", "[x] Apples"],
    ["☒Apples", "[x] Apples"],
  ])("takes the list's marks off %j", (line, read) => {
    expect(titlesOf(`${line}\nPears`)).toEqual([read, "Pears"]);
  });

  it.each([
    ["-5 degrees outside", "-5 degrees outside"],
    ["*important*", "*important*"],
    ["2024. A year", "2024. A year"],
    ["[x]tight", "[x]tight"],
    ["- - nested", "- nested"],
  ])("leaves text that only looks like a mark: %j", (line, read) => {
    expect(titlesOf(`${line}\nPears`)).toEqual([read, "Pears"]);
  });

  it("skips a line that is only a mark or an empty checkbox", () => {
    expect(titlesOf("- \n- [ ]\n- [x]\n1.\nApples")).toEqual(["Apples"]);
  });

  it("reads a spreadsheet's columns, tab-separated, as one title with spaces", () => {
    expect(titlesOf("Apples\t3 kg\nPears\t\t2")).toEqual(["Apples 3 kg", "Pears 2"]);
  });

  it("reads back what linesText wrote, done lines included", () => {
    const title = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ,']{0,20}[A-Za-z0-9]$/);
    const lines = fc.array(fc.record({ title, body: fc.constant(""), done: fc.boolean() }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(lines, (sent) => {
        expect(titleLines(linesText(sent)).map(({ title, done }) => ({ title, body: "", done }))).toEqual(sent);
      }),
    );
  });
});

describe("checking the lines before they are sent", () => {
  it("normalises each title as the server stores it, with no body", () => {
    expect(checkLines(titleLines("Cafe\u0301 \n[x] Tea"))).toEqual({
      ok: true,
      lines: [
        { title: "Café", body: "", done: false },
        { title: "Tea", body: "", done: true },
      ],
    });
  });

  it("names the first line that breaks a title's rules by where it stands in Title", () => {
    expect(checkLines(titleLines(`Apples\n\nPears\n${"x".repeat(201)}\n\u202eevil`))).toEqual({
      ok: false,
      problem: "Line 4: Title is 201 characters; the limit is 200",
    });
  });

  it(`refuses more than ${BATCH_MAX_ITEMS} lines, and takes ${BATCH_MAX_ITEMS}`, () => {
    const text = (count: number) => Array.from({ length: count }, (_, n) => `item ${n}`).join("\n");
    expect(checkLines(titleLines(text(BATCH_MAX_ITEMS + 1)))).toEqual({
      ok: false,
      problem: `That is ${BATCH_MAX_ITEMS + 1} lines; at most ${BATCH_MAX_ITEMS} items can be added at once`,
    });
    expect(checkLines(titleLines(text(BATCH_MAX_ITEMS))).ok).toBe(true);
  });
});
