/** The two shape checks every parse at the boundary (frames.ts, item.ts) starts from. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A seq, a version or a count: a whole number from 0 up. */
export function isSeq(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
