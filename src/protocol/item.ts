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
}

export interface NewItem {
  title: string;
  body: string;
}
