/**
 * What a client knows of each item it has heard of: the highest version seen,
 * and which ids were removed. Frames and pages carry an item as it was when
 * they were sent, so they can arrive out of version order; a removal is
 * final, so a removed id is remembered (a tombstone) and never taken again.
 */
import { isNewerItem, type Item } from "../../protocol/item";

export class KnownItems {
  readonly #latest = new Map<string, Item>();
  readonly #removed = new Set<string>();

  has(id: string): boolean {
    return this.#latest.has(id);
  }

  isRemoved(id: string): boolean {
    return this.#removed.has(id);
  }

  /** Keeps `item` if it is news (not removed, newer than any version seen); says whether it was. */
  take(item: Item): boolean {
    if (this.#removed.has(item.id) || !isNewerItem(item, this.#latest.get(item.id))) return false;
    this.#latest.set(item.id, item);
    return true;
  }

  /** Records a removal; false when it was known already. */
  remove(id: string): boolean {
    if (this.#removed.has(id)) return false;
    this.#removed.add(id);
    this.#latest.delete(id);
    return true;
  }
}
