/**
 * A list's items routes (`/api/items` for the default list,
 * `/api/lists/{id}/items` for others): reading pages, checked at the boundary
 * like every frame, and editing and removing one item.
 */
import { isErrorBody } from "../../protocol/errors";
import { isItem } from "../../protocol/item";
import { DEFAULT_LIST_ID, listPaths } from "../../protocol/lists";
import { SEARCH_PARAM } from "../../protocol/search";
import { readAnswer, SEND_TIMEOUT_MS } from "./answers";
import type { ItemsPage } from "./listModel";
import type { ChangeOutcome, PendingChange } from "./outbox";

/**
 * The page of items older than `before`; throws with the server's message when refused.
 * `itemsPath` is the list's, from `listPaths(id).items`; the default list's when left out.
 */
export async function readItemsPage(
  fetchImpl: typeof fetch,
  baseUrl: string,
  before: string,
  itemsPath = listPaths(DEFAULT_LIST_ID).items,
): Promise<ItemsPage> {
  return readPage(await fetchImpl(`${baseUrl}${itemsPath}?before=${encodeURIComponent(before)}`));
}

/** A page of items as answered, checked like every frame; throws with the server's message when refused. */
async function readPage(response: Response): Promise<ItemsPage> {
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(isErrorBody(body) ? body.error.message : `HTTP ${response.status}`);
  const page = typeof body === "object" && body !== null ? (body as { items?: unknown; nextBefore?: unknown }) : {};
  return {
    items: Array.isArray(page.items) ? page.items.filter(isItem) : [],
    nextBefore: typeof page.nextBefore === "string" ? page.nextBefore : null,
  };
}

/**
 * The items matching `query` (src/protocol/search.ts), newest first, a page
 * at a time: older than `before` when given. Throws with the server's message
 * when refused.
 */
export async function searchItemsPage(
  fetchImpl: typeof fetch,
  baseUrl: string,
  query: string,
  before: string | null,
  itemsPath = listPaths(DEFAULT_LIST_ID).items,
  signal?: AbortSignal,
): Promise<ItemsPage> {
  const params = new URLSearchParams({ [SEARCH_PARAM]: query });
  if (before !== null) params.set("before", before);
  return readPage(await fetchImpl(`${baseUrl}${itemsPath}?${params.toString()}`, signal ? { signal } : {}));
}

/** Where an item is edited and removed: `{itemsPath}/{itemId}`. */
export function itemPath(itemsPath: string, itemId: string): string {
  return `${itemsPath}/${encodeURIComponent(itemId)}`;
}

/**
 * Sends an edit (`PATCH`) or removal (`DELETE`) with `credential` (the item's
 * edit key or the owner key; null for a tick, which needs none) and sorts the
 * answer. Removing what is no longer there is what was asked, so a removal's
 * 404 counts as done.
 */
export async function sendChange(
  fetchImpl: typeof fetch,
  url: string,
  change: PendingChange,
  credential: string | null,
): Promise<ChangeOutcome> {
  const headers: Record<string, string> = credential === null ? {} : { authorization: `Bearer ${credential}` };
  const edit = change.kind === "edit" ? change : null;
  if (edit) headers["content-type"] = "application/json";
  if (edit && edit.ifMatch !== null) headers["if-match"] = `"${edit.ifMatch}"`;
  const response = await fetchImpl(url, {
    method: edit ? "PATCH" : "DELETE",
    headers,
    ...(edit ? { body: JSON.stringify(edit.patch) } : {}),
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
  });
  const answer = await readAnswer(response, edit ? "edit" : "removal");
  // A success we cannot read is retried: repeating an edit is harmless.
  if (answer.kind === "ok") return edit && !answer.item ? { kind: "retry" } : { kind: "done", item: answer.item };
  if (answer.kind !== "rejected") return answer;
  return !edit && answer.status === 404 ? { kind: "done", item: null } : { kind: "rejected", error: answer.error };
}
