/**
 * The page's side of search: whether an item it holds matches a query, by
 * the rule the server's index follows (src/protocol/search.ts), so that what
 * the page shows as you type is what the server would find. Words fold as
 * FTS5's `unicode61 remove_diacritics 2` folds them: lowercase, and accents
 * off Latin letters only ("Crème" is "creme"; "й" stays "й", "ł" and "ø"
 * stay too, as they do in SQLite). Each word of the query must begin a word
 * of the item's title or body.
 */
import { searchWords } from "../../protocol/search";

/** Combining diacritical marks (U+0300–U+036F) after a Latin letter, once the text is decomposed. */
const LATIN_DIACRITICS = /(\p{Script=Latin})[\u0300-\u036f]+/gu;

/**
 * `word` as the index keeps it.
 *
 * @example
 * foldWord("BRÛLÉE") // "brulee"
 * foldWord("İstanbul") // "istanbul"
 */
export function foldWord(word: string): string {
  return word.toLowerCase().normalize("NFD").replace(LATIN_DIACRITICS, "$1").normalize("NFC");
}

/**
 * The folded words of `text`. Text of ASCII alone folds by lowercasing it:
 * one pass instead of two normalizations a word, which made the first
 * keystroke of a search on 1,000 items a task of about 90 ms on a slow phone
 * (docs/PERFORMANCE.md).
 */
export function foldedWords(text: string): string[] {
  return /[^\0-\x7f]/.test(text) ? searchWords(text).map(foldWord) : searchWords(text.toLowerCase());
}

/**
 * Each item's folded words, worked out once: items are kept as they are until
 * they change (a new version is a new object), so every render and every
 * keystroke after the first reads them from here.
 */
const wordsOf = new WeakMap<object, string[]>();

/** A query, read once, to test many items against. */
export interface SearchQuery {
  /** The folded words of the query; empty when it has none (nothing to search for). */
  words: string[];
}

export function readSearchQuery(text: string): SearchQuery {
  return { words: [...new Set(foldedWords(text))] };
}

/**
 * Whether every word of `query` begins a word of `title` or `body`. A query
 * with no words matches everything.
 *
 * @example
 * matchesSearch(readSearchQuery("oat mil"), { title: "Café au lait", body: "with oat milk" }) // true
 */
export function matchesSearch(query: SearchQuery, item: { title: string; body: string }): boolean {
  if (query.words.length === 0) return true;
  let words = wordsOf.get(item);
  if (!words) {
    words = foldedWords(`${item.title} ${item.body}`);
    wordsOf.set(item, words);
  }
  return query.words.every((wanted) => words.some((word) => word.startsWith(wanted)));
}
