/**
 * The Search field: as you type, the list shows only the items on the page
 * that match (searchFolding.ts) and says how many ("12 of 340"); a moment
 * after you stop, it asks the server for the matches older than anything
 * the page has loaded, and lists them below ("Older matches"), a page at a
 * time. Escape clears the search; `/` reaches the field (main.ts, through
 * shortcuts.ts).
 */
import type { Item } from "../protocol/item";
import { problemWithSearchQuery } from "../protocol/search";
import { matchesSearch, readSearchQuery, type SearchQuery } from "./searchFolding";
import { bodyOverflows, createCard, setBody, setSavedAt, setTitle, showFold, toggleFold, type ItemCard } from "./itemCard";
import { timeAgo } from "./relativeTime";

/** How long typing must pause before the server is asked. */
export const SEARCH_DEBOUNCE_MS = 250;

export interface SearchElements {
  field: HTMLInputElement;
  count: HTMLElement;
  older: HTMLElement;
  olderList: HTMLElement;
  olderNote: HTMLElement;
  moreOlder: HTMLButtonElement;
}

/** What the search needs from the list on the page. */
export interface SearchedList {
  /** Shows only the items `match` accepts (all when null). */
  setFilter(match: ((text: { title: string; body: string }) => boolean) | null): void;
  /** How many items the filter lets through, of how many the page holds. */
  counts(): { matching: number; total: number };
  /** The oldest item the page has loaded, and whether the list holds older ones. */
  loadedRange(): { oldestId: string | null; olderExist: boolean };
  /** Whether the page has the item (so a server match is not shown twice). */
  has(itemId: string): boolean;
}

/** Asks the server for a page of matches older than `before`. */
export type SearchPages = (query: string, before: string, signal: AbortSignal) => Promise<{ items: Item[]; nextBefore: string | null }>;

/** A card of an older match, as the list's cards show an item (links, folding), without Edit and Remove. */
function olderCard(item: Item, now: number, measure: (card: ItemCard) => void): ItemCard {
  const card = createCard("itementry searchmatch");
  card.root.dataset.id = item.id;
  setTitle(card, item.title);
  setBody(card, item.body, measure);
  setSavedAt(card, item);
  card.meta.textContent = timeAgo(new Date(item.createdAt), now);
  return card;
}

export class SearchBar {
  #query: SearchQuery = readSearchQuery("");
  #text = "";
  #timer: ReturnType<typeof setTimeout> | null = null;
  #request: AbortController | null = null;
  #olderItems: Item[] = [];
  #olderNext: string | null = null;
  #olderCards = new Map<HTMLElement, ItemCard>();

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
    elements.field.addEventListener("input", () => this.#changed());
    elements.field.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || elements.field.value === "") return;
      event.preventDefault();
      elements.field.value = "";
      this.#changed();
    });
    elements.olderList.addEventListener("click", (event) => {
      const more = (event.target as HTMLElement).closest<HTMLElement>('[data-action="more"]');
      const card = more?.parentElement ? this.#olderCards.get(more.parentElement) : undefined;
      if (card) toggleFold(card);
    });
    elements.moreOlder.addEventListener("click", () => {
      if (this.#olderNext !== null) void this.#askServer(this.#olderNext, false);
    });
  }

  /** Moves to the field, its text selected, for `/` (shortcuts.ts). */
  focus(): void {
    this.#elements.field.focus();
    this.#elements.field.select();
  }

  /** The list on the page changed (items arrived, changed, left or older ones loaded): filter and count again. */
  refresh(): void {
    this.#renderCount();
    if (this.#olderItems.some((item) => this.#list.has(item.id))) {
      this.#olderItems = this.#olderItems.filter((item) => !this.#list.has(item.id));
      this.#renderOlder();
    }
  }

  #changed(): void {
    const text = this.#elements.field.value;
    this.#text = text;
    this.#query = readSearchQuery(text);
    this.#applyFilter();
    this.#cancelServer();
    this.#olderItems = [];
    this.#olderNext = null;
    this.#elements.olderNote.textContent = "";
    this.#renderOlder();
    const { oldestId, olderExist } = this.#list.loadedRange();
    if (this.#query.words.length === 0 || !olderExist || oldestId === null || problemWithSearchQuery(text) !== null) return;
    this.#timer = setTimeout(() => void this.#askServer(oldestId, true), SEARCH_DEBOUNCE_MS);
  }

  #applyFilter(): void {
    const query = this.#query;
    this.#list.setFilter(query.words.length > 0 ? (text) => matchesSearch(query, text) : null);
    this.#renderCount();
  }

  /** "12 of 340": the matches among the items on the page; and how many older ones the server found. */
  #renderCount(): void {
    const { matching, total } = this.#list.counts();
    const older = this.#olderItems.length;
    const more = older === 0 ? "" : ` · ${older}${this.#olderNext === null ? "" : "+"} older`;
    this.#elements.count.textContent = this.#query.words.length > 0 ? `${matching} of ${total}${more}` : "";
  }

  #cancelServer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#request?.abort();
    this.#request = null;
  }

  async #askServer(before: string, first: boolean): Promise<void> {
    this.#cancelServer();
    const request = new AbortController();
    this.#request = request;
    const text = this.#text;
    this.#elements.older.hidden = false;
    this.#elements.olderNote.textContent = "Searching older items…";
    try {
      const page = await this.#pages(text, before, request.signal);
      if (request.signal.aborted || text !== this.#text) return;
      const fresh = page.items.filter((item) => !this.#list.has(item.id));
      this.#olderItems = first ? fresh : [...this.#olderItems, ...fresh];
      this.#olderNext = page.nextBefore;
      this.#elements.olderNote.textContent = this.#olderItems.length === 0 ? "No older items match." : "";
    } catch (error) {
      if (request.signal.aborted) return;
      this.#elements.olderNote.textContent = `Older items could not be searched: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      if (this.#request === request) this.#request = null;
    }
    this.#renderOlder();
  }

  #renderOlder(): void {
    this.#renderCount();
    const { older, olderList, moreOlder } = this.#elements;
    const now = Date.now();
    const folded: ItemCard[] = [];
    const cards = this.#olderItems.map((item) => olderCard(item, now, (card) => folded.push(card)));
    this.#olderCards = new Map(cards.map((card) => [card.root, card]));
    olderList.replaceChildren(...cards.map((card) => card.root));
    if (folded.length > 0) requestAnimationFrame(() => folded.forEach((card) => showFold(card, bodyOverflows(card))));
    moreOlder.hidden = this.#olderNext === null;
    older.hidden = this.#olderItems.length === 0 && this.#elements.olderNote.textContent === "";
    if (this.#query.words.length === 0) {
      this.#elements.olderNote.textContent = "";
      older.hidden = true;
    }
  }
}
