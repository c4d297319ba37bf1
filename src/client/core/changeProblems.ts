/**
 * What to tell the person when the server refuses a save, edit, tick or
 * removal for good. Their version of the item stays on screen (the list shows what the
 * server holds), so the words only need to say what happened to the change.
 */
import type { ErrorBody } from "../../protocol/errors";
import { touchesText } from "../../protocol/item";
import type { PendingChange } from "./outbox";

/**
 * What a refused save's dialog says (the person's text stays in it): a full
 * list (`LIST_MAX_ITEMS`, `LIST_MAX_BYTES`) in the page's words, else the server's.
 *
 * @example
 * saveProblem({ code: "list_full", message: "…" }) // "This list is full: your item was not saved. Remove some items to make room."
 */
export function saveProblem(error: ErrorBody["error"]): string {
  return error.code === "list_full" ? "This list is full: your item was not saved. Remove some items to make room." : error.message;
}

/**
 * @example
 * changeProblem(edit, { code: "version_mismatch", message: "…" }, "Milk")
 * // "“Milk”: someone else changed this item; your edit was not saved. Their version is shown."
 */
export function changeProblem(change: PendingChange, error: ErrorBody["error"], title: string | null): string {
  const what = change.kind === "remove" ? "removal" : touchesText(change.patch) ? "edit" : "tick";
  const which = title === null ? "" : `“${title}”: `;
  switch (error.code) {
    case "version_mismatch":
      return `${which}someone else changed this item; your ${what} was not saved. Their version is shown.`;
    case "not_found":
      return `${which}this item is gone (it was removed), so your ${what} was not saved.`;
    case "list_full":
      return `${which}this list is full, so your ${what} (which makes the item longer) was not saved. Remove some items to make room.`;
    case "forbidden":
    case "unauthorized":
      return `${which}your key for this item is no longer valid; your ${what} was not saved.`;
    default:
      return `${which}your ${what} was not saved: ${error.message}`;
  }
}
