/**
 * After several items are added at once: "Added 3 items." with an Undo that
 * takes every one of them back. A batch still waiting in the outbox leaves
 * it unsent; one the server stored has each of its items removed, as Remove
 * would; one on its way is removed once its answer names the items. The note
 * goes when the add dialog next opens.
 */
import { showNote } from "./pageElements";

export interface AddedElements {
  bar: HTMLElement;
  text: HTMLElement;
  undo: HTMLButtonElement;
}

export interface AddedActions {
  /** Takes the batch out of the outbox unsent; false when it is being sent, or was answered. */
  withdraw(batchKey: string): boolean;
  remove(itemId: string): void;
}

export class AddedLines {
  /** The batch the note is about: its key, how many items, their ids once answered, and whether Undo waits for them. */
  #batch: { key: string; count: number; ids: string[] | null; undone: boolean } | null = null;

  readonly #elements: AddedElements;
  readonly #actions: AddedActions;

  constructor(elements: AddedElements, actions: AddedActions) {
    this.#elements = elements;
    this.#actions = actions;
    elements.undo.addEventListener("click", () => this.#undo());
  }

  added(batchKey: string, count: number): void {
    this.#batch = { key: batchKey, count, ids: null, undone: false };
    this.#show(`Added ${count} items.`, true);
  }

  /** The server stored the batch: these are its items. */
  saved(batchKey: string, ids: string[]): void {
    if (this.#batch?.key !== batchKey) return;
    this.#batch.ids = ids;
    if (this.#batch.undone) this.#removeAll();
  }

  clear(): void {
    this.#batch = null;
    this.#show("", false);
  }

  #undo(): void {
    const batch = this.#batch;
    if (!batch || batch.undone) return;
    batch.undone = true;
    if (this.#actions.withdraw(batch.key)) batch.ids = [];
    else if (batch.ids) this.#removeAll();
    this.#show(`Removed ${batch.count} items.`, false);
  }

  #removeAll(): void {
    for (const id of this.#batch?.ids ?? []) this.#actions.remove(id);
  }

  #show(text: string, canUndo: boolean): void {
    const { bar, text: note, undo } = this.#elements;
    // Focus stays in the bar when Undo goes: on the note, which says what Undo did.
    if (!canUndo && document.activeElement === undo) bar.focus();
    showNote(note, text);
    undo.hidden = !canUndo;
    bar.hidden = text === "";
  }
}
