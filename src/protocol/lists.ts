/**
 * Lists: each is its own room, addressed by an id. The default list, `main`,
 * keeps the original routes (`/`, `/api/items`, `/ws`); every other list lives
 * under `/l/{id}` (the page) and `/api/lists/{id}/…` (the API). This module is
 * the one place for the default id, the id format, and the paths to and from
 * ids: the Worker, the page and the service worker all read them from here, so
 * a link one of them takes for a list is one the others take for the same list.
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

/**
 * Whether `id` has a list id's form (the default id, or an issued one). Only
 * the form: whether such a list exists, the list's room says.
 */
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
/** Where a list other than the default has its page: `/l/{id}`. */
export const LIST_PAGE_PREFIX = "/l/";
/** The default list's page, also reached as its file name. */
export const DEFAULT_LIST_PAGES: readonly string[] = ["/", "/index.html"];

/**
 * The list a page path shows, or null when the path names no list: the
 * default list for `/` and `/index.html`, the id of `/l/{id}` (a trailing
 * slash allowed) when the id has a list id's form. Ids are URL-safe, so a link
 * never needs to encode one: a percent-encoded id is not a list's link.
 *
 * @example
 * listIdFromPath("/")                        // "main"
 * listIdFromPath("/l/Xq3v9V0kP2bT7rWm1sLd8A") // "Xq3v9V0kP2bT7rWm1sLd8A"
 * listIdFromPath("/l/groceries")             // null (too short for an issued id)
 */
export function listIdFromPath(pathname: string): string | null {
  if (DEFAULT_LIST_PAGES.includes(pathname)) return DEFAULT_LIST_ID;
  if (!pathname.startsWith(LIST_PAGE_PREFIX)) return null;
  const rest = pathname.slice(LIST_PAGE_PREFIX.length);
  const id = rest.endsWith("/") ? rest.slice(0, -1) : rest;
  return isListId(id) ? id : null;
}

/** Where a list's API lives; the default list keeps its original paths. */
export function listPaths(id: string): { items: string; socket: string; info: string; page: string } {
  const base = `${LISTS_PATH}/${encodeURIComponent(id)}`;
  if (id === DEFAULT_LIST_ID) return { items: "/api/items", socket: SOCKET_PATH, info: base, page: "/" };
  return { items: `${base}/items`, socket: `${base}/ws`, info: base, page: `${LIST_PAGE_PREFIX}${encodeURIComponent(id)}` };
}
