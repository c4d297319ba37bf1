/**
 * Public item ids: the log position in base 36, a dash, and 64 random bits in
 * hex, e.g. `k3-9f2c41d07ab3e5c8`. The position makes a cursor (`before=ID`)
 * a primary-key lookup with no index to keep up on every save; the random
 * part keeps ids from two databases (a wiped dev store, say) from colliding
 * in a page that has seen both.
 */
const ID_PATTERN = /^([0-9a-z]{1,11})-[0-9a-f]{16}$/;

export function newItemId(pos: number): string {
  const random = crypto.getRandomValues(new Uint8Array(8));
  return `${pos.toString(36)}-${Array.from(random, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/** The position an id claims, or null for something that is not an item id. */
export function claimedPos(id: string): number | null {
  const match = ID_PATTERN.exec(id);
  if (!match) return null;
  const pos = parseInt(match[1]!, 36);
  return Number.isSafeInteger(pos) && pos > 0 ? pos : null;
}
