/**
 * Remove and Undo as a person meets them: the card turns into
 * "Removed “title” · Undo" with focus on Undo, and the removal is said aloud;
 * Undo brings the item back with focus on it; when the window closes the
 * removal goes to the outbox, and focus moves on to the next item (the view
 * does that for any card that leaves with focus in it).
 */
import type { Item } from "../../protocol/item";
import { quoted, type Announcer } from "./announcer";
import type { ListView } from "./listView";
import { UNDO_WINDOW_MS, type UndoWindow } from "../core/undoWindow";

export class Removals {
  readonly #view: ListView;
  readonly #undoWindow: UndoWindow;
  readonly #announcer: Announcer;
  readonly #queueRemoval: (item: Item) => void;

  constructor(view: ListView, undoWindow: UndoWindow, announcer: Announcer, queueRemoval: (item: Item) => void) {
    this.#view = view;
    this.#undoWindow = undoWindow;
    this.#announcer = announcer;
    this.#queueRemoval = queueRemoval;
  }

  remove(item: Item): void {
    this.#view.showUndoable(item.id, true);
    this.#view.card(item.id)?.undo.focus();
    this.#announcer.say(`Removed ${quoted(item.title)}. Undo is there for ${UNDO_WINDOW_MS / 1000} seconds.`);
    this.#undoWindow.start(item.id, () => {
      // Queued first: the card leaves the page with focus still in it, so the view moves focus on.
      // As the person saw it when they pressed Remove: its version goes as `If-Match`.
      this.#queueRemoval(item);
      this.#view.showUndoable(item.id, false);
    });
  }

  undo(itemId: string): void {
    if (!this.#undoWindow.undo(itemId)) return;
    this.#view.showUndoable(itemId, false);
    this.#view.card(itemId)?.root.focus();
    const title = this.#view.model.find(itemId)?.title;
    if (title !== undefined) this.#announcer.say(`Restored ${quoted(title)}.`);
  }
}
