/**
 * The edit keys of items saved in this browser, per list, kept in a
 * key-value store (`localStorage` in the page): the save's answer carries
 * the key, and it is written before the save leaves the outbox, so an edit
 * queued behind the save finds it. At most {@link EDIT_KEYS_MAX} a list, the
 * oldest forgotten first (an owner can still change those items).
 */
import { DEFAULT_LIST_ID } from "../../protocol/lists";
import type { KeyValueStore } from "./outbox";

export const EDIT_KEYS_PREFIX = "listroom.editkeys.v1:";
export const EDIT_KEYS_MAX = 500;

export class EditKeys {
  readonly #storageKey: string;
  /** Read once: the page asks for every item on every paint. Keys saved in other tabs show after a reload. */
  #cached: Map<string, string> | null = null;

  readonly #store: KeyValueStore;

  constructor(
    store: KeyValueStore,
    listId: string = DEFAULT_LIST_ID,
  ) {
    this.#store = store;
    this.#storageKey = EDIT_KEYS_PREFIX + listId;
  }

  get(itemId: string): string | null {
    this.#cached ??= this.#read();
    return this.#cached.get(itemId) ?? null;
  }

  keep(itemId: string, editKey: string): void {
    const keys = this.#read();
    keys.delete(itemId);
    keys.set(itemId, editKey);
    const newest = [...keys].slice(-EDIT_KEYS_MAX);
    this.#cached = new Map(newest);
    try {
      this.#store.setItem(this.#storageKey, JSON.stringify(Object.fromEntries(newest)));
    } catch {
      // A full store: the item can still be changed by an owner.
    }
  }

  #read(): Map<string, string> {
    try {
      const parsed: unknown = JSON.parse(this.#store.getItem(this.#storageKey) ?? "{}");
      if (typeof parsed !== "object" || parsed === null) return new Map();
      return new Map(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
    } catch {
      return new Map();
    }
  }
}
