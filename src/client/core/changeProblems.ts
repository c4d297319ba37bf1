/**
 * What to tell the person when the server refuses a save, edit, tick or
 * removal. The list shows what the server holds, so the words only need to
 * say what happened to the change, and honestly who made the other one: a
 * collision is always with another page or device, never with this page's
 * own queued changes (the server never counts those against each other).
 */
import type { ErrorBody } from "../../protocol/errors";
import { touchesText, type Item } from "../../protocol/item";
import type { PendingChange } from "./outbox";

/** Where the other change came from, as far as this page can know. */
const ELSEWHERE = "on another page or device";

function changeName(change: PendingChange): string {
  return change.kind === "remove" ? "removal" : touchesText(change.patch) ? "edit" : "tick";
}

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
 * A refusal for good, said once for the change and any of the item's later ones it took with it.
 *
 * @example
 * changeProblem(tick, { code: "not_found", message: "…" }, "Milk")
 * // "“Milk”: this item is gone (it was removed), so your tick was not saved."
 */
export function changeProblem(change: PendingChange, error: ErrorBody["error"], title: string | null): string {
  const what = changeName(change);
  const which = title === null ? "" : `“${title}”: `;
  switch (error.code) {
    case "version_mismatch":
      return `${which}this item was changed ${ELSEWHERE}; your ${what} was not saved. That version is shown.`;
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

/**
 * A tick or removal that collided (a `412`): the item as it is now is shown,
 * and this says why. An edit's collision opens the dialog instead ({@link editCollisionText}).
 *
 * @example
 * collisionText(tick, { ...milk, done: false }) // "“Milk” was unticked on another page or device, so your tick was not applied."
 */
export function collisionText(change: PendingChange, now: Item): string {
  const which = `“${now.title}”`;
  if (change.kind === "remove") return `${which} was changed ${ELSEWHERE}, so it was not removed. Remove it again if you still want to.`;
  const yours = change.patch.done === false ? "untick" : changeName(change);
  return `${which} was ${now.done ? "ticked" : "unticked"} ${ELSEWHERE}, so your ${yours} was not applied.`;
}

/** Above the edit dialog reopened on a collision, with the person's text in it and the other version beside it. */
export function editCollisionText(now: Item): string {
  return `“${now.title}” was changed ${ELSEWHERE} too. Your text is below, theirs beside it: keep yours, or take theirs.`;
}
