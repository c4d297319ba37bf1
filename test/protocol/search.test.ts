import { describe, expect, it } from "vitest";
import { problemWithSearchQuery, SEARCH_QUERY_MAX_CHARS, SEARCH_WORDS_MAX, searchWords } from "../../src/protocol/search";

describe("search queries", () => {
  it("are words: runs of letters, digits and marks, with nothing else in them", () => {
    expect(searchWords('"Crème" -brûlée* NEAR(x) title:y')).toEqual(["Crème", "brûlée", "NEAR", "x", "title", "y"]);
    expect(searchWords("cafe\u0301 \u0301")).toEqual(["cafe\u0301"]);
  });

  it("need a word, and are at most so long and so many words", () => {
    expect(problemWithSearchQuery("milk")).toBeNull();
    expect(problemWithSearchQuery("!?")).toBe("q must hold at least one letter or digit");
    expect(problemWithSearchQuery("é".repeat(SEARCH_QUERY_MAX_CHARS))).toBeNull();
    expect(problemWithSearchQuery("é".repeat(SEARCH_QUERY_MAX_CHARS + 1))).toMatch(/the limit is 200/);
    expect(problemWithSearchQuery(Array(SEARCH_WORDS_MAX).fill("w").join(" "))).toBeNull();
    expect(problemWithSearchQuery(Array(SEARCH_WORDS_MAX + 1).fill("w").join(" "))).toMatch(/the limit is 16/);
    expect(problemWithSearchQuery("a\ud800")).toMatch(/surrogate/);
  });
});
