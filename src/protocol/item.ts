/**
 * The list item as it travels on the wire, and the one rule for what text an
 * item may hold. The server validates with it; the page uses it to tell people
 * before they press Save.
 */
import { BODY_MAX_CHARS, TITLE_MAX_CHARS } from "./limits";

export interface Item {
  id: string;
  title: string;
  body: string;
  /** ISO-8601, UTC. */
  createdAt: string;
}

export interface NewItem {
  title: string;
  body: string;
}

export type ItemField = keyof NewItem;

const FIELD_MAX_CHARS: Record<ItemField, number> = {
  title: TITLE_MAX_CHARS,
  body: BODY_MAX_CHARS,
};

// A title is one line; a body keeps tabs and line breaks (CR, LF). Other
// control characters (Unicode's Cc: C0, DEL and C1, whose U+009B is a
// terminal's CSI like ESC [) never belong in text people read.
const FORBIDDEN_CONTROLS: Record<ItemField, RegExp> = {
  title: /[\u0000-\u001f\u007f-\u009f]/u,
  body: /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u,
};

/** Length as people count it: code points, so an emoji is one character. */
export function charCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function hasLoneSurrogate(text: string): boolean {
  return !text.isWellFormed();
}

/**
 * Why `text` (already trimmed) cannot be the given field, or `null` when it can.
 *
 * @example
 * problemWithField("title", "") // "title must not be empty"
 */
export function problemWithField(field: ItemField, text: string): string | null {
  const max = FIELD_MAX_CHARS[field];
  if (text.length === 0) return `${field} must not be empty`;
  if (hasLoneSurrogate(text)) return `${field} contains an unpaired UTF-16 surrogate`;
  if (FORBIDDEN_CONTROLS[field].test(text)) return `${field} contains a control character`;
  const count = charCount(text);
  if (count > max) return `${field} is ${count} characters; the limit is ${max}`;
  return null;
}
