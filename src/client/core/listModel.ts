/**
 * The order of the list as the page shows it, without the DOM, so the page
 * and the fault harness share it: items newest first; a new item goes on top;
 * a snapshot (the newest page when a session starts) replaces what was shown,
 * which may have been painted from a copy saved on the device days ago.
 * Nothing is kept below a snapshot: a fresh session hears of no change made
 * while it had none, so anything shown below it could be edited or removed
 * by now. "Show older" brings those items again, as they are now.
 *
 * Items a search found below everything loaded (view/searchBar.ts) are shown
 * apart from the list, as `found`, and are items like the rest: edits,
 * ticks and removals reach them, "Show older" moves them into the list when
 * it gets to them, and a snapshot drops them with the rest of what lay below.
 *
 * Every way an item arrives (frame, snapshot, page, search, saved copy) obeys the same
 * two rules: an item is shown at the highest version seen (a newer one
 * replaces it in place, an older one is ignored), and a removed item is never
 * shown again.
 */
import { isNewerItem, type Item } from "../../protocol/item";
import type { Applied } from "./inbox";

export interface ItemsPage {
  items: Item[];
  /** The cursor for the next older page; null when nothing is older. */
  nextBefore: string | null;
}

/** Items newest first, and whether older ones exist below the last. */
export interface ShownList {
  items: Item[];
  hasOlder: boolean;
  /** Ids removed while shown, so that a copy saved before the removal never paints them again. */
  removed?: string[];
}

/** Removed ids kept with a saved copy: enough to cover what an older copy in another tab could still hold. */
const REMOVED_KEPT_MAX = 200;

export class ListModel {
  #list: Item[] = [];
  /** Items found by a search below everything loaded, newest first. */
  #found: Item[] = [];
  readonly #shown = new Set<string>();
  readonly #removed = new Set<string>();
  #loaded = false;
  /**
   * The newest version heard of items not shown (an edit of an item below
   * the oldest shown): a page read before that edit may bring an older one.
   */
  readonly #unshownVersions = new Map<string, Item>();
  /** Whether older items exist below the last one shown ("Show older"). */
  olderExist = false;

  get items(): readonly Item[] {
    return this.#list;
  }

  get found(): readonly Item[] {
    return this.#found;
  }

  get isLoaded(): boolean {
    return this.#loaded;
  }

  has(id: string): boolean {
    return this.#shown.has(id);
  }

  isRemoved(id: string): boolean {
    return this.#removed.has(id);
  }

  /** The shown item with this id, at the version shown. */
  find(id: string): Item | undefined {
    if (!this.#shown.has(id)) return undefined;
    const [items, at] = this.#at(id);
    return items[at];
  }

  oldestId(): string | null {
    return this.#list.at(-1)?.id ?? null;
  }

  /**
   * Paints a copy saved on the device before anything arrives from the
   * server; the first snapshot then reconciles it. Ignored once loaded.
   */
  restore(saved: ShownList): void {
    if (this.#loaded) return;
    for (const id of saved.removed ?? []) this.#removed.add(id);
    this.#list = saved.items.filter((item) => this.#markShown(item));
    this.olderExist = saved.hasOlder;
    this.#loaded = true;
  }

  /** What to save and paint next time: the items shown, whether older ones exist, and recent removals. */
  shownList(): ShownList {
    return { items: [...this.#list], hasOlder: this.olderExist, removed: [...this.#removed].slice(-REMOVED_KEPT_MAX) };
  }

  apply(applied: readonly Applied[]): void {
    for (const change of applied) {
      if (change.kind === "snapshot") this.#mergeSnapshot(change.items, change.hasOlder);
      else if (change.kind === "removed") this.#remove(change.itemId);
      else if (this.#replaceIfNewer(change.item)) continue;
      else if (change.kind === "item") this.#addOnTop(change.item);
      else this.#placeByTime(change.item);
    }
    this.#loaded = true;
  }

  /** A page from "Show older": below everything shown, each item at the newest version heard of (a found one leaves `found`). */
  appendOlder(page: ItemsPage): void {
    this.#unfind(page.items);
    this.#list.push(...this.#newest(page.items).filter((item) => !this.#replaceIfNewer(item) && this.#markShown(item)));
    this.olderExist = page.nextBefore !== null;
  }

  /** Items a search found below everything loaded (after those it found already). */
  addFound(items: readonly Item[]): void {
    this.#found.push(...this.#newest(items).filter((item) => this.#markShown(item)));
  }

  /** The search changed: what it found is no longer shown. */
  clearFound(): void {
    this.#unfind(this.#found);
  }

  /** Found items leave `found`, their versions kept for when Show older or a search brings them again. */
  #unfind(items: readonly Item[]): void {
    const ids = new Set(items.map((item) => item.id));
    this.#found = this.#found.filter((item) => {
      if (!ids.has(item.id)) return true;
      this.#shown.delete(item.id);
      this.#unshownVersions.set(item.id, item);
      return false;
    });
  }

  /** Each item at the newest version heard of while it was not shown. */
  #newest(items: readonly Item[]): Item[] {
    return items.map((item) => {
      const heard = this.#unshownVersions.get(item.id);
      this.#unshownVersions.delete(item.id);
      return heard && isNewerItem(heard, item) ? heard : item;
    });
  }

  #addOnTop(item: Item): void {
    if (this.#markShown(item)) this.#list.unshift(item);
  }

  /** Puts a newer version of a shown item in its place; true when the item is shown (whatever its version) or removed. */
  #replaceIfNewer(item: Item): boolean {
    if (this.#removed.has(item.id)) return true;
    if (!this.#shown.has(item.id)) return false;
    const [items, at] = this.#at(item.id);
    if (isNewerItem(item, items[at])) items[at] = item;
    return true;
  }

  /**
   * An edit of an item not shown: it goes where its time puts it among the
   * shown items, unless it is older than all of them and older ones exist
   * (then "Show older" brings it, at its latest version).
   */
  #placeByTime(item: Item): void {
    const at = this.#list.findIndex((shown) => shown.createdAt < item.createdAt);
    if (at < 0 && this.olderExist) {
      if (isNewerItem(item, this.#unshownVersions.get(item.id))) this.#unshownVersions.set(item.id, item);
      return;
    }
    this.#markShown(item);
    this.#list.splice(at < 0 ? this.#list.length : at, 0, item);
  }

  #remove(id: string): void {
    this.#removed.add(id);
    this.#unshownVersions.delete(id);
    if (!this.#shown.delete(id)) return;
    const [items, at] = this.#at(id);
    items.splice(at, 1);
  }

  #mergeSnapshot(fromServer: readonly Item[], hasOlder: boolean): void {
    this.clearFound();
    const shownNow = new Map(this.#list.map((item) => [item.id, item]));
    const snapshot = fromServer
      .filter((item) => !this.#removed.has(item.id))
      .map((item) => {
        const shown = shownNow.get(item.id);
        return shown && !isNewerItem(item, shown) ? shown : item;
      });
    this.#shown.clear();
    for (const item of snapshot) this.#markShown(item);
    this.#list = snapshot;
    this.olderExist = hasOlder;
  }

  /** Where a shown item is: the list or `found`, and its index there. */
  #at(id: string): [Item[], number] {
    const at = this.#list.findIndex((item) => item.id === id);
    return at < 0 ? [this.#found, this.#found.findIndex((item) => item.id === id)] : [this.#list, at];
  }

  #markShown(item: Item): boolean {
    if (this.#shown.has(item.id) || this.#removed.has(item.id)) return false;
    this.#shown.add(item.id);
    return true;
  }
}
