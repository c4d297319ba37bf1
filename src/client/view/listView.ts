/**
 * The list on the page: confirmed items newest first, with the person's own
 * unconfirmed saves above them, their unsent edits shown in place and their
 * removals hidden; below, apart, the items a search found older than
 * anything loaded, painted and changed by the same cards. Each item is a
 * card (itemCard.ts); the seed's markup is kept: `#mainlist > .itementry > h2 + div`.
 *
 * Each item keeps its element for as long as it is shown (itemCards.ts): a
 * new version changes the element's text, and the list only moves the
 * elements whose place changed, so an item edited while someone reads it
 * updates without the list being rebuilt under them (listOrder.ts). The
 * person's own saves wait above the list until it has them (pendingSaves.ts).
 */
import type { Item, ItemPatch } from "../../protocol/item";
import type { Applied } from "../core/inbox";
import { ListModel, type ItemsPage, type ShownList } from "../core/listModel";
import { changedItemId, type PendingChange, type PendingSave } from "../core/outbox";
import { toggleFold, type ItemCard } from "./itemCard";
import { ItemCards } from "./itemCards";
import { placeInOrder } from "./listOrder";
import { PendingSaves } from "./pendingSaves";

/**
 * Cards laid out in one frame: of an older page, or of those a search had
 * hidden and shows again. A page of 200 at once was a 150–180 ms task at 4×
 * CPU slowdown; 25 a frame is about 60 ms, and 10 a frame measured no better
 * (tools/pageTiming/bigList.mjs). Clearing a search on 1,000 cards at once
 * was a 300 ms task at 1×.
 */
const CARDS_PER_FRAME = 25;

/** After the next frame is painted (at once in a hidden tab, which paints none). */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => (document.hidden ? setTimeout(resolve) : requestAnimationFrame(() => setTimeout(resolve))));
}

export interface ListElements {
  list: HTMLElement;
  emptyState: HTMLElement;
  showOlder: HTMLButtonElement;
  /** Where the items a search found below everything loaded are shown (searchBar.ts). */
  found: HTMLElement;
  /** Where focus goes when the card that held it leaves and no other card is left. */
  focusWhenEmpty: HTMLElement;
}

/** What the view tells the page about changes it did not make itself. */
export interface ListEvents {
  /** Cards of items saved elsewhere (or by this page, `own`), newest first, just put on the page. */
  arrived(cards: HTMLElement[], titles: string[], own: boolean): void;
  /** Items someone else removed while they were shown here. */
  removedElsewhere(titles: string[]): void;
}

export interface ItemActions {
  /** Whether this browser holds a key that lets it change the item (its edit key, or the owner key). */
  canChange(itemId: string): boolean;
  /** Ticks the item off or unticks it: anyone may, with no key. */
  tick(item: Item, done: boolean): void;
  edit(item: Item): void;
  remove(item: Item): void;
  undoRemove(itemId: string): void;
}

export class ListView {
  /** The order of what is shown; shared with the fault harness, which has no DOM. */
  readonly model = new ListModel();
  readonly #cards = new ItemCards();
  readonly #pending = new PendingSaves(this.model);
  /** Own edits not yet answered, by item id: shown in place of the item's text. */
  #unsentEdits = new Map<string, ItemPatch>();
  /** Own removals queued to go out: hidden already. */
  #unsentRemovals = new Set<string>();
  /** Removals still in their Undo window. */
  readonly #undoable = new Set<string>();
  /** What the Search field lets through (searchBar.ts); null shows everything. */
  #filter: ((text: { title: string; body: string }) => boolean) | null = null;
  /** "Hide done" (core/hideDone.ts): done items are then neither shown nor counted as matches, here or among older ones. */
  #hideDone = false;
  #counts = { matching: 0, total: 0, older: 0 };
  /** A render is due after the next frame (to show the next slice of cards a search had hidden). */
  #renderDue = false;
  /** Called after every render, so the search's count follows the list. */
  onRendered: (() => void) | null = null;

  readonly #elements: ListElements;
  readonly #actions: ItemActions | null;
  readonly #events: ListEvents | null;

  constructor(
    elements: ListElements,
    actions: ItemActions | null = null,
    events: ListEvents | null = null,
  ) {
    this.#elements = elements;
    this.#actions = actions;
    this.#events = events;
    const clicked = (event: MouseEvent) => {
      const target = event.target as HTMLElement;
      const action = target.closest<HTMLElement>("[data-action]")?.dataset.action;
      const id = target.closest<HTMLElement>(".itementry")?.dataset.id;
      const item = id === undefined ? undefined : this.model.find(id);
      if (action === "more" && id !== undefined) {
        const card = this.#cards.get(id);
        if (card) toggleFold(card);
        return;
      }
      if (!action || !item || !this.#actions) return;
      if (action === "done" && target instanceof HTMLInputElement) this.#actions.tick(item, target.checked);
      else if (action === "edit") this.#actions.edit(item);
      else if (action === "remove") this.#actions.remove(item);
      else this.#actions.undoRemove(item.id);
    };
    elements.list.addEventListener("click", clicked);
    elements.found.addEventListener("click", clicked);
  }

  /** A copy of the list saved on the device, painted until the server's snapshot reconciles it. */
  restore(saved: ShownList): void {
    this.model.restore(saved);
    this.render();
  }

  apply(applied: readonly Applied[]): void {
    const arrivals: Item[] = [];
    const removedTitles: string[] = [];
    for (const change of applied) {
      if (change.kind === "item" && !this.#pending.isOwnSave(change.item)) arrivals.push(change.item);
      if (change.kind === "removed" && !this.#unsentRemovals.has(change.itemId) && !this.#undoable.has(change.itemId)) {
        const title = this.model.find(change.itemId)?.title;
        if (title !== undefined) removedTitles.push(title);
      }
    }
    this.model.apply(applied);
    this.render();
    const cards = arrivals.flatMap((item) => this.#cards.get(item.id)?.root ?? []).reverse();
    if (cards.length > 0) this.#events?.arrived(cards, arrivals.map((item) => item.title).reverse(), false);
    if (removedTitles.length > 0) this.#events?.removedElsewhere(removedTitles);
  }

  /** The item as its card shows it: the version shown, this page's unsent edits on top (what an edit starts from). */
  shown(itemId: string): Item | undefined {
    const item = this.model.find(itemId);
    return item && { ...item, ...this.#unsentEdits.get(itemId) };
  }

  /** The card shown for an item, if it is shown. */
  card(itemId: string): ItemCard | undefined {
    return this.#cards.get(itemId);
  }

  /** Brings the page in line with the model: moves only what moved, and repaints each item's text if it changed. */
  render(): void {
    const now = Date.now();
    const pendingNodes = this.#pending.nodes();
    // The loaded list, then what a search found below it: the same cards, painted and filtered alike.
    const reveal = { left: CARDS_PER_FRAME };
    const listed = this.#renderGroup(this.model.items, this.#elements.list, pendingNodes, now, reveal);
    const found = this.#renderGroup(this.model.found, this.#elements.found, [], now, reveal);
    this.#counts = { ...listed, older: found.matching };
    this.#cards.keepOnly((id) => this.model.has(id));
    this.#elements.emptyState.hidden = !this.model.isLoaded || listed!.total + pendingNodes.length > 0;
    this.#elements.showOlder.hidden = !this.model.olderExist;
    this.onRendered?.();
  }

  #renderNextFrame(): void {
    if (this.#renderDue) return;
    this.#renderDue = true;
    void nextFrame().then(() => {
      this.#renderDue = false;
      this.render();
    });
  }

  /** Paints `all` (less unsent removals) into `into` after `leading`, hiding what the filter refuses; how many it lets through, of how many. */
  #renderGroup(all: readonly Item[], into: HTMLElement, leading: HTMLElement[], now: number, reveal: { left: number }): { matching: number; total: number } {
    const items = all.filter((item) => !this.#unsentRemovals.has(item.id));
    const nodes = items.map((item) =>
      this.#cards.paint([item, this.#unsentEdits.get(item.id), this.#undoable.has(item.id), this.#actions?.canChange(item.id) ?? false], now),
    );
    let matching = 0;
    items.forEach((item, at) => {
      const edit = this.#unsentEdits.get(item.id);
      const shown =
        !(this.#hideDone && (edit?.done ?? item.done)) &&
        (this.#filter === null || this.#filter(edit ? { ...item, ...edit } : item));
      const node = nodes[at]!;
      if (shown) matching++;
      // Cards shown again come back from the top, a slice a frame; a later render (a new search) decides afresh.
      if (shown && node.hidden && reveal.left-- <= 0) this.#renderNextFrame();
      else node.hidden = !shown;
    });
    placeInOrder(into, [...leading, ...nodes], this.#elements.focusWhenEmpty);
    return { matching, total: items.length };
  }

  /** A new search (searchBar.ts): shows only the items `match` accepts (every item when null), and none it found older yet. */
  setFilter(match: ((text: { title: string; body: string }) => boolean) | null): void {
    this.#filter = match;
    this.model.clearFound();
    this.render();
  }

  /** "Hide done" turned on or off: done items leave the page (and the counts) or come back where they stood. */
  hideDone(hide: boolean): void {
    this.#hideDone = hide;
    this.render();
  }

  /** Shows items a search found below everything loaded, as items like the rest (core/listModel.ts, `found`). */
  addFound(items: readonly Item[]): void {
    this.model.addFound(items);
    this.render();
  }

  /** The oldest item loaded, and whether the list holds older ones, for a search to ask the server below it. */
  loadedRange(): { oldestId: string | null; olderExist: boolean } {
    return { oldestId: this.model.oldestId(), olderExist: this.model.olderExist };
  }

  /** How many items the filter lets through, of how many confirmed items the page holds; and how many found ones it lets through. */
  counts(): { matching: number; total: number; older: number } {
    return this.#counts;
  }

  /**
   * Puts an older page below the list a slice at a time, with a frame
   * between slices: laying out a whole page of cards at once is a long task
   * on a slow phone. Stops when a snapshot in between replaced what was
   * shown, since the rest no longer sits just below it ("Show older" brings it).
   */
  async appendOlder(page: ItemsPage): Promise<void> {
    for (let start = 0; start === 0 || start < page.items.length; start += CARDS_PER_FRAME) {
      if (start > 0) {
        const oldest = this.model.oldestId();
        await nextFrame();
        if (this.model.oldestId() !== oldest) return;
      }
      const end = start + CARDS_PER_FRAME;
      this.model.appendOlder({ items: page.items.slice(start, end), nextBefore: end < page.items.length ? "" : page.nextBefore });
      this.render();
    }
  }

  showPending(pending: readonly PendingSave[]): void {
    const added = this.#pending.show(pending);
    this.render();
    if (added.length > 0) {
      const newestFirst = added.reverse();
      this.#events?.arrived(newestFirst.map((card) => card.root), newestFirst.map((card) => card.title.textContent ?? ""), true);
    }
  }

  /** Own edits and removals waiting in the outbox. */
  showChanges(changes: readonly PendingChange[]): void {
    this.#unsentEdits = new Map();
    this.#unsentRemovals = new Set();
    for (const change of changes) {
      const itemId = changedItemId(change);
      if (itemId === null) continue;
      if (change.kind === "remove") this.#unsentRemovals.add(itemId);
      else this.#unsentEdits.set(itemId, { ...this.#unsentEdits.get(itemId), ...change.patch });
    }
    this.render();
  }

  /** Marks an item "Removed “title” · Undo" (in its Undo window), or shows it again. */
  showUndoable(itemId: string, undoable: boolean): void {
    if (undoable) this.#undoable.add(itemId);
    else this.#undoable.delete(itemId);
    this.render();
  }

  /** The server stored an own save; keep its place until the frame carrying it arrives. */
  confirmPending(key: string, item: Item): void {
    if (this.#pending.confirm(key, item)) this.render();
  }

  /** Relative times drift; refresh them now and then. */
  refreshTimes(now = Date.now()): void {
    for (const item of [...this.model.items, ...this.model.found]) this.#cards.showTime(item, this.#unsentEdits.get(item.id), now);
  }
}
