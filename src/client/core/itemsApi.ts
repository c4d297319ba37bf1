/**
 * A list's items routes (`/api/items` for the default list,
 * `/api/lists/{id}/items` for others): reading pages, checked at the boundary
 * like every frame, and saving, editing and removing one item, each change
 * sent as this browser's (`Listroom-Writer`, docs/PROTOCOL.md).
 */
import { isErrorBody } from "../../protocol/errors";
import { isItem, WRITER_HEADER } from "../../protocol/item";
import { DEFAULT_LIST_ID, listPaths } from "../../protocol/lists";
import { SEARCH_PARAM } from "../../protocol/search";
import { readAnswer, SEND_TIMEOUT_MS } from "./answers";
import type { ItemsPage } from "./listModel";
import type { ChangeOutcome, PendingChange, PendingSave, PostOutcome } from "./outbox";

/** Who makes a change: this browser's id (browserId.ts), so the server never counts its own changes against each other. */
function writerHeader(writer: string | undefined): Record<string, string> {
  return writer === undefined ? {} : { [WRITER_HEADER]: writer };
}

/**
 * Posts a save to the API and sorts the answer into saved, rejected or worth
 * retrying (a save with no answer in time is sent again with the same key).
 */
export async function postSave(fetchImpl: typeof fetch, endpoint: string, save: PendingSave, writer?: string): Promise<PostOutcome> {
  const response = await fetchImpl(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": save.key, ...writerHeader(writer) },
    body: JSON.stringify({ title: save.title, body: save.body }),
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
  });
  const answer = await readAnswer(response, "save");
  if (answer.kind !== "ok") {
    return answer.kind === "rejected" && answer.error.code === "item_removed" ? { kind: "removed" } : answer;
  }
  const { item, editKey } = answer;
  // A success we cannot read is retried: the key makes the retry harmless.
  return item ? { kind: "saved", item, ...(editKey ? { editKey } : {}) } : { kind: "retry" };
}

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
  writer?: string,
): Promise<ChangeOutcome> {
  const headers: Record<string, string> = { ...writerHeader(writer), ...(credential !== null && { authorization: `Bearer ${credential}` }) };
  const edit = change.kind === "edit" ? change : null;
  if (edit) headers["content-type"] = "application/json";
  if (change.ifMatch != null) headers["if-match"] = `"${change.ifMatch}"`;
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
  if (answer.collision) return { kind: "collided", collision: answer.collision };
  return !edit && answer.status === 404 ? { kind: "done", item: null } : { kind: "rejected", error: answer.error };
}
