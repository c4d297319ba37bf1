/**
 * What a client's page would show: the page's own ListModel
 * (src/client/core/listModel.ts, the DOM-free half of ListView), watched so that
 * every version of every item it shows, and every time it stops showing one,
 * goes into the client's record, whatever brought the change: frames, a
 * snapshot or a "Show older" page. Plus a record of any item
 * applied twice. The invariants check both.
 */
import type { Applied } from "../../src/client/core/inbox";
import { ListModel, type ItemsPage } from "../../src/client/core/listModel";
import type { Item } from "../../src/protocol/item";
import type { ShownEvent, ShownVia } from "./history";

/** Which items a change may have touched: these ids, or (a snapshot) any. */
type Touched = { ids: Iterable<string> } | "any";

/** The page's model, telling its owner after each change which items it may have touched. */
class WatchedModel extends ListModel {
  constructor(private readonly changed: (touched: Touched, via: ShownVia) => void) {
    super();
  }

  override apply(applied: readonly Applied[]): void {
    super.apply(applied);
    const snapshot = applied.some((change) => change.kind === "snapshot");
    const ids = applied.flatMap((change) => (change.kind === "snapshot" ? [] : [change.kind === "removed" ? change.itemId : change.item.id]));
    this.changed(snapshot ? "any" : { ids }, snapshot ? "snapshot" : "frames");
  }

  override appendOlder(page: ItemsPage): void {
    super.appendOlder(page);
    this.changed({ ids: page.items.map((item) => item.id) }, "older page");
  }
}

export class MirrorList {
  readonly model: ListModel;
  /** What the record last said the list shows, per id. */
  private readonly recorded = new Map<string, Item>();

  constructor(private readonly shown: Map<string, ShownEvent[]>) {
    this.model = new WatchedModel((touched, via) => this.record(touched, via));
  }

  /** Applies changes as the page does; returns the ids of items that were already shown (a double apply). */
  apply(applied: readonly Applied[]): string[] {
    const repeated = applied.flatMap((change) =>
      change.kind === "item" && this.model.has(change.item.id) ? [change.item.id] : [],
    );
    this.model.apply(applied);
    const at = Date.now();
    for (const change of applied) if (change.kind === "removed") this.eventsOf(change.itemId).push({ at, kind: "removal applied" });
    return repeated;
  }

  appendOlder(page: ItemsPage): void {
    this.model.appendOlder(page);
  }

  /** Whether the page's "Show older" button would be visible. */
  get showOlderVisible(): boolean {
    return this.model.olderExist;
  }

  has(id: string): boolean {
    return this.model.has(id);
  }

  oldestId(): string | null {
    return this.model.oldestId();
  }

  ids(): string[] {
    return this.model.items.map((item) => item.id);
  }

  /** The items as shown, newest first. */
  items(): readonly Item[] {
    return this.model.items;
  }

  get size(): number {
    return this.model.items.length;
  }

  private record(touched: Touched, via: ShownVia): void {
    const ids = touched === "any" ? null : [...touched.ids];
    // Most changes touch an item or two near the top: finding them is cheaper than indexing the whole list.
    const indexed = ids === null || ids.length > 8 ? new Map(this.model.items.map((item) => [item.id, item])) : null;
    const find = (id: string) => (indexed ? indexed.get(id) : this.model.find(id));
    const at = Date.now();
    for (const id of ids ?? new Set([...this.recorded.keys(), ...indexed!.keys()])) {
      const item = find(id);
      const before = this.recorded.get(id);
      if (item && (!before || before.version !== item.version || before.title !== item.title || before.body !== item.body)) {
        this.recorded.set(id, item);
        this.eventsOf(id).push({ at, kind: "shown", version: item.version, title: item.title, body: item.body, done: item.done, via });
      } else if (!item && before) {
        this.recorded.delete(id);
        this.eventsOf(id).push({ at, kind: "hidden", via });
      }
    }
  }

  private eventsOf(id: string): ShownEvent[] {
    let events = this.shown.get(id);
    if (!events) this.shown.set(id, (events = []));
    return events;
  }
}
