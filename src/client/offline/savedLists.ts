/**
 * The last state of each list the device has shown, kept in `localStorage`
 * so that the page paints it at once on the next open: before the socket
 * connects, and with no network at all. It is synchronous on purpose: the
 * copy is on screen in the same task that starts the page.
 *
 * Bounded three ways, so that lists cannot crowd out the outbox (which shares
 * the origin's few megabytes): the newest {@link SAVED_LIST_LIMITS}.items of
 * a list, at most `.chars` characters of JSON for one list (older items are
 * dropped first), and only the `.lists` lists opened most recently.
 *
 * A copy keeps the ids of items removed while the list was shown, and never
 * gives those items back. Copies saved by the page before items had versions
 * are read as version 1, never edited, rather than thrown away.
 */
import { isItem, type Item } from "../../protocol/item";
import { PAGE_DEFAULT_LIMIT } from "../../protocol/limits";
import type { ShownList } from "../core/listModel";

export interface SavedList extends ShownList {
  /** The list's title, once lists have one; null until then. */
  title: string | null;
  /** When it was saved (ms since epoch); the least recent lists go first when space runs out. */
  savedAt: number;
}

export interface StringStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface SavedListLimits {
  items: number;
  chars: number;
  lists: number;
}

/** A snapshot's worth of items; about 300 KB of UTF-16 per list at most; six lists. */
export const SAVED_LIST_LIMITS: SavedListLimits = { items: PAGE_DEFAULT_LIMIT, chars: 150_000, lists: 6 };

const LIST_KEY_PREFIX = "listroom.saved.v1:";
const INDEX_KEY = "listroom.saved.v1";

interface IndexEntry {
  listId: string;
  savedAt: number;
}

/**
 * The newest items of `list` that fit the limits; `hasOlder` turns true when
 * any were left out.
 *
 * @example
 * bounded({ title: null, items: threeItems, hasOlder: false, savedAt: 0 }, { items: 2, chars: 1e6, lists: 1 });
 * // the two newest, hasOlder: true
 */
export function bounded(list: SavedList, limits: SavedListLimits): SavedList {
  const kept: Item[] = [];
  let chars = JSON.stringify({ ...list, items: [] }).length;
  for (const item of list.items.slice(0, limits.items)) {
    chars += JSON.stringify(item).length + 1;
    if (chars > limits.chars) break;
    kept.push(item);
  }
  return { ...list, items: kept, hasOlder: list.hasOlder || kept.length < list.items.length };
}

/**
 * An item as saved by this page or an earlier one: items saved before
 * protocol 3 have no `version` or `updatedAt`, and are their first version;
 * items saved before protocol 4 have no `done` or `doneAt`, and were never ticked.
 *
 * @example
 * upgradedItem({ id: "a", title: "t", body: "b", createdAt: "…" }) // { …, version: 1, updatedAt: null, done: false, doneAt: null }
 */
export function upgradedItem(value: unknown): Item | null {
  if (typeof value !== "object" || value === null) return null;
  let item = value as Record<string, unknown>;
  if (item.version === undefined) item = { ...item, version: 1, updatedAt: null };
  if (item.done === undefined) item = { ...item, done: false, doneAt: null };
  return isItem(item) ? item : null;
}

function parseSavedList(text: string | null): SavedList | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const saved = value as Record<string, unknown>;
  if (!Array.isArray(saved.items) || typeof saved.savedAt !== "number") return null;
  const removed = Array.isArray(saved.removed) ? saved.removed.filter((id): id is string => typeof id === "string") : [];
  const gone = new Set(removed);
  return {
    title: typeof saved.title === "string" ? saved.title : null,
    items: saved.items.map(upgradedItem).filter((item): item is Item => item !== null && !gone.has(item.id)),
    removed,
    hasOlder: saved.hasOlder === true,
    savedAt: saved.savedAt,
  };
}

function parseIndex(text: string | null): IndexEntry[] {
  try {
    const value: unknown = JSON.parse(text ?? "[]");
    if (!Array.isArray(value)) return [];
    return value.filter(
      (entry): entry is IndexEntry => typeof entry?.listId === "string" && typeof entry?.savedAt === "number",
    );
  } catch {
    return [];
  }
}

export class SavedLists {
  readonly #store: StringStore;
  readonly #limits: SavedListLimits;
  constructor(
    store: StringStore,
    limits: SavedListLimits = SAVED_LIST_LIMITS,
  ) {
    this.#store = store;
    this.#limits = limits;
  }

  load(listId: string): SavedList | null {
    try {
      return parseSavedList(this.#store.getItem(LIST_KEY_PREFIX + listId));
    } catch {
      return null;
    }
  }

  /** Saves a list's newest items within the limits, forgetting the least recent lists beyond them. */
  save(listId: string, list: SavedList): void {
    const text = JSON.stringify(bounded(list, this.#limits));
    const index = [{ listId, savedAt: list.savedAt }, ...this.#index().filter((entry) => entry.listId !== listId)];
    index.sort((a, b) => b.savedAt - a.savedAt);
    const keep = index.slice(0, this.#limits.lists);
    try {
      this.#forget(index.slice(this.#limits.lists));
      this.#write(listId, text, keep);
    } catch {
      // Out of space: the other lists go, this one is the one in use.
      try {
        this.#forget(keep.filter((entry) => entry.listId !== listId));
        this.#write(listId, text, keep.filter((entry) => entry.listId === listId));
      } catch {
        // Still no room (or no storage at all): the page works without a saved copy.
      }
    }
  }

  #index(): IndexEntry[] {
    try {
      return parseIndex(this.#store.getItem(INDEX_KEY));
    } catch {
      return [];
    }
  }

  #write(listId: string, text: string, index: IndexEntry[]): void {
    this.#store.setItem(LIST_KEY_PREFIX + listId, text);
    this.#store.setItem(INDEX_KEY, JSON.stringify(index));
  }

  #forget(entries: IndexEntry[]): void {
    for (const entry of entries) this.#store.removeItem(LIST_KEY_PREFIX + entry.listId);
  }
}
