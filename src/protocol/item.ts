/**
 * The list item as it travels on the wire. What text it may hold is decided
 * in text.ts.
 */
import { isRecord, isSeq } from "./guards";

export interface Item {
  id: string;
  title: string;
  body: string;
  /** ISO-8601, UTC. */
  createdAt: string;
  /** 1 when saved, one more with every edit: a client keeps the highest it has seen. */
  version: number;
  /** ISO-8601, UTC, of the latest change to the title or body; null until one is changed. */
  updatedAt: string | null;
  /** Ticked off. Anyone who can open the list may tick or untick an item, with no key. */
  done: boolean;
  /** ISO-8601, UTC, of the latest tick or untick; null until the item is first ticked. */
  doneAt: string | null;
}

/** Whether `value`, as parsed from a frame, a page or storage, is an {@link Item}. */
export function isItem(value: unknown): value is Item {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    typeof value.title === "string" &&
    typeof value.body === "string" &&
    typeof value.createdAt === "string" &&
    isSeq(value.version) &&
    value.version >= 1 &&
    (value.updatedAt === null || typeof value.updatedAt === "string") &&
    typeof value.done === "boolean" &&
    (value.doneAt === null || typeof value.doneAt === "string")
  );
}

export interface NewItem {
  title: string;
  body: string;
}

/**
 * A change: the fields to change, at least one. Changing the title or body
 * needs the item's edit key or the list's owner key; `done` alone needs none.
 */
export type ItemPatch =
  | { title: string; body?: string; done?: boolean }
  | { title?: string; body: string; done?: boolean }
  | { title?: string; body?: string; done: boolean };

/** Whether a change touches the title or body, and so needs a key. */
export function touchesText(patch: ItemPatch): boolean {
  return patch.title !== undefined || patch.body !== undefined;
}

/**
 * The version a change was made on, from `If-Match: "N"`; null when not sent
 * (then the change applies whatever happened since). How it is read, field by
 * field, is fieldMerge.ts.
 */
export type ExpectedVersion = number | null;

/** The fields a change can name, each merged on its own (fieldMerge.ts); later fields join this list. */
export const CHANGE_FIELDS = ["title", "body", "done"] as const;
export type ChangeField = (typeof CHANGE_FIELDS)[number];

/**
 * The request header naming the writer of a save, edit, tick or removal: one
 * browser, by its browser id (`BROWSER_ID_PATTERN`, the same id its socket
 * sends as `browser`). It only decides what counts as another writer's
 * change; it grants nothing. An API client may leave it out.
 */
export const WRITER_HEADER = "Listroom-Writer";

/**
 * Whether `incoming` should replace what a client shows as `shown`: a newer
 * version of the item, or an item not shown at all. Frames and pages may
 * carry an item at a later version than the change that sent them (they
 * read the item as it is), so older versions arriving late are dropped.
 */
export function isNewerItem(incoming: Item, shown: Item | undefined): boolean {
  return shown === undefined || incoming.version > shown.version;
}
