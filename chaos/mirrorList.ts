/**
 * What a client's page would show, by the page's own rules
 * (src/client/listView.ts, which needs a DOM and so cannot run here): an
 * applied snapshot leads and whatever shown item it does not cover follows
 * (`mergeSnapshot`), an applied item goes on top, and "Show older" appends
 * below. Kept in step with ListView by hand; the rules are three lines.
 */
import type { Applied } from "../src/client/inbox";
import type { Item } from "../src/protocol/item";

export class MirrorList {
  private items: Item[] = [];
  private readonly shown = new Set<string>();
  private loaded = false;
  /** Whether the page's "Show older" button would be visible. */
  showOlderVisible = false;

  /** Applies changes as ListView.apply does; returns the ids that were already shown (a double apply). */
  apply(applied: readonly Applied[]): string[] {
    const repeated: string[] = [];
    for (const change of applied) {
      if (change.kind === "snapshot") {
        this.mergeSnapshot(change.items, change.hasOlder);
      } else {
        if (this.shown.has(change.item.id)) repeated.push(change.item.id);
        this.items.unshift(change.item);
        this.shown.add(change.item.id);
      }
    }
    this.loaded = true;
    return repeated;
  }

  appendOlder(items: readonly Item[], hasOlder: boolean): void {
    this.items.push(...items.filter((item) => !this.shown.has(item.id)));
    for (const item of items) this.shown.add(item.id);
    this.showOlderVisible = hasOlder;
  }

  has(id: string): boolean {
    return this.shown.has(id);
  }

  oldestId(): string | null {
    return this.items.at(-1)?.id ?? null;
  }

  ids(): string[] {
    return this.items.map((item) => item.id);
  }

  get size(): number {
    return this.items.length;
  }

  private mergeSnapshot(snapshot: readonly Item[], hasOlder: boolean): void {
    const inSnapshot = new Set(snapshot.map((item) => item.id));
    const olderShown = this.items.filter((item) => !inSnapshot.has(item.id));
    this.items = [...snapshot, ...olderShown];
    for (const item of snapshot) this.shown.add(item.id);
    if (!this.loaded || olderShown.length === 0) this.showOlderVisible = hasOlder;
  }
}
