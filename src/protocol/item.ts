/**
 * The list item as it travels on the wire. What text it may hold is decided
 * in text.ts.
 */

export interface Item {
  id: string;
  title: string;
  body: string;
  /** ISO-8601, UTC. */
  createdAt: string;
  /** 1 when saved, one more with every edit: a client keeps the highest it has seen. */
  version: number;
  /** ISO-8601, UTC, of the latest edit; null until the item is edited. */
  updatedAt: string | null;
}

export interface NewItem {
  title: string;
  body: string;
}

/** An edit: the fields to change, at least one. */
export type ItemPatch = { title: string; body?: string } | { title?: string; body: string };

/** The version an item must be at for a change to apply, from `If-Match: "N"`; null when not sent. */
export type ExpectedVersion = number | null;

/**
 * Whether `incoming` should replace what a client shows as `shown`: a newer
 * version of the item, or an item not shown at all. Frames and pages may
 * carry an item at a later version than the change that sent them (they
 * read the item as it is), so older versions arriving late are dropped.
 */
export function isNewerItem(incoming: Item, shown: Item | undefined): boolean {
  return shown === undefined || incoming.version > shown.version;
}
