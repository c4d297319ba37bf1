/**
 * What the page does when one of its changes collided with another writer's
 * (a `412`; changeRefusals.ts has already taken the collided fields out of
 * the queue). Typed text is never thrown away: an edit reopens the dialog
 * with the person's own text and the other version beside it, to keep or to
 * take. A tick or removal shows the item as it is now and says so once.
 * A dialog already open (the person writing something else) is never taken
 * from them: collisions wait their turn until it closes.
 */
import type { Item } from "../../protocol/item";
import { changeProblem, collisionText, editCollisionText } from "../core/changeProblems";
import type { Fields } from "../core/changeRefusals";
import type { ItemDialog } from "./itemDialog";
import type { ListView } from "./listView";
import type { PendingChange } from "../core/outbox";

export class CollisionDesk {
  readonly #waiting: (() => void)[] = [];
  readonly #view: ListView;
  readonly #dialog: ItemDialog;
  readonly #say: (text: string) => void;

  constructor(view: ListView, dialog: ItemDialog, say: (text: string) => void) {
    this.#view = view;
    this.#dialog = dialog;
    this.#say = say;
    dialog.onClosed(() => this.#showNext());
  }

  /** `change` collided; the item is `now`, and `mine` the person's own values that differ from it. */
  collided(change: PendingChange, now: Item, mine: Fields): void {
    // A tick that collided: the other page set `done` after the state this
    // page saw, on purpose (it changed it back, or twice). Its state stays,
    // the same for everyone, and this page says so: a tick is one click to
    // redo, and sending ours anyway would silently undo theirs.
    if (mine.done !== undefined || change.kind === "remove") this.#say(collisionText(change, now));
    if (mine.title === undefined && mine.body === undefined) return;
    this.#waiting.push(() => this.#reopen(change, now.id, mine));
    this.#showNext();
  }

  #showNext(): void {
    if (!this.#dialog.isOpen) this.#waiting.shift()?.();
  }

  /** The edit dialog on the item as it is now (with this page's other unsent edits), the person's text in the collided fields. */
  #reopen(change: PendingChange, itemId: string, mine: Fields): void {
    const now = this.#view.model.find(itemId);
    const shown = this.#view.shown(itemId);
    // Removed while another dialog was open.
    if (!now || !shown) return this.#say(changeProblem(change, { code: "not_found", message: "" }, change.label ?? null));
    const opened = { title: mine.title === undefined ? shown.title : now.title, body: mine.body === undefined ? shown.body : now.body };
    const theirs = { ...(mine.title !== undefined && { title: now.title }), ...(mine.body !== undefined && { body: now.body }) };
    this.#dialog.open(
      { title: mine.title ?? opened.title, body: mine.body ?? opened.body },
      editCollisionText(now),
      { itemId, version: now.version, opened },
      theirs,
    );
  }
}
