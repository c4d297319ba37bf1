/**
 * The one set of rules for the text an item may hold, used by the server's
 * input schemas and by the page before anything is sent. Text is first
 * normalised ({@link normalizeItemText}: Unicode NFC, trimmed), then checked
 * ({@link problemWithField}). The rules keep text from deceiving a reader:
 *
 * - a title is one line: no C0 controls, and none of U+2028, U+2029, U+0085;
 *   a body keeps tabs and line breaks (those three included);
 * - no other C0 or C1 controls, DEL or unpaired surrogates anywhere;
 * - no bidirectional embedding, override or isolate controls (U+202A–U+202E,
 *   U+2066–U+2069), which can reorder the text around them; they are refused
 *   rather than isolated, so what is stored is what a reader sees. The marks
 *   U+200E, U+200F and U+061C stay allowed: they reorder nothing beyond
 *   themselves, and right-to-left writers need them;
 * - a title holds at least one visible character (not white space, not a
 *   format or default-ignorable character such as U+200B, not a combining
 *   mark alone); a body is optional: empty, or with a visible character;
 * - at most {@link COMBINING_MARKS_MAX} combining marks in a row, enough for
 *   every script's stacked diacritics, not for text that draws over its neighbours;
 * - at most so many characters (code points) and so many UTF-8 bytes.
 */
import { BODY_MAX_BYTES, BODY_MAX_CHARS, TITLE_MAX_BYTES, TITLE_MAX_CHARS } from "./limits";

export type ItemField = "title" | "body";

/** Each field as the page labels it, the name every message about it uses. */
export const FIELD_LABELS: Record<ItemField, string> = { title: "Title", body: "Main Text" };

/** The longest run of combining marks (Unicode category M) allowed after one base character. */
export const COMBINING_MARKS_MAX = 8;

const FIELD_MAX_CHARS: Record<ItemField, number> = { title: TITLE_MAX_CHARS, body: BODY_MAX_CHARS };
const FIELD_MAX_BYTES: Record<ItemField, number> = { title: TITLE_MAX_BYTES, body: BODY_MAX_BYTES };

/** Line breaks beyond CR and LF: LINE SEPARATOR, PARAGRAPH SEPARATOR, NEXT LINE. */
const UNICODE_LINE_BREAKS = /[\u2028\u2029\u0085]/u;
// A title has no line break of any kind, nor a tab. A body keeps tab, LF, CR
// and the Unicode line breaks. Other C0 and C1 controls and DEL never belong
// in text people read.
const FORBIDDEN_CONTROLS: Record<ItemField, RegExp> = {
  title: /[\u0000-\u001f\u007f-\u009f]/u,
  body: /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f]/u,
};
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/u;
/** A character that draws something: not white space, a control, a format or ignorable character, a mark, or the blank Braille pattern. */
const VISIBLE = /[^\p{White_Space}\p{Cc}\p{Cf}\p{M}\p{Default_Ignorable_Code_Point}\u2800]/u;
const MARK_RUN = new RegExp(`\\p{M}{${COMBINING_MARKS_MAX + 1}}`, "u");

/**
 * What the server stores for a field sent as `raw`: NFC-normalised and trimmed.
 *
 * @example
 * normalizeItemText("  Cafe\u0301 ") // "Café" (one code point for é)
 */
export function normalizeItemText(raw: string): string {
  // Normalising a string with an unpaired surrogate leaves it in place, for
  // problemWithField to refuse.
  return raw.normalize("NFC").trim();
}

/** Length as people count it: code points, so an emoji is one character. */
export function charCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

const encoder = new TextEncoder();

/**
 * Why `text` (already normalised) cannot be the given field, or `null` when
 * it can. Messages name the field as the page labels it.
 *
 * @example
 * problemWithField("title", "") // "Title must not be empty"
 * problemWithField("body", "") // null: an item may be only a title
 * problemWithField("body", "\u200b") // "Main Text must hold at least one visible character"
 */
export function problemWithField(field: ItemField, text: string): string | null {
  const label = FIELD_LABELS[field];
  if (text.length === 0) return field === "body" ? null : `${label} must not be empty`;
  if (!text.isWellFormed()) return `${label} contains an unpaired UTF-16 surrogate`;
  if (field === "title" && UNICODE_LINE_BREAKS.test(text)) return `${label} must be one line`;
  if (FORBIDDEN_CONTROLS[field].test(text)) return `${label} contains a control character`;
  if (BIDI_CONTROLS.test(text)) return `${label} contains a bidirectional embedding, override or isolate control`;
  if (!VISIBLE.test(text)) return `${label} must hold at least one visible character`;
  if (MARK_RUN.test(text)) return `${label} has more than ${COMBINING_MARKS_MAX} combining marks on one character`;
  const maxChars = FIELD_MAX_CHARS[field];
  const count = charCount(text);
  if (count > maxChars) return `${label} is ${count} characters; the limit is ${maxChars}`;
  const maxBytes = FIELD_MAX_BYTES[field];
  // A code point is at most 4 bytes, so most text is decided without encoding it.
  if (text.length * 3 > maxBytes) {
    const bytes = encoder.encode(text).byteLength;
    if (bytes > maxBytes) return `${label} is ${bytes} bytes of UTF-8; the limit is ${maxBytes}`;
  }
  return null;
}
