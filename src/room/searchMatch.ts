/**
 * A query as an FTS5 expression that can only mean "every word, as the start
 * of a word": each word of the query (src/protocol/search.ts) becomes a quoted
 * string with a prefix star, so nothing in it is read as FTS5 syntax (`AND`,
 * `NEAR`, `-`, `*`, `^`, `column:`, parentheses). Words never hold a `"`;
 * doubling it anyway keeps the quoting right whatever the word rule becomes.
 * See https://www.sqlite.org/fts5.html#full_text_query_syntax.
 *
 * @example
 * searchMatch('milk -"NEAR"') // '"milk"* "NEAR"*'
 */
import { searchWords } from "../protocol/search";

export function searchMatch(query: string): string {
  return searchWords(query)
    .map((word) => `"${word.replaceAll('"', '""')}"*`)
    .join(" ");
}
