/**
 * The list as this device last saw it: painted at once on open, before the
 * socket connects, and saved again (at most once a second, and when the page
 * is hidden) once the server has spoken. A copy is only ever saved from what
 * the server sent, never from a copy.
 */
import { DEFAULT_LIST_ID, MAIN_LIST_TITLE } from "../../protocol/lists";
import type { ListHeader } from "./listHeader";
import type { ListView } from "./listView";
import { SavedLists, type StringStore } from "../offline/savedLists";

/** The list as shown is saved on the device at most this often (and when the page is hidden). */
const LIST_SAVE_DELAY_MS = 1_000;

export class DeviceCopy {
  readonly #saved: SavedLists;
  #fromServer = false;
  #timer: ReturnType<typeof setTimeout> | null = null;

  readonly #listId: string;
  readonly #view: ListView;
  readonly #header: ListHeader;

  constructor(
    store: StringStore,
    listId: string,
    view: ListView,
    header: ListHeader,
  ) {
    this.#listId = listId;
    this.#view = view;
    this.#header = header;
    this.#saved = new SavedLists(store);
  }

  /** Paints the saved copy, if this device has one; whether it did. */
  paint(): boolean {
    const saved = this.#saved.load(this.#listId);
    if (!saved) return false;
    this.#view.restore(saved);
    // Offline, a named list's page is the cached shell, which does not know the list's title.
    if (saved.title !== null && this.#listId !== DEFAULT_LIST_ID && this.#header.title === MAIN_LIST_TITLE) this.#header.showTitle(saved.title);
    return true;
  }

  get fromServer(): boolean {
    return this.#fromServer;
  }

  /** The server's items are on the page: from now on they are what gets saved. */
  heardFromServer(): void {
    this.#fromServer = true;
    this.saveSoon();
  }

  saveSoon(): void {
    this.#timer ??= setTimeout(() => this.saveNow(), LIST_SAVE_DELAY_MS);
  }

  saveNow(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#fromServer) {
      this.#saved.save(this.#listId, { ...this.#view.model.shownList(), title: this.#header.title, savedAt: Date.now() });
    }
  }
}
