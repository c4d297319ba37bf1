/**
 * What the page says in place of the list when it cannot reach the server
 * and this device has never seen the list: why the page is empty, and what
 * Add New Item will do (keep the item here and send it once back online).
 */
import type { ConnectionStatus } from "../core/liveConnection";

export const ADD_WHILE_AWAY = "Add New Item still works: what you add is kept on this device and sent once the list can be reached.";

/**
 * @example
 * neverOpenedText(false) // "You're offline, and this list hasn't been opened on this device yet."
 */
export function neverOpenedText(online: boolean): string {
  return online
    ? "The list can't be reached right now, and it hasn't been opened on this device yet."
    : "You're offline, and this list hasn't been opened on this device yet.";
}

export class NeverOpenedNote {
  #resolved = false;

  readonly #note: HTMLElement;
  /** Whether anything of the list is shown: a saved copy, or the server's. */
  readonly #listShown: () => boolean;

  constructor(note: HTMLElement, listShown: () => boolean) {
    this.#note = note;
    this.#listShown = listShown;
  }

  show(status: ConnectionStatus): void {
    if (this.#resolved) return;
    if (this.#listShown()) {
      this.#resolved = true;
      this.#note.hidden = true;
      return;
    }
    const away = status.state === "down" || !navigator.onLine;
    if (away) this.#note.replaceChildren(neverOpenedText(navigator.onLine), " ", ADD_WHILE_AWAY);
    this.#note.hidden = !away;
  }
}
