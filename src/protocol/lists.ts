/**
 * Lists: each is its own room, addressed by an id. The default list, `main`,
 * keeps the original routes (`/`, `/api/items`, `/ws`); every other list lives
 * under `/l/{id}` (the page) and `/api/lists/{id}/…` (the API).
 */
import { problemWithField } from "./text";
import { SOCKET_PATH } from "./limits";

export interface ListInfo {
  id: string;
  title: string;
  /** ISO-8601, UTC. */
  createdAt: string;
}

export const DEFAULT_LIST_ID = "main";
export const DEFAULT_LIST_TITLE = "Untitled list";
/** What the default list is called; it was never created, so it has no stored title until its owner sets one. */
export const MAIN_LIST_TITLE = "Listroom";
export const LIST_TITLE_MAX_CHARS = 100;

/** An issued list id: URL-safe, 16–64 characters. */
const LIST_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** A list as it arrives over HTTP, checked at the boundary (the page's side of `{"list": …}`). */
export function isListInfo(value: unknown): value is ListInfo {
  if (typeof value !== "object" || value === null) return false;
  const list = value as Record<string, unknown>;
  return typeof list.id === "string" && typeof list.title === "string" && typeof list.createdAt === "string";
}

export function isListId(id: string): boolean {
  return id === DEFAULT_LIST_ID || LIST_ID_PATTERN.test(id);
}

/** Why `text` (already trimmed) cannot be a list's title, or `null` when it can: an item title's rules, shorter. */
export function problemWithListTitle(text: string): string | null {
  const problem = problemWithField("title", text);
  if (problem !== null) return problem;
  const count = [...text].length;
  return count > LIST_TITLE_MAX_CHARS ? `title is ${count} characters; the limit is ${LIST_TITLE_MAX_CHARS}` : null;
}

export const LISTS_PATH = "/api/lists";

/** Where a list's API lives; the default list keeps its original paths. */
export function listPaths(id: string): { items: string; socket: string; info: string; page: string } {
  const base = `${LISTS_PATH}/${encodeURIComponent(id)}`;
  if (id === DEFAULT_LIST_ID) return { items: "/api/items", socket: SOCKET_PATH, info: base, page: "/" };
  return { items: `${base}/items`, socket: `${base}/ws`, info: base, page: `/l/${encodeURIComponent(id)}` };
}
