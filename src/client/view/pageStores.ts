/** The browser's storage as the page uses it, with a fallback where the browser refuses it. */
import type { StringStore } from "../offline/savedLists";
import type { KeyValueStore } from "../core/outbox";

/** `localStorage` when the browser lets us have it; otherwise saves live as long as the tab. */
export function durableStore(): StringStore {
  try {
    const probe = "listroom.probe";
    localStorage.setItem(probe, probe);
    localStorage.removeItem(probe);
    return localStorage;
  } catch {
    const memory = new Map<string, string>();
    return {
      getItem: (key) => memory.get(key) ?? null,
      setItem: (key, value) => void memory.set(key, value),
      removeItem: (key) => void memory.delete(key),
    };
  }
}

/** `sessionStorage`, or null where the browser refuses it (then the page never reloads itself: nothing would stop a loop). */
export function sessionStore(): KeyValueStore | null {
  try {
    return sessionStorage;
  } catch {
    return null;
  }
}
