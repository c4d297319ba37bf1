/**
 * The lists API as the page uses it: create a list, read one, rename one with
 * its owner key. Answers are checked at the boundary; a refusal comes back as
 * the server's message, ready to show, and so does a network failure.
 */
import { isErrorBody } from "../../protocol/errors";
import { isListInfo, listPaths, LISTS_PATH, type ListInfo } from "../../protocol/lists";

export type ListAnswer<T> = ({ ok: true } & T) | { ok: false; status: number; message: string };

/** A server's or a rule's message as the page shows it: capitalised, with a full stop. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?)]$/.test(text) ? "" : ".");
}

const UNREACHABLE = "the server could not be reached; check the connection and try again";

async function call<T>(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  read: (body: Record<string, unknown>) => T | null,
): Promise<ListAnswer<T>> {
  let response: Response;
  try {
    response = await fetchImpl(url, init);
  } catch {
    return { ok: false, status: 0, message: UNREACHABLE };
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = isErrorBody(body) ? body.error.message : `the server answered ${response.status}`;
    const retryAfter = response.headers.get("retry-after");
    return { ok: false, status: response.status, message: retryAfter ? `${message} (try again in ${retryAfter} s)` : message };
  }
  const value = typeof body === "object" && body !== null ? read(body as Record<string, unknown>) : null;
  return value === null ? { ok: false, status: response.status, message: "the server's answer could not be read" } : { ok: true, ...value };
}

function json(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/** Creates a list; an empty title leaves it to the server ("Untitled list"). */
export function createList(fetchImpl: typeof fetch, title: string): Promise<ListAnswer<{ list: ListInfo; ownerKey: string }>> {
  return call(fetchImpl, LISTS_PATH, json("POST", title === "" ? {} : { title }), (body) =>
    isListInfo(body.list) && typeof body.ownerKey === "string" ? { list: body.list, ownerKey: body.ownerKey } : null,
  );
}

export function readList(fetchImpl: typeof fetch, listId: string): Promise<ListAnswer<{ list: ListInfo }>> {
  return call(fetchImpl, listPaths(listId).info, { method: "GET" }, (body) => (isListInfo(body.list) ? { list: body.list } : null));
}

export function renameList(
  fetchImpl: typeof fetch,
  listId: string,
  title: string,
  ownerKey: string,
): Promise<ListAnswer<{ list: ListInfo }>> {
  const init = json("PATCH", { title }, { authorization: `Bearer ${ownerKey}` });
  return call(fetchImpl, listPaths(listId).info, init, (body) => (isListInfo(body.list) ? { list: body.list } : null));
}
