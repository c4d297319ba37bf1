/**
 * What a search is, for both sides: the words of a query, and how long a
 * query may be. The server finds items with SQLite's FTS5 (its `unicode61`
 * tokenizer, src/room/migrations.ts `009_search`); the page filters what it
 * has loaded by the same rules (src/client/core/searchFolding.ts). A word is a run
 * of letters, digits, private-use characters and combining marks (the
 * tokenizer's categories `L* N* Co M*`); everything else separates words, so
 * no character of a query is ever query syntax. Each word of a query matches
 * the start of a word in an item's title or body: "mil" finds "Milk".
 */

/** Longest `q`, in characters (code points). */
export const SEARCH_QUERY_MAX_CHARS = 200;
/** Most words in one query: every word is one more lookup in the index. */
export const SEARCH_WORDS_MAX = 16;
/** The query parameter of `GET /api/items` (and of a list's items route) that searches. */
export const SEARCH_PARAM = "q";

const WORD = /[\p{L}\p{N}\p{Co}\p{M}]+/gu;
/** A word must hold something besides marks, which the tokenizer drops. */
const WORD_CORE = /[\p{L}\p{N}\p{Co}]/u;

/**
 * The words of `text`, as written (not folded), in order.
 *
 * @example
 * searchWords('"Crème" -brûlée* NEAR(x)') // ["Crème", "brûlée", "NEAR", "x"]
 */
export function searchWords(text: string): string[] {
  return (text.match(WORD) ?? []).filter((word) => WORD_CORE.test(word));
}

/** Why `q` cannot be searched for, or null when it can. */
export function problemWithSearchQuery(q: string): string | null {
  const chars = [...q].length;
  if (chars > SEARCH_QUERY_MAX_CHARS) return `q is ${chars} characters; the limit is ${SEARCH_QUERY_MAX_CHARS}`;
  if (!q.isWellFormed()) return "q contains an unpaired UTF-16 surrogate";
  const words = searchWords(q).length;
  if (words === 0) return "q must hold at least one letter or digit";
  if (words > SEARCH_WORDS_MAX) return `q has ${words} words; the limit is ${SEARCH_WORDS_MAX}`;
  return null;
}
