/**
 * Opening an owner link (`/l/{id}#owner={key}`): the key is kept only once
 * the server says it owns the list (the owner check, which changes nothing),
 * so a prank link or a typo never replaces the key that works, which may
 * exist only in this browser. A key that works replaces one that does not.
 * When the check cannot be made (offline, a limit), nothing is kept and the
 * link stays in the address bar, so a reload asks again.
 */
import { ownerCheckPath, OwnerCheckStatus } from "../../protocol/ownerCheck";
import { ownerKeyFromFragment } from "./listAddress";

export type OwnerCheckAnswer = "owner" | "not-owner" | "no-such-list" | "unknown";

/** Where this browser keeps owner keys (LocalLists). */
export interface OwnerKeys {
  ownerKey(listId: string): string | null;
  keepOwnerKey(listId: string, ownerKey: string): void;
}

export interface OwnerLinkOutcome {
  /** What the address bar's fragment should be now: without the key, unless it could not be checked. */
  fragment: string;
  /** What to tell the person, or null for nothing. */
  message: string | null;
}

export const NOT_VALID_MESSAGE = "That owner link is not valid for this list.";
export const NOT_CHECKED_MESSAGE = "Could not check that owner link just now; reload the page to try again.";

/** Asks the server whether `key` owns the list. */
export async function checkOwnerKey(fetchImpl: typeof fetch, listId: string, key: string): Promise<OwnerCheckAnswer> {
  let response: Response;
  try {
    response = await fetchImpl(ownerCheckPath(listId), { headers: { authorization: `Bearer ${key}` } });
  } catch {
    return "unknown";
  }
  await response.body?.cancel();
  if (response.status === OwnerCheckStatus.Owner) return "owner";
  if (response.status === OwnerCheckStatus.NotOwner) return "not-owner";
  if (response.status === OwnerCheckStatus.NoSuchList) return "no-such-list";
  return "unknown";
}

/**
 * Takes the owner key out of a page's fragment and keeps it if, and only if,
 * it owns the list.
 *
 * @example
 * const outcome = await takeOwnerLink(location.hash, listId, new LocalLists(localStorage),
 *   (key) => checkOwnerKey(fetch, listId, key));
 * history.replaceState(history.state, "", location.pathname + location.search + outcome.fragment);
 */
export async function takeOwnerLink(
  fragment: string,
  listId: string,
  keys: OwnerKeys,
  check: (key: string) => Promise<OwnerCheckAnswer>,
): Promise<OwnerLinkOutcome> {
  const { ownerKey: linked, rest } = ownerKeyFromFragment(fragment);
  if (rest === fragment) return { fragment, message: null };
  // An `owner` the server could never take (characters a key cannot hold).
  if (linked === null) return { fragment: rest, message: NOT_VALID_MESSAGE };
  if (linked === keys.ownerKey(listId)) return { fragment: rest, message: null };
  switch (await check(linked)) {
    case "owner":
      keys.keepOwnerKey(listId, linked);
      return { fragment: rest, message: null };
    case "not-owner":
      return { fragment: rest, message: NOT_VALID_MESSAGE };
    case "no-such-list":
      // The page says there is no such list; there is nothing to own.
      return { fragment: rest, message: null };
    case "unknown":
      return { fragment, message: NOT_CHECKED_MESSAGE };
  }
}
