/**
 * The list on the page: confirmed items newest first, with the person's own
 * unconfirmed saves above them. Text from people is only ever set as
 * `textContent`, never parsed as HTML. The seed's markup is kept:
 * `#mainlist > .itementry > h2 + div`.
 */
import type { Item } from "../protocol/item";
import type { Applied } from "./inbox";
import { ListModel, type ItemsPage, type ShownList } from "./listModel";
import type { PendingSave } from "./outbox";
import { exactTime, timeAgo } from "./relativeTime";

export interface ListElements {
  list: HTMLElement;
  emptyState: HTMLElement;
  showOlder: HTMLButtonElement;
}

function entry(title: string, body: string, className: string): { root: HTMLElement; meta: HTMLElement } {
  const root = document.createElement("article");
  root.className = className;
  const heading = document.createElement("h2");
  heading.textContent = title;
  const text = document.createElement("div");
  text.textContent = body;
  const meta = document.createElement("time");
  meta.className = "meta";
  root.append(heading, text, meta);
  return { root, meta };
}

export class ListView {
  /** The order of what is shown; shared with the fault harness, which has no DOM. */
  readonly model = new ListModel();
  private readonly itemElements = new Map<string, HTMLElement>();
  /** Own saves by Idempotency-Key, and by item id once the server has confirmed them. */
  private readonly pendingByKey = new Map<string, HTMLElement>();
  private readonly confirmedAwaitingFrame = new Map<string, HTMLElement>();

  constructor(private readonly elements: ListElements) {}

  /** A copy of the list saved on the device, painted until the server's snapshot reconciles it. */
  restore(saved: ShownList): void {
    this.model.restore(saved);
    this.render();
  }

  apply(applied: readonly Applied[]): void {
    this.model.apply(applied);
    this.render();
  }

  /** Items from "Show older" or a gap fill: the model places them; this shows them. */
  render(): void {
    const now = Date.now();
    const items = this.model.items;
    for (const [id, element] of this.confirmedAwaitingFrame) {
      if (this.model.has(id)) {
        element.remove();
        this.confirmedAwaitingFrame.delete(id);
      }
    }
    const itemNodes = items.map((item) => this.elementFor(item, now));
    const pendingNodes = [...this.pendingByKey.values(), ...this.confirmedAwaitingFrame.values()].reverse();
    this.elements.list.replaceChildren(...pendingNodes, ...itemNodes);
    this.elements.emptyState.hidden = !this.model.isLoaded || itemNodes.length + pendingNodes.length > 0;
    this.elements.showOlder.hidden = !this.model.olderExist;
  }

  appendOlder(page: ItemsPage): void {
    this.model.appendOlder(page);
    this.render();
  }

  showPending(pending: readonly PendingSave[]): void {
    const keys = new Set(pending.map((save) => save.key));
    for (const [key, element] of this.pendingByKey) {
      if (!keys.has(key)) {
        element.remove();
        this.pendingByKey.delete(key);
      }
    }
    for (const save of pending) {
      if (this.pendingByKey.has(save.key)) continue;
      const { root, meta } = entry(save.title, save.body, "itementry pending");
      meta.textContent = "sending…";
      this.pendingByKey.set(save.key, root);
    }
    this.render();
  }

  /** The server stored an own save; keep its place until the frame carrying it arrives. */
  confirmPending(key: string, item: Item): void {
    const element = this.pendingByKey.get(key);
    if (!element) return;
    this.pendingByKey.delete(key);
    if (this.model.has(item.id)) {
      element.remove();
    } else {
      element.querySelector(".meta")!.textContent = "saved";
      this.confirmedAwaitingFrame.set(item.id, element);
    }
    this.render();
  }

  /** Relative times drift; refresh them now and then. */
  refreshTimes(now = Date.now()): void {
    for (const item of this.model.items) this.updateTime(item, now);
  }

  private elementFor(item: Item, now: number): HTMLElement {
    let element = this.itemElements.get(item.id);
    if (!element) {
      element = entry(item.title, item.body, "itementry").root;
      element.dataset.id = item.id;
      this.itemElements.set(item.id, element);
      this.updateTime(item, now);
    }
    return element;
  }

  private updateTime(item: Item, now: number): void {
    const meta = this.itemElements.get(item.id)?.querySelector("time");
    if (!meta) return;
    const at = new Date(item.createdAt);
    meta.dateTime = item.createdAt;
    meta.title = exactTime(at);
    meta.textContent = timeAgo(at, now);
  }
}
