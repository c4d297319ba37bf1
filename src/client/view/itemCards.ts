/**
 * The card of each item the list shows (itemCard.ts), made once and kept
 * for as long as the item is shown, and painted only when what it shows has
 * changed: the item's version, the person's unsent edit, its Undo window,
 * whether this browser may change it. A render of a long list then touches
 * only the cards that changed, and a card someone is reading keeps its nodes.
 */
import { touchesText, type Item, type ItemPatch } from "../../protocol/item";
import { timeAgo } from "../core/relativeTime";
import { bodyOverflows, createCard, setBody, setDone, setSavedAt, setText, setTitle, showFold, type ItemCard } from "./itemCard";

/** What a card shows: the item's version, its unsent edit, whether it is in its Undo window, whether this browser may change it. */
export type Painted = [item: Item, edit: ItemPatch | undefined, undoable: boolean, canChange: boolean];

export class ItemCards {
  readonly #cards = new Map<string, ItemCard>();
  /** What each card last showed, so a render repaints only the cards whose item or state changed. */
  readonly #painted = new WeakMap<ItemCard, Painted>();
  /** Folded bodies, measured once laid out (off-screen cards are not laid out until they come near). */
  readonly #foldWatch = new ResizeObserver((seen) => {
    // Every measurement first, then every change, so the layout is computed once for the lot.
    const cards = seen.flatMap(({ target }) => this.#cardOf(target) ?? []);
    const overflowing = cards.map(bodyOverflows);
    cards.forEach((card, index) => showFold(card, overflowing[index]!));
  });

  /** The card shown for an item, if it is shown. */
  get(itemId: string): ItemCard | undefined {
    return this.#cards.get(itemId);
  }

  /** The item's element, created once and brought up to date with what it should show. */
  paint(paint: Painted, now: number): HTMLElement {
    const [item, edit, undoable, canChange] = paint;
    let shown = this.#cards.get(item.id);
    if (!shown) {
      shown = createCard("itementry");
      shown.root.dataset.id = item.id;
      this.#cards.set(item.id, shown);
    }
    // Unchanged since it was last painted: nothing to touch, which keeps a render of a long list cheap.
    if (this.#painted.get(shown)?.every((value, at) => value === paint[at])) return shown.root;
    this.#painted.set(shown, paint);
    setTitle(shown, edit?.title ?? item.title);
    setDone(shown, edit?.done ?? item.done);
    setBody(shown, edit?.body ?? item.body, (card) => this.#foldWatch.observe(card.body));
    shown.root.classList.toggle("unsent", edit !== undefined);
    shown.root.classList.toggle("removed", undoable);
    shown.removedNote.hidden = !undoable;
    shown.actions.hidden = undoable || !canChange;
    setSavedAt(shown, item);
    this.showTime(item, edit, now);
    return shown.root;
  }

  /** The card's time line: how long ago the item was saved, or what its unsent edit is doing. */
  showTime(item: Item, edit: ItemPatch | undefined, now: number): void {
    const meta = this.#cards.get(item.id)?.meta;
    if (!meta) return;
    if (edit) {
      // A queued tick says what it is; any change of text makes it an edit.
      setText(meta, touchesText(edit) ? "saving edit…" : "saving tick…");
      return;
    }
    setText(meta, timeAgo(new Date(item.createdAt), now) + (item.updatedAt === null ? "" : " · edited"));
  }

  /** Forgets the cards of items no longer shown. */
  keepOnly(isShown: (itemId: string) => boolean): void {
    for (const [id, card] of this.#cards) {
      if (isShown(id)) continue;
      this.#foldWatch.unobserve(card.body);
      this.#cards.delete(id);
    }
  }

  #cardOf(body: Element): ItemCard | undefined {
    const id = body.closest<HTMLElement>(".itementry")?.dataset.id;
    return id === undefined ? undefined : this.#cards.get(id);
  }
}
