/**
 * The page paths every side must read the same way (protocol/lists.ts): the
 * module's own tests, the service worker's shell and the Worker's answer all
 * run through these, so a path cannot be a list for one and not for another.
 */
import { DEFAULT_LIST_ID } from "../../src/protocol/lists";

/** An id of the form the Worker issues (22 URL-safe characters). */
export const ISSUED_ID = "Xq3v9V0kP2bT7rWm1sLd8A";

/** Paths that show a list, and which. */
export const LIST_PAGE_PATHS: readonly { path: string; id: string }[] = [
  { path: "/", id: DEFAULT_LIST_ID },
  { path: "/index.html", id: DEFAULT_LIST_ID },
  { path: `/l/${ISSUED_ID}`, id: ISSUED_ID },
  { path: `/l/${ISSUED_ID}/`, id: ISSUED_ID },
];

/** Paths shaped like a list's link that name no list. */
export const BAD_LIST_LINKS: readonly string[] = [
  // Mistyped or made-up names: too short for an issued id.
  "/l/groceries",
  "/l/abc",
  // One character past the longest id.
  `/l/${"a".repeat(65)}`,
  // The issued id with its first character percent-encoded ("X" is %58).
  `/l/%58${ISSUED_ID.slice(1)}`,
  "/l/",
  `/l/${ISSUED_ID}/extra`,
  "/l/%E0%A4%A",
  "/l/a%20b%20c%20d%20e%20f%20g",
];
