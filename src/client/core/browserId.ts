/**
 * A random id for this browser, kept in a key-value store (`localStorage` in
 * the page) and sent with every socket (`browser`, docs/PROTOCOL.md) so that
 * the head count counts browsers, not tabs. It is used for nothing else.
 */
import { BROWSER_ID_PATTERN } from "../../protocol/limits";
import type { KeyValueStore } from "./outbox";

export const BROWSER_ID_KEY = "listroom.browser.v1";

/** 128 random bits, URL-safe. */
function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** This browser's id: the one kept, or a new one, kept from now on. A store that cannot keep it gives one for this page only. */
export function browserId(store: KeyValueStore, newId: () => string = randomId): string {
  let kept: string | null = null;
  try {
    kept = store.getItem(BROWSER_ID_KEY);
  } catch {
    // Storage refused (private mode, say): this page counts on its own.
  }
  if (kept !== null && BROWSER_ID_PATTERN.test(kept)) return kept;
  const id = newId();
  try {
    store.setItem(BROWSER_ID_KEY, id);
  } catch {
    // As above.
  }
  return id;
}
