/**
 * Which list a page is for, and the links that lead to it: the list id from
 * the path (`/` is the default list, `/l/{id}` any other), the share link, and
 * the owner link, which carries the owner key in the fragment
 * (`/l/{id}#owner={key}`) because a fragment never reaches the server.
 */
import { listPaths } from "../../protocol/lists";

const OWNER_PARAM = "owner";
/** What the server accepts after `Bearer ` (src/worker/schemas.ts); anything else in a fragment is not a key. */
const OWNER_KEY_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

// The one rule for which list a path shows, shared with the Worker and the service worker.
export { listIdFromPath } from "../../protocol/lists";

/**
 * The owner key in a fragment, and the fragment that should remain once it is
 * taken out (`""` for none).
 *
 * @example
 * ownerKeyFromFragment("#owner=abc") // { ownerKey: "abc", rest: "" }
 */
export function ownerKeyFromFragment(fragment: string): { ownerKey: string | null; rest: string } {
  const params = new URLSearchParams(fragment.replace(/^#/, ""));
  const ownerKey = params.get(OWNER_PARAM);
  if (ownerKey === null) return { ownerKey: null, rest: fragment };
  params.delete(OWNER_PARAM);
  const rest = params.toString();
  return { ownerKey: OWNER_KEY_PATTERN.test(ownerKey) ? ownerKey : null, rest: rest === "" ? "" : `#${rest}` };
}

/** The link that shares a list: anyone holding it can read and add. */
export function shareLink(origin: string, listId: string): string {
  return `${origin}${listPaths(listId).page}`;
}

/** The link that makes whoever opens it an owner of the list: share it with care. */
export function ownerLink(origin: string, listId: string, ownerKey: string): string {
  return `${shareLink(origin, listId)}#${OWNER_PARAM}=${ownerKey}`;
}

/** `ws:` or `wss:` to the list's socket, on the page's own host. */
export function socketUrl(location: { protocol: string; host: string }, listId: string): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${listPaths(listId).socket}`;
}
