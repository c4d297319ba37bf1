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
 */
import type { Item } from "../protocol/item";
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
}

/** Most pages a gap fill reads (200 items each) before it gives up and leaves the rest to "Show older". */
const GAP_PAGES_MAX = 50;

export class ListModel {
  private list: Item[] = [];
  private readonly shown = new Set<string>();
  private loaded = false;
  /** The id of the item just above an unfilled gap, if there is one. */
  private gapBelow: string | null = null;
  /** Whether older items exist below the last one shown ("Show older"). */
  olderExist = false;

  get items(): readonly Item[] {
    return this.list;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  has(id: string): boolean {
    return this.shown.has(id);
  }

  oldestId(): string | null {
    return this.list.at(-1)?.id ?? null;
  }

  /** Where a gap fill should read from next (`before=`), or null when there is no gap. */
  gapCursor(): string | null {
    return this.gapBelow;
  }

  /**
   * Paints a copy saved on the device before anything arrives from the
   * server; the first snapshot then reconciles it. Ignored once loaded.
   */
  restore(saved: ShownList): void {
    if (this.loaded) return;
    this.list = saved.items.filter((item) => this.markShown(item));
    this.olderExist = saved.hasOlder;
    this.loaded = true;
  }

  /**
   * The newest items shown with no gap among them, and whether anything is
   * older than the last of them: what is safe to save and paint next time
   * (items below an unfilled gap would hide the gap from the next snapshot).
   */
  unbrokenTop(): ShownList {
    if (this.gapBelow === null) return { items: [...this.list], hasOlder: this.olderExist };
    const end = this.list.findIndex((item) => item.id === this.gapBelow) + 1;
    return { items: this.list.slice(0, end), hasOlder: true };
  }

  apply(applied: readonly Applied[]): void {
    for (const change of applied) {
      if (change.kind === "snapshot") this.mergeSnapshot(change.items, change.hasOlder);
      else this.addOnTop(change.item);
    }
    this.loaded = true;
  }

  /** A page from "Show older": below everything shown. */
  appendOlder(page: ItemsPage): void {
    this.list.push(...page.items.filter((item) => this.markShown(item)));
    this.olderExist = page.nextBefore !== null;
  }

  /** A page read at the gap cursor: its unseen items go into the gap, and a shown one closes it. */
  fillGap(page: ItemsPage): void {
    if (this.gapBelow === null) return;
    const fresh: Item[] = [];
    let closed = page.nextBefore === null;
    for (const item of page.items) {
      if (this.shown.has(item.id)) {
        closed = true;
        break;
      }
      fresh.push(item);
    }
    const at = this.list.findIndex((item) => item.id === this.gapBelow) + 1;
    for (const item of fresh) this.markShown(item);
    this.list.splice(at, 0, ...fresh);
    this.gapBelow = closed ? null : (fresh.at(-1)?.id ?? null);
  }

  private addOnTop(item: Item): void {
    if (this.markShown(item)) this.list.unshift(item);
  }

  private mergeSnapshot(snapshot: readonly Item[], hasOlder: boolean): void {
    const inSnapshot = new Set(snapshot.map((item) => item.id));
    const olderShown = keptBelowSnapshot(this.list, snapshot, hasOlder);
    const overlaps = this.list.some((item) => inSnapshot.has(item.id));
    const kept = new Set(olderShown.map((item) => item.id));
    for (const item of this.list) if (!inSnapshot.has(item.id) && !kept.has(item.id)) this.shown.delete(item.id);
    for (const item of snapshot) this.markShown(item);
    this.list = [...snapshot, ...olderShown];
    if (olderShown.length === 0) this.olderExist = hasOlder;
    // Shown items that the snapshot neither covers nor reaches: the ones in between are missing.
    this.gapBelow = hasOlder && olderShown.length > 0 && !overlaps ? (snapshot.at(-1)?.id ?? null) : this.gapBelow;
  }

  private markShown(item: Item): boolean {
    if (this.shown.has(item.id)) return false;
    this.shown.add(item.id);
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
