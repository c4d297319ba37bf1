import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { searchWords } from "../../../src/protocol/search";
import { foldedWords, foldWord, matchesSearch, readSearchQuery } from "../../../src/client/core/searchFolding";
import { SEARCH_CASES } from "../../protocol/searchCases";

describe("the page's search folding", () => {
  it.each(SEARCH_CASES)("$query in $text: $matches", ({ text, query, matches }) => {
    expect(matchesSearch(readSearchQuery(query), { title: text, body: "" })).toBe(matches);
    expect(matchesSearch(readSearchQuery(query), { title: "", body: text })).toBe(matches);
  });

  it("folds case and Latin accents, and keeps every other letter", () => {
    expect(foldWord("BRÛLÉE")).toBe("brulee");
    expect(foldWord("Cafe\u0301")).toBe("cafe");
    expect(foldWord("Łódź")).toBe("łodz");
    expect(foldWord("Ἀθῆναι")).toBe("ἀθῆναι");
    // Hangul decomposes under NFD; it must come back whole.
    expect(foldWord("한국어")).toBe("한국어");
  });

  it("matches everything with a query of no words, and needs every word of one", () => {
    expect(matchesSearch(readSearchQuery(" ?! "), { title: "anything", body: "" })).toBe(true);
    expect(matchesSearch(readSearchQuery("oat mil"), { title: "Café au lait", body: "with oat milk" })).toBe(true);
    expect(matchesSearch(readSearchQuery("oat tea"), { title: "Café au lait", body: "with oat milk" })).toBe(false);
  });

  it("folds ASCII text in one pass to the same words as folding each word", () => {
    const ascii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code)) });
    fc.assert(
      fc.property(ascii, (text) => {
        expect(foldedWords(text)).toEqual(searchWords(text).map(foldWord));
      }),
    );
    expect(foldedWords("Item 12: BUY milk_2x")).toEqual(["item", "12", "buy", "milk", "2x"]);
    expect(foldedWords("Crème BRÛLÉE")).toEqual(["creme", "brulee"]);
  });
});
