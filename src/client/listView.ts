/**
 * The list on the page: confirmed items newest first, with the person's own
 * unconfirmed saves above them, their unsent edits shown in place and their
 * removals hidden. Text from people is only ever set as `textContent`, never
 * parsed as HTML. The seed's markup is kept:
 * `#mainlist > .itementry > h2 + div`.
 *
 * Each item keeps its element for as long as it is shown: a new version
 * changes the element's text, and the list only moves the elements whose
 * place changed, so an item edited while someone reads it updates without
 * the list being rebuilt under them.
 */
import type { Item, ItemPatch } from "../protocol/item";
import type { Applied } from "./inbox";
import { ListModel, type ItemsPage, type ShownList } from "./listModel";
import { changedItemId, type PendingChange, type PendingSave } from "./outbox";
import { exactTime, timeAgo } from "./relativeTime";

export interface ListElements {
  list: HTMLElement;
  emptyState: HTMLElement;
  showOlder: HTMLButtonElement;
}

export interface ItemActions {
  /** Whether this browser holds a key that lets it change the item (its edit key, or the owner key). */
  canChange(itemId: string): boolean;
  edit(item: Item): void;
  remove(item: Item): void;
  undoRemove(itemId: string): void;
}

interface Entry {
  root: HTMLElement;
  title: HTMLElement;
  body: HTMLElement;
  meta: HTMLTimeElement;
  actions: HTMLElement;
  removedNote: HTMLElement;
}

function button(label: string, action: string): HTMLButtonElement {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "link";
  element.textContent = label;
  element.dataset.action = action;
  return element;
}

function entry(title: string, body: string, className: string): Entry {
  const root = document.createElement("article");
  root.className = className;
  const heading = document.createElement("h2");
  heading.textContent = title;
  const text = document.createElement("div");
  text.textContent = body;
  const meta = document.createElement("time");
  meta.className = "meta";
  const actions = document.createElement("p");
  actions.className = "itemactions";
  actions.hidden = true;
  actions.append(button("Edit", "edit"), button("Remove", "remove"));
  const removedNote = document.createElement("p");
  removedNote.className = "removednote";
  removedNote.hidden = true;
  removedNote.append("Removed · ", button("Undo", "undo"));
  root.append(heading, text, meta, actions, removedNote);
  return { root, title: heading, body: text, meta, actions, removedNote };
}

/** Sets text only when it differs, so an unchanged item's nodes (and a reader's selection) stay as they are. */
function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

export class ListView {
  /** The order of what is shown; shared with the fault harness, which has no DOM. */
  readonly model = new ListModel();
  readonly #entries = new Map<string, Entry>();
  /** Own saves by Idempotency-Key, and by item id once the server has confirmed them. */
  readonly #pendingByKey = new Map<string, HTMLElement>();
  readonly #confirmedAwaitingFrame = new Map<string, HTMLElement>();
  /** Own edits not yet answered, by item id: shown in place of the item's text. */
  #unsentEdits = new Map<string, ItemPatch>();
  /** Own removals queued to go out: hidden already. */
  #unsentRemovals = new Set<string>();
  /** Removals still in their Undo window. */
  readonly #undoable = new Set<string>();
  /** What the Search field lets through (searchBar.ts); null shows everything. */
  #filter: ((text: { title: string; body: string }) => boolean) | null = null;
  #counts = { matching: 0, total: 0 };
  /** Called after every render, so the search's count follows the list. */
  onRendered: (() => void) | null = null;

  constructor(
    private readonly elements: ListElements,
    private readonly actions: ItemActions | null = null,
  ) {
    elements.list.addEventListener("click", (event) => {
      const target = event.target as HTMLElement;
      const action = target.closest<HTMLElement>("[data-action]")?.dataset.action;
      const id = target.closest<HTMLElement>(".itementry")?.dataset.id;
      const item = id === undefined ? undefined : this.model.find(id);
      if (!action || !item || !this.actions) return;
      if (action === "edit") this.actions.edit(item);
      else if (action === "remove") this.actions.remove(item);
      else this.actions.undoRemove(item.id);
    });
  }

  /** A copy of the list saved on the device, painted until the server's snapshot reconciles it. */
  restore(saved: ShownList): void {
    this.model.restore(saved);
    this.render();
  }

  apply(applied: readonly Applied[]): void {
    this.model.apply(applied);
    this.render();
  }

  /** Brings the page in line with the model: moves only what moved, and repaints each item's text if it changed. */
  render(): void {
    const now = Date.now();
    for (const [id, element] of this.#confirmedAwaitingFrame) {
      if (this.model.has(id) || this.model.isRemoved(id)) {
        element.remove();
        this.#confirmedAwaitingFrame.delete(id);
      }
    }
    const items = this.model.items.filter((item) => !this.#unsentRemovals.has(item.id));
    const itemNodes = items.map((item) => this.#paint(item, now));
    let matching = 0;
    items.forEach((item, index) => {
      const edit = this.#unsentEdits.get(item.id);
      const shown = this.#filter === null || this.#filter({ title: edit?.title ?? item.title, body: edit?.body ?? item.body });
      itemNodes[index]!.hidden = !shown;
      if (shown) matching++;
    });
    this.#counts = { matching, total: items.length };
    const pendingNodes = [...this.#pendingByKey.values(), ...this.#confirmedAwaitingFrame.values()].reverse();
    const { list } = this.elements;
    let cursor = list.firstElementChild;
    for (const node of [...pendingNodes, ...itemNodes]) {
      if (node === cursor) cursor = cursor.nextElementSibling;
      else list.insertBefore(node, cursor);
    }
    while (cursor) {
      const next: Element | null = cursor.nextElementSibling;
      cursor.remove();
      cursor = next;
    }
    for (const id of this.#entries.keys()) if (!this.model.has(id)) this.#entries.delete(id);
    this.elements.emptyState.hidden = !this.model.isLoaded || itemNodes.length + pendingNodes.length > 0;
    this.elements.showOlder.hidden = !this.model.olderExist;
    this.onRendered?.();
  }

  /** Shows only the items `match` accepts (every item when null). */
  setFilter(match: ((text: { title: string; body: string }) => boolean) | null): void {
    this.#filter = match;
    this.render();
  }

  /** How many items the filter lets through, of how many confirmed items the page holds. */
  counts(): { matching: number; total: number } {
    return this.#counts;
  }

  appendOlder(page: ItemsPage): void {
    this.model.appendOlder(page);
    this.render();
  }

  showPending(pending: readonly PendingSave[]): void {
    const keys = new Set(pending.map((save) => save.key));
    for (const [key, element] of this.#pendingByKey) {
      if (!keys.has(key)) {
        element.remove();
        this.#pendingByKey.delete(key);
      }
    }
    for (const save of pending) {
      if (this.#pendingByKey.has(save.key)) continue;
      const { root, meta } = entry(save.title, save.body, "itementry pending");
      meta.textContent = "sending…";
      this.#pendingByKey.set(save.key, root);
    }
    this.render();
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

  /** Marks an item "Removed · Undo" (in its Undo window), or shows it again. */
  showUndoable(itemId: string, undoable: boolean): void {
    if (undoable) this.#undoable.add(itemId);
    else this.#undoable.delete(itemId);
    this.render();
  }

  /** The server stored an own save; keep its place until the frame carrying it arrives. */
  confirmPending(key: string, item: Item): void {
    const element = this.#pendingByKey.get(key);
    if (!element) return;
    this.#pendingByKey.delete(key);
    if (this.model.has(item.id) || this.model.isRemoved(item.id)) {
      element.remove();
    } else {
      element.querySelector(".meta")!.textContent = "saved";
      this.#confirmedAwaitingFrame.set(item.id, element);
    }
    this.render();
  }

  /** Relative times drift; refresh them now and then. */
  refreshTimes(now = Date.now()): void {
    for (const item of this.model.items) this.#updateTime(item, now);
  }

  /** The item's element, created once and brought up to date with the version shown and any unsent edit. */
  #paint(item: Item, now: number): HTMLElement {
    let shown = this.#entries.get(item.id);
    if (!shown) {
      shown = entry(item.title, item.body, "itementry");
      shown.root.dataset.id = item.id;
      this.#entries.set(item.id, shown);
    }
    const edit = this.#unsentEdits.get(item.id);
    setText(shown.title, edit?.title ?? item.title);
    setText(shown.body, edit?.body ?? item.body);
    shown.root.classList.toggle("unsent", edit !== undefined);
    const undoable = this.#undoable.has(item.id);
    shown.root.classList.toggle("removed", undoable);
    shown.removedNote.hidden = !undoable;
    shown.actions.hidden = undoable || !this.actions?.canChange(item.id);
    this.#updateTime(item, now);
    return shown.root;
  }

  #updateTime(item: Item, now: number): void {
    const meta = this.#entries.get(item.id)?.meta;
    if (!meta) return;
    if (this.#unsentEdits.has(item.id)) {
      setText(meta, "saving edit…");
      return;
    }
    const at = new Date(item.createdAt);
    meta.dateTime = item.createdAt;
    meta.title = exactTime(item.updatedAt === null ? at : new Date(item.updatedAt));
    setText(meta, timeAgo(at, now) + (item.updatedAt === null ? "" : " · edited"));
  }
}
