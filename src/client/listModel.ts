/**
 * The order of the list as the page shows it, without the DOM, so the page
 * and the fault harness share it: items newest first; a new item goes on top;
 * a snapshot (the newest page when a session starts) leads, and what was
 * shown before and is not in it follows only if it is older than the
 * snapshot's oldest item (anything else the snapshot does not hold is gone:
 * the page may have painted a copy saved on the device days ago). When a
 * client was away so long that the snapshot does not reach what it already
 * shows, the items in between are a gap to fill from the API, page by page,
 * until it meets a shown item.
 *
 * Every way an item arrives (frame, snapshot, page, saved copy) obeys the same
 * two rules: an item is shown at the highest version seen (a newer one
 * replaces it in place, an older one is ignored), and a removed item is never
 * shown again.
 */
import { isNewerItem, type Item } from "../protocol/item";
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

/** Most pages a gap fill reads (200 items each) before it gives up and leaves the rest to "Show older". */
const GAP_PAGES_MAX = 50;
/** Removed ids kept with a saved copy: enough to cover what an older copy in another tab could still hold. */
const REMOVED_KEPT_MAX = 200;

export class ListModel {
  #list: Item[] = [];
  readonly #shown = new Set<string>();
  readonly #removed = new Set<string>();
  #loaded = false;
  /** The id of the item just above an unfilled gap, if there is one. */
  #gapBelow: string | null = null;
  /** Whether older items exist below the last one shown ("Show older"). */
  olderExist = false;

  get items(): readonly Item[] {
    return this.#list;
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
    return this.#shown.has(id) ? this.#list.find((item) => item.id === id) : undefined;
  }

  oldestId(): string | null {
    return this.#list.at(-1)?.id ?? null;
  }

  /** Where a gap fill should read from next (`before=`), or null when there is no gap. */
  gapCursor(): string | null {
    return this.#gapBelow;
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

  /**
   * The newest items shown with no gap among them, and whether anything is
   * older than the last of them: what is safe to save and paint next time
   * (items below an unfilled gap would hide the gap from the next snapshot).
   */
  unbrokenTop(): ShownList {
    const removed = [...this.#removed].slice(-REMOVED_KEPT_MAX);
    if (this.#gapBelow === null) return { items: [...this.#list], hasOlder: this.olderExist, removed };
    const end = this.#list.findIndex((item) => item.id === this.#gapBelow) + 1;
    return { items: this.#list.slice(0, end), hasOlder: true, removed };
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

  /** A page from "Show older": below everything shown. */
  appendOlder(page: ItemsPage): void {
    this.#list.push(...page.items.filter((item) => !this.#replaceIfNewer(item) && this.#markShown(item)));
    this.olderExist = page.nextBefore !== null;
  }

  /** A page read at the gap cursor: its unseen items go into the gap, and a shown one closes it. */
  fillGap(page: ItemsPage): void {
    if (this.#gapBelow === null) return;
    const fresh: Item[] = [];
    let closed = page.nextBefore === null;
    for (const item of page.items) {
      if (this.#shown.has(item.id)) {
        this.#replaceIfNewer(item);
        closed = true;
        break;
      }
      if (!this.#removed.has(item.id)) fresh.push(item);
    }
    const at = this.#list.findIndex((item) => item.id === this.#gapBelow) + 1;
    for (const item of fresh) this.#markShown(item);
    this.#list.splice(at, 0, ...fresh);
    this.#gapBelow = closed ? null : (fresh.at(-1)?.id ?? null);
  }

  #addOnTop(item: Item): void {
    if (this.#markShown(item)) this.#list.unshift(item);
  }

  /** Puts a newer version of a shown item in its place; true when the item is shown (whatever its version) or removed. */
  #replaceIfNewer(item: Item): boolean {
    if (this.#removed.has(item.id)) return true;
    if (!this.#shown.has(item.id)) return false;
    const at = this.#list.findIndex((shown) => shown.id === item.id);
    if (isNewerItem(item, this.#list[at])) this.#list[at] = item;
    return true;
  }

  /**
   * An edit of an item not shown: it goes where its time puts it among the
   * shown items, unless it is older than all of them and older ones exist
   * (then "Show older" brings it, at its latest version).
   */
  #placeByTime(item: Item): void {
    const at = this.#list.findIndex((shown) => shown.createdAt < item.createdAt);
    if (at < 0 && this.olderExist) return;
    this.#markShown(item);
    this.#list.splice(at < 0 ? this.#list.length : at, 0, item);
  }

  #remove(id: string): void {
    this.#removed.add(id);
    if (!this.#shown.delete(id)) return;
    const at = this.#list.findIndex((item) => item.id === id);
    // The item above a gap is its cursor; the one above it takes over.
    if (this.#gapBelow === id) this.#gapBelow = this.#list[at - 1]?.id ?? null;
    this.#list.splice(at, 1);
  }

  #mergeSnapshot(fromServer: readonly Item[], hasOlder: boolean): void {
    const shownNow = new Map(this.#list.map((item) => [item.id, item]));
    const snapshot = fromServer
      .filter((item) => !this.#removed.has(item.id))
      .map((item) => {
        const shown = shownNow.get(item.id);
        return shown && !isNewerItem(item, shown) ? shown : item;
      });
    const inSnapshot = new Set(snapshot.map((item) => item.id));
    const olderShown = keptBelowSnapshot(this.#list, snapshot, hasOlder);
    const overlaps = this.#list.some((item) => inSnapshot.has(item.id));
    const kept = new Set(olderShown.map((item) => item.id));
    for (const item of this.#list) if (!inSnapshot.has(item.id) && !kept.has(item.id)) this.#shown.delete(item.id);
    for (const item of snapshot) this.#markShown(item);
    this.#list = [...snapshot, ...olderShown];
    if (olderShown.length === 0) this.olderExist = hasOlder;
    // Shown items that the snapshot neither covers nor reaches: the ones in between are missing.
    this.#gapBelow = hasOlder && olderShown.length > 0 && !overlaps ? (snapshot.at(-1)?.id ?? null) : this.#gapBelow;
  }

  #markShown(item: Item): boolean {
    if (this.#shown.has(item.id) || this.#removed.has(item.id)) return false;
    this.#shown.add(item.id);
    return true;
  }
}

/**
 * The shown items a snapshot does not hold that still belong below it: those
 * older than its oldest item, and only when older items exist at all. Older
 * is told by the shown order when the snapshot's oldest item is shown, and by
 * `createdAt` otherwise (after a long absence the two need not overlap).
 *
 * @example
 * // Shown: 5, 4, 3, 2 (newest first). The snapshot holds 5, 3 and has older items.
 * keptBelowSnapshot(shown, [i5, i3], true); // [i2]: 4 was within the snapshot's range and is gone
 */
export function keptBelowSnapshot(shown: readonly Item[], snapshot: readonly Item[], hasOlder: boolean): Item[] {
  const oldest = snapshot.at(-1);
  if (!hasOlder || !oldest) return [];
  const inSnapshot = new Set(snapshot.map((item) => item.id));
  const oldestAt = shown.findIndex((item) => item.id === oldest.id);
  return shown.filter(
    (item, index) =>
      !inSnapshot.has(item.id) && (oldestAt >= 0 ? index > oldestAt : item.createdAt < oldest.createdAt),
  );
}

/** Reads pages at the gap cursor until the gap is closed, or the page budget is spent. */
export async function fillGap(model: ListModel, readPage: (before: string) => Promise<ItemsPage>): Promise<void> {
  for (let pages = 0; pages < GAP_PAGES_MAX; pages++) {
    const cursor = model.gapCursor();
    if (cursor === null) return;
    model.fillGap(await readPage(cursor));
  }
}
