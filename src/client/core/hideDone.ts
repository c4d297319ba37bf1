/**
 * The "Hide done" switch, remembered per list in a key-value store
 * (`localStorage` in the page): off until someone turns it on for that list.
 */
import type { KeyValueStore } from "./outbox";

export const HIDE_DONE_PREFIX = "listroom.hidedone.v1:";

export class HideDone {
  readonly #storageKey: string;
  readonly #store: KeyValueStore;

  constructor(
    store: KeyValueStore,
    listId: string,
  ) {
    this.#store = store;
    this.#storageKey = HIDE_DONE_PREFIX + listId;
  }

  get on(): boolean {
    try {
      return this.#store.getItem(this.#storageKey) === "1";
    } catch {
      return false;
    }
  }

  set on(hide: boolean) {
    try {
      this.#store.setItem(this.#storageKey, hide ? "1" : "0");
    } catch {
      // Storage refused: the switch still works on this page.
    }
  }
}
