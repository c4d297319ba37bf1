/**
 * The Search field: as you type, the list shows only the items on the page
 * that match (core/searchFolding.ts) and says how many ("12 of 340"); a moment
 * after you stop, it asks the server for the matches older than anything
 * the page has loaded, and the list shows them below ("Older matches"), a
 * page at a time, as items like any other: ticked, edited, removed and kept
 * live there (core/listModel.ts, `found`). Escape clears the search; `/` reaches
 * the field (main.ts, through shortcuts.ts).
 */
import type { Item } from "../../protocol/item";
import { problemWithSearchQuery } from "../../protocol/search";
import { matchesSearch, readSearchQuery, type SearchQuery } from "../core/searchFolding";

/** How long typing must pause before the server is asked. */
export const SEARCH_DEBOUNCE_MS = 250;

export interface SearchElements {
  field: HTMLInputElement;
  count: HTMLElement;
  older: HTMLElement;
  olderNote: HTMLElement;
  moreOlder: HTMLButtonElement;
}

/** What the search needs from the list on the page. */
export interface SearchedList {
  /** A new search: shows only the items `match` accepts (all when null), and no older matches yet. */
  setFilter(match: ((text: { title: string; body: string }) => boolean) | null): void;
  /** How many items the filter lets through, of how many the page holds, and how many of those found older. */
  counts(): { matching: number; total: number; older: number };
  /** The oldest item the page has loaded, and whether the list holds older ones. */
  loadedRange(): { oldestId: string | null; olderExist: boolean };
  /** Shows older matches the server found below what the page has loaded, after those shown already. */
  addFound(items: readonly Item[]): void;
}

/** Asks the server for a page of matches older than `before`. */
export type SearchPages = (query: string, before: string, signal: AbortSignal) => Promise<{ items: Item[]; nextBefore: string | null }>;

export class SearchBar {
  #query: SearchQuery = readSearchQuery("");
  #text = "";
  #timer: ReturnType<typeof setTimeout> | null = null;
  #request: AbortController | null = null;
  #olderNext: string | null = null;

  readonly #elements: SearchElements;
  readonly #list: SearchedList;

  readonly #pages: SearchPages;

  constructor(
    elements: SearchElements,
    list: SearchedList,
    pages: SearchPages,
  ) {
    this.#elements = elements;
    this.#list = list;
    this.#pages = pages;
    elements.field.addEventListener("input", () => this.changed());
    elements.field.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || elements.field.value === "") return;
      event.preventDefault();
      elements.field.value = "";
      this.changed();
    });
    elements.moreOlder.addEventListener("click", () => {
      if (this.#olderNext !== null) void this.#askServer(this.#olderNext);
    });
  }

  /** Moves to the field, its text selected, for `/` (shortcuts.ts). */
  focus(): void {
    this.#elements.field.focus();
    this.#elements.field.select();
  }

  /**
   * The list on the page changed (items arrived, changed, left or older ones loaded), or the server answered:
   * "12 of 340", the matches among the items on the page, and how many older ones the server found.
   */
  refresh(): void {
    const { matching, total, older } = this.#list.counts();
    const { count, older: section, olderNote, moreOlder } = this.#elements;
    const searching = this.#query.words.length > 0;
    const more = older === 0 ? "" : ` · ${older}${this.#olderNext === null ? "" : "+"} older`;
    count.textContent = searching ? `${matching} of ${total}${more}` : "";
    moreOlder.hidden = this.#olderNext === null;
    section.hidden = !searching || (older === 0 && olderNote.textContent === "");
  }

  /** The search typed changed, or a snapshot dropped what it had found (it may have changed meanwhile): search again. */
  changed(): void {
    const text = this.#elements.field.value;
    this.#text = text;
    this.#query = readSearchQuery(text);
    this.#cancelServer();
    this.#olderNext = null;
    this.#elements.olderNote.textContent = "";
    this.#applyFilter();
    const { oldestId, olderExist } = this.#list.loadedRange();
    if (this.#query.words.length === 0 || !olderExist || oldestId === null || problemWithSearchQuery(text) !== null) return;
    this.#timer = setTimeout(() => void this.#askServer(oldestId), SEARCH_DEBOUNCE_MS);
  }

  #applyFilter(): void {
    const query = this.#query;
    this.#list.setFilter(query.words.length > 0 ? (text) => matchesSearch(query, text) : null);
  }

  #cancelServer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#request?.abort();
    this.#request = null;
  }

  async #askServer(before: string): Promise<void> {
    this.#cancelServer();
    const request = new AbortController();
    this.#request = request;
    const text = this.#text;
    this.#elements.older.hidden = false;
    this.#elements.olderNote.textContent = "Searching older items…";
    try {
      const page = await this.#pages(text, before, request.signal);
      if (request.signal.aborted || text !== this.#text) return;
      this.#olderNext = page.nextBefore;
      this.#list.addFound(page.items);
      this.#elements.olderNote.textContent = this.#list.counts().older === 0 ? "No older items match." : "";
    } catch (error) {
      if (request.signal.aborted) return;
      this.#elements.olderNote.textContent = `Older items could not be searched: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      if (this.#request === request) this.#request = null;
    }
    this.refresh();
  }
}
