/**
 * The text rules of src/protocol/text.ts as fast-check properties: each
 * generator yields a title and a body with the verdict the rule demands. The
 * same table runs against the page's pre-check (test/client/core/itemCheck.test.ts)
 * and against the server over HTTP (test/worker/itemText.test.ts), so the two
 * cannot drift apart.
 */
import fc from "fast-check";
import { BODY_MAX_BYTES, TITLE_MAX_BYTES } from "../../src/protocol/limits";
import { COMBINING_MARKS_MAX } from "../../src/protocol/text";

export interface TextCase {
  title: string;
  body: string;
  /** Whether the item must be accepted; if so, it is stored as NFC, trimmed. */
  accept: boolean;
}

const visibleWord = fc.string({ unit: fc.constantFrom(..."abcxyzABC0123שלוםкот漢字"), minLength: 1, maxLength: 12 });
const at = <T>(values: readonly T[]) => fc.constantFrom(...values);

const composable = fc
  .array(fc.record({ base: at(["a", "e", "o", "u", "c", "n", "A", "E"]), marks: fc.subarray(["\u0301", "\u0300", "\u0302", "\u0308", "\u0327", "\u0303"], { maxLength: 2 }) }), {
    minLength: 1,
    maxLength: 20,
  })
  .map((letters) => letters.map(({ base, marks }) => base + marks.join("")).join(""));

const LINE_BREAKS = ["\u2028", "\u2029", "\u0085", "\n", "\r", "\r\n"] as const;
const BIDI_CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"] as const;
/** Characters that draw nothing, or nothing on their own. At most 8 of them, so no run of marks is too long. */
const INVISIBLE = [" ", "\u3000", "\u00a0", "\u200b", "\u200c", "\u200d", "\u200e", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u180e", "\u3164", "\u115f", "\u2800", "\u0301"] as const;
/** Combining Latin letters: marks that never compose with a base under NFC, so the count survives normalisation. */
const NON_COMPOSING_MARKS = [..."\u0363\u0364\u0365\u0366\u0367\u0368\u0369\u036a\u036b\u036c\u036d\u036e\u036f"];

export const textRules: Record<string, fc.Arbitrary<TextCase>> = {
  "text is stored NFC-normalised: decomposed and composed input are the same item": composable.chain((text) =>
    fc.constantFrom(text.normalize("NFD"), text.normalize("NFC")).map((title) => ({ title, body: text.normalize("NFD"), accept: true })),
  ),

  "a title with any line break (CR, LF, U+2028, U+2029, U+0085) is refused": fc
    .tuple(visibleWord, at(LINE_BREAKS), visibleWord)
    .map(([before, lineBreak, after]) => ({ title: before + lineBreak + after, body: "b", accept: false })),

  "a body keeps every kind of line break": fc
    .tuple(visibleWord, at(LINE_BREAKS), visibleWord)
    .map(([before, lineBreak, after]) => ({ title: "t", body: before + lineBreak + after, accept: true })),

  "bidirectional embedding, override and isolate controls are refused anywhere": fc
    .tuple(visibleWord, at(BIDI_CONTROLS), visibleWord, fc.boolean())
    .map(([before, control, after, inTitle]) => {
      const text = before + control + after;
      return { title: inTitle ? text : "t", body: inTitle ? "b" : text, accept: false };
    }),

  "text with no visible character (zero-width, fillers, blanks, a lone mark) is refused, but a body that trims to nothing is empty": fc
    .tuple(fc.array(at(INVISIBLE), { minLength: 1, maxLength: 8 }), fc.boolean())
    .map(([chars, inTitle]) => {
      const text = chars.join("");
      return { title: inTitle ? text : "t", body: inTitle ? "b" : text, accept: !inTitle && storedForm(text) === "" };
    }),

  "Main Text is optional: an item may be only a title": fc
    .tuple(visibleWord, at(["", " ", "\n\t ", "\u3000"]))
    .map(([title, body]) => ({ title, body, accept: true })),

  "the same invisible characters around one visible letter are accepted": fc
    .tuple(fc.array(at(INVISIBLE), { minLength: 1, maxLength: 8 }), fc.nat(), at(["x", "ש", "字", "😀"]))
    .map(([invisible, where, letter]) => {
      const chars: string[] = [...invisible];
      chars.splice(where % (chars.length + 1), 0, letter);
      return { title: chars.join(""), body: chars.join(""), accept: true };
    }),

  [`a character with more than ${COMBINING_MARKS_MAX} combining marks is refused, with up to that many accepted`]: fc
    .tuple(fc.array(at(NON_COMPOSING_MARKS), { maxLength: COMBINING_MARKS_MAX * 3 }), visibleWord, fc.boolean())
    .map(([marks, word, inTitle]) => {
      const text = word + "x" + marks.join("");
      return {
        title: inTitle ? text : "t",
        body: inTitle ? "b" : text,
        accept: marks.length <= COMBINING_MARKS_MAX,
      };
    }),

  "titles are capped in UTF-8 bytes as well as characters": fc
    .tuple(fc.integer({ min: 1, max: 200 }), at(["😀", "𝔸", "字", "é"]))
    .map(([count, char]) => ({
      title: char.repeat(count),
      body: "b",
      accept: new TextEncoder().encode(char).byteLength * count <= TITLE_MAX_BYTES,
    })),

  "bodies are capped in UTF-8 bytes as well as characters": fc
    .tuple(fc.integer({ min: BODY_MAX_BYTES / 4 - 30, max: BODY_MAX_BYTES / 4 + 30 }))
    .map(([count]) => ({ title: "t", body: "😀".repeat(count), accept: count * 4 <= BODY_MAX_BYTES })),
};

/** What the server stores for an accepted case. */
export function storedForm(text: string): string {
  return text.normalize("NFC").trim();
}
