/**
 * What a client's page would show: the page's own ListModel
 * (src/client/listModel.ts, the DOM-free half of ListView), plus a record of
 * any item applied twice, which the invariants check.
 */
import type { Applied } from "../../src/client/inbox";
import { ListModel, type ItemsPage } from "../../src/client/listModel";

export class MirrorList {
  readonly model = new ListModel();

  /** Applies changes as the page does; returns the ids of items that were already shown (a double apply). */
  apply(applied: readonly Applied[]): string[] {
    const repeated = applied.flatMap((change) =>
      change.kind === "item" && this.model.has(change.item.id) ? [change.item.id] : [],
    );
    this.model.apply(applied);
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

  get size(): number {
    return this.model.items.length;
  }
}
