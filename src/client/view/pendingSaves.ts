/**
 * The person's own saves on the page before the list has them: a "sending…"
 * card for each save in the outbox, which turns "saved" when the server
 * confirms it and keeps its place until the frame carrying the item arrives,
 * so that a save never leaves the page and comes back. The list view puts
 * these cards above the list (listView.ts).
 */
import type { Item } from "../../protocol/item";
import type { ListModel } from "../core/listModel";
import type { PendingSave } from "../core/outbox";
import { createCard, setBody, setTitle, type ItemCard } from "./itemCard";

export class PendingSaves {
  /** Own saves by Idempotency-Key, and by item id once the server has confirmed them. */
  readonly #byKey = new Map<string, ItemCard>();
  readonly #confirmedAwaitingFrame = new Map<string, HTMLElement>();

  readonly #model: ListModel;

  constructor(model: ListModel) {
    this.#model = model;
  }

  /** An own save arriving in its frame: already on the page as "sending…" or "saved". */
  isOwnSave(item: Item): boolean {
    if (this.#confirmedAwaitingFrame.has(item.id)) return true;
    for (const card of this.#byKey.values()) {
      if (card.title.textContent === item.title && card.shownBody === item.body) return true;
    }
    return false;
  }

  /** The cards of the saves in the outbox now: those of saves gone from it leave the page; the new ones are returned. */
  show(pending: readonly PendingSave[]): ItemCard[] {
    const keys = new Set(pending.map((save) => save.key));
    for (const [key, card] of this.#byKey) {
      if (!keys.has(key)) {
        card.root.remove();
        this.#byKey.delete(key);
      }
    }
    const added: ItemCard[] = [];
    for (const save of pending) {
      if (this.#byKey.has(save.key)) continue;
      const card = createCard("itementry pending");
      // Ticked once it is saved: until then it is not an item anyone can change.
      card.done.disabled = true;
      setTitle(card, save.title);
      setBody(card, save.body, () => undefined);
      card.meta.textContent = "sending…";
      this.#byKey.set(save.key, card);
      added.push(card);
    }
    return added;
  }

  /** The server stored an own save: its card keeps its place until the frame carrying it arrives. False when no card was shown for it. */
  confirm(key: string, item: Item): boolean {
    const card = this.#byKey.get(key);
    if (!card) return false;
    this.#byKey.delete(key);
    if (this.#arrived(item.id)) {
      card.root.remove();
    } else {
      card.meta.textContent = "saved";
      this.#confirmedAwaitingFrame.set(item.id, card.root);
    }
    return true;
  }

  /** The cards to show above the list, newest first; a confirmed save whose item the list now has (or removed) leaves the page. */
  nodes(): HTMLElement[] {
    for (const [id, element] of this.#confirmedAwaitingFrame) {
      if (this.#arrived(id)) {
        element.remove();
        this.#confirmedAwaitingFrame.delete(id);
      }
    }
    return [...[...this.#byKey.values()].map((card) => card.root), ...this.#confirmedAwaitingFrame.values()].reverse();
  }

  #arrived(itemId: string): boolean {
    return this.#model.has(itemId) || this.#model.isRemoved(itemId);
  }
}
