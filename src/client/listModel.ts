/**
 * The order of the list as the page shows it, without the DOM, so the page
 * and the fault harness share it: items newest first; a new item goes on top;
 * a snapshot (the newest page when a session starts) leads, and what was
 * shown before and is not in it follows. When a client was away so long that
 * the snapshot does not reach what it already shows, the items in between are
 * a gap to fill from the API, page by page, until it meets a shown item.
 */
import type { Item } from "../protocol/item";
import type { Applied } from "./inbox";

export interface ItemsPage {
  items: Item[];
  /** The cursor for the next older page; null when nothing is older. */
  nextBefore: string | null;
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
    const olderShown = this.list.filter((item) => !inSnapshot.has(item.id));
    const overlaps = this.list.some((item) => inSnapshot.has(item.id));
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

/** Reads pages at the gap cursor until the gap is closed, or the page budget is spent. */
export async function fillGap(model: ListModel, readPage: (before: string) => Promise<ItemsPage>): Promise<void> {
  for (let pages = 0; pages < GAP_PAGES_MAX; pages++) {
    const cursor = model.gapCursor();
    if (cursor === null) return;
    model.fillGap(await readPage(cursor));
  }
}
