/**
 * How a query matches an item's text, as one table: the page's filter
 * (test/client/core/searchFolding.test.ts) and the server's index
 * (test/worker/search.test.ts) are both held to it, so they agree.
 */
export interface SearchCase {
  text: string;
  query: string;
  matches: boolean;
}

export const SEARCH_CASES: readonly SearchCase[] = [
  { text: "Buy milk", query: "milk", matches: true },
  { text: "Buy milk", query: "MILK", matches: true },
  { text: "Buy milk", query: "mi", matches: true },
  { text: "Buy milk", query: "ilk", matches: false },
  { text: "Buy milk", query: "buy milk", matches: true },
  { text: "Buy milk", query: "milk buy", matches: true },
  { text: "Buy milk", query: "buy bread", matches: false },
  { text: "Crème brûlée", query: "creme brulee", matches: true },
  { text: "creme brulee", query: "Crème Brûlée", matches: true },
  { text: "CAFÉ", query: "cafe", matches: true },
  { text: "Việt Nam", query: "viet", matches: true },
  { text: "Ångström", query: "angstrom", matches: true },
  { text: "İstanbul", query: "istanbul", matches: true },
  { text: "Żabka", query: "zabka", matches: true },
  // Letters SQLite's tokenizer does not fold, nor do we.
  { text: "Łódź", query: "lodz", matches: false },
  { text: "Łódź", query: "łodz", matches: true },
  { text: "Straße", query: "strasse", matches: false },
  // Accents come off Latin letters only: Greek and Cyrillic keep theirs.
  { text: "йогурт", query: "иогурт", matches: false },
  { text: "άλφα", query: "άλφα", matches: true },
  // Marks stay inside a word: Devanagari is not cut at its vowel signs.
  { text: "हैलो वर्ल्ड", query: "वर्ल्ड", matches: true },
  { text: "हैलो वर्ल्ड", query: "ल", matches: false },
  { text: "你好世界", query: "你好", matches: true },
  // Punctuation separates words and means nothing in a query.
  { text: "o'neil's x-ray", query: "neil ray", matches: true },
  { text: "NEAR the door", query: "NEAR(door)", matches: true },
  { text: "milk", query: "-milk*", matches: true },
  { text: "milk", query: '"milk"', matches: true },
  { text: "3.14 apples", query: "14", matches: true },
];
