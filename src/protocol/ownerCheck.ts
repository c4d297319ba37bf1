/**
 * The owner check: `GET /api/lists/{id}/owner` with `Authorization: Bearer
 * {key}` asks whether a key owns a list and changes nothing. The page asks
 * before it keeps a key from an owner link, so a bad link never costs an
 * owner the key that works.
 */
import { listPaths } from "./lists";

export const OWNER_CHECK_SEGMENT = "owner";

/** What the check's status says. */
export const OwnerCheckStatus = { Owner: 204, NotOwner: 403, NoSuchList: 404 } as const;

export function ownerCheckPath(listId: string): string {
  return `${listPaths(listId).info}/${OWNER_CHECK_SEGMENT}`;
}
