/**
 * The list on the page: confirmed items newest first, with the person's own
 * unconfirmed saves above them. Text from people is only ever set as
 * `textContent`, never parsed as HTML. The seed's markup is kept:
 * `#mainlist > .itementry > h2 + div`.
 */
import type { Item } from "../protocol/item";
import type { Applied } from "./inbox";
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
  private items: Item[] = [];
  private readonly itemElements = new Map<string, HTMLElement>();
  /** Own saves by Idempotency-Key, and by item id once the server has confirmed them. */
  private readonly pendingByKey = new Map<string, HTMLElement>();
  private readonly confirmedAwaitingFrame = new Map<string, HTMLElement>();
  private loaded = false;

  constructor(private readonly elements: ListElements) {}

  apply(applied: readonly Applied[]): void {
    for (const change of applied) {
      if (change.kind === "snapshot") this.mergeSnapshot(change.items, change.hasOlder);
      else this.items.unshift(change.item);
    }
    this.loaded = true;
    this.render();
  }

  /** Items from "Show older": they go below everything shown. */
  appendOlder(items: readonly Item[], hasOlder: boolean): void {
    const shown = new Set(this.items.map((item) => item.id));
    this.items.push(...items.filter((item) => !shown.has(item.id)));
    this.elements.showOlder.hidden = !hasOlder;
    this.render();
  }

  oldestId(): string | null {
    return this.items.at(-1)?.id ?? null;
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
    if (this.items.some((shown) => shown.id === item.id)) {
      element.remove();
    } else {
      element.querySelector(".meta")!.textContent = "saved";
      this.confirmedAwaitingFrame.set(item.id, element);
    }
    this.render();
  }

  /** Relative times drift; refresh them now and then. */
  refreshTimes(now = Date.now()): void {
    for (const item of this.items) this.updateTime(item, now);
  }

  private mergeSnapshot(snapshot: readonly Item[], hasOlder: boolean): void {
    // A snapshot is the newest page at the time it was taken, so it leads;
    // anything shown before that it no longer covers is older and follows.
    const inSnapshot = new Set(snapshot.map((item) => item.id));
    const olderShown = this.items.filter((item) => !inSnapshot.has(item.id));
    this.items = [...snapshot, ...olderShown];
    if (!this.loaded || olderShown.length === 0) this.elements.showOlder.hidden = !hasOlder;
  }

  private render(): void {
    const now = Date.now();
    const shownIds = new Set(this.items.map((item) => item.id));
    for (const [id, element] of this.confirmedAwaitingFrame) {
      if (shownIds.has(id)) {
        element.remove();
        this.confirmedAwaitingFrame.delete(id);
      }
    }
    const itemNodes = this.items.map((item) => this.elementFor(item, now));
    const pendingNodes = [...this.pendingByKey.values(), ...this.confirmedAwaitingFrame.values()].reverse();
    this.elements.list.replaceChildren(...pendingNodes, ...itemNodes);
    this.elements.emptyState.hidden = !this.loaded || itemNodes.length + pendingNodes.length > 0;
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
