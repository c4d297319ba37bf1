/**
 * Finds the web addresses in an item's body, so the page can show them as
 * links. Only `http:` and `https:` addresses count: anything else
 * (`javascript:`, `data:`, `file:`) stays text. The result is plain pieces
 * of text and addresses; the page builds the nodes from them, never markup.
 */

export type BodyPiece = { text: string } | { text: string; href: string };

/** An address starts with its scheme at a word's edge and runs to white space or a character no address holds unescaped. */
const ADDRESS = /\bhttps?:\/\/[^\s<>"`{}|\\^]+/giu;
/** Sentence punctuation after an address belongs to the sentence, not to the address. */
const TRAILING = /[.,;:!?'*]+$/u;

const CLOSING_TO_OPENING: Record<string, string> = { ")": "(", "]": "[" };

function occurrences(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** Drops punctuation (and a closing bracket the address never opened) from the address's end. */
function trimAddress(candidate: string): string {
  let address = candidate.replace(TRAILING, "");
  for (let last = address.at(-1); last !== undefined && last in CLOSING_TO_OPENING; last = address.at(-1)) {
    if (occurrences(address, CLOSING_TO_OPENING[last]!) >= occurrences(address, last)) break;
    address = address.slice(0, -1).replace(TRAILING, "");
  }
  return address;
}

/** The address as a link's target, or null when it does not parse as an http(s) URL with a host. */
function linkTarget(address: string): string | null {
  try {
    const url = new URL(address);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * The body cut into text and links, in order; joined, the pieces' text is the body.
 *
 * @example
 * bodyPieces("See https://example.com/a.") // [{ text: "See " }, { text: "https://example.com/a", href: "https://example.com/a" }, { text: "." }]
 * bodyPieces("javascript:alert(1)") // [{ text: "javascript:alert(1)" }]
 */
export function bodyPieces(body: string): BodyPiece[] {
  const pieces: BodyPiece[] = [];
  let textStart = 0;
  for (const match of body.matchAll(ADDRESS)) {
    const address = trimAddress(match[0]);
    const href = linkTarget(address);
    if (href === null) continue;
    if (match.index > textStart) pieces.push({ text: body.slice(textStart, match.index) });
    pieces.push({ text: address, href });
    textStart = match.index + address.length;
  }
  if (textStart < body.length || pieces.length === 0) pieces.push({ text: body.slice(textStart) });
  return pieces;
}
