/**
 * The body every route answers a page of items with, `{ items, nextBefore }`:
 * `nextBefore` is the id to pass as `before` for the next, older page, or null
 * when there is none. Built here only, from the room's page, and read back
 * here only, from a copy the edge cache kept (newestPage.ts).
 */
import { isItem, type Item } from "../protocol/item";
import type { Page } from "../room";

export interface ItemsPageBody {
  items: Item[];
  nextBefore: string | null;
}

export function itemsPageBody({ items, hasOlder }: Page): ItemsPageBody {
  return { items, nextBefore: hasOlder ? (items.at(-1)?.id ?? null) : null };
}

/** A page body from its JSON text, or null when the text is not one. */
export function parseItemsPageBody(text: string): ItemsPageBody | null {
  const body: unknown = JSON.parse(text);
  if (typeof body !== "object" || body === null || !("items" in body) || !("nextBefore" in body)) return null;
  const { items, nextBefore } = body;
  if (!Array.isArray(items) || !items.every(isItem)) return null;
  return nextBefore === null || typeof nextBefore === "string" ? { items, nextBefore } : null;
}
