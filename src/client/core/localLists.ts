/**
 * What this browser remembers about lists, in a key-value store
 * (`localStorage` in the page): the lists created or visited here ("Your
 * lists", newest first, at most {@link REMEMBERED_LISTS_MAX}), and the owner
 * keys it holds. Owner keys are kept apart from the bounded list, so a list
 * that drops off "Your lists" keeps its owner. Whatever is in the store is
 * checked when read: a corrupt or foreign value reads as nothing.
 */
import type { KeyValueStore } from "./outbox";

export interface RememberedList {
  id: string;
  title: string;
  /** When this browser last opened or created it (ms since epoch). */
  seenAt: number;
}

export const REMEMBERED_LISTS_KEY = "listroom.lists.v1";
export const REMEMBERED_LISTS_MAX = 20;
const OWNER_KEY_PREFIX = "listroom.owner.v1:";

function isRememberedList(value: unknown): value is RememberedList {
  if (typeof value !== "object" || value === null) return false;
  const list = value as Record<string, unknown>;
  return typeof list.id === "string" && typeof list.title === "string" && typeof list.seenAt === "number";
}

export class LocalLists {
  readonly #store: KeyValueStore;
  constructor(store: KeyValueStore) {
    this.#store = store;
  }

  /** The lists this browser knows, newest first. */
  remembered(): RememberedList[] {
    try {
      const parsed: unknown = JSON.parse(this.#store.getItem(REMEMBERED_LISTS_KEY) ?? "[]");
      return Array.isArray(parsed) ? parsed.filter(isRememberedList).slice(0, REMEMBERED_LISTS_MAX) : [];
    } catch {
      return [];
    }
  }

  /** Puts a list first (or moves it there, with its newest title), dropping the oldest beyond the bound. */
  remember(list: RememberedList): RememberedList[] {
    const lists = [list, ...this.remembered().filter((known) => known.id !== list.id)].slice(0, REMEMBERED_LISTS_MAX);
    this.#write(lists);
    return lists;
  }

  /** A list's new title, where it is remembered; nothing moves. */
  retitle(id: string, title: string): RememberedList[] {
    const lists = this.remembered().map((known) => (known.id === id ? { ...known, title } : known));
    this.#write(lists);
    return lists;
  }

  ownerKey(listId: string): string | null {
    return this.#store.getItem(OWNER_KEY_PREFIX + listId);
  }

  keepOwnerKey(listId: string, ownerKey: string): void {
    this.#store.setItem(OWNER_KEY_PREFIX + listId, ownerKey);
  }

  #write(lists: RememberedList[]): void {
    try {
      this.#store.setItem(REMEMBERED_LISTS_KEY, JSON.stringify(lists));
    } catch {
      // A full store: "Your lists" is a convenience, not worth an error.
    }
  }
}
