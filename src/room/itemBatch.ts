/**
 * Several new items saved by one request (src/protocol/batch.ts): refused or
 * stored as a whole. The batch takes one save from the list's rate ceiling
 * and counts item by item against what a list may hold; its lines are
 * written in one transaction, each as its own log entry, delivered in order.
 * Lines are written last to first, so the first line is the newest item and
 * the list, newest first, reads in the order the lines were sent.
 *
 * A batch with an Idempotency-Key is stored once: its first line's item
 * keeps the key itself and line n's keeps `key#n`, each with the hash of the
 * whole batch, so a repeat finds the batch for as long as any of its items
 * is kept, and a different batch (or one item) under the same key is told
 * apart from it.
 */
import type { NewLine } from "../protocol/batch";
import { ErrorCode } from "../protocol/errors";
import type { Item } from "../protocol/item";
import type { LogEntry } from "../shared/logEntry";
import type { Outcome } from "../shared/outcome";
import type { EditKeys } from "./editKeys";
import type { ItemStore, StoredItem } from "./itemStore";
import type { ListCeilings } from "./listConfig";
import { overCeiling, textBytes, type ListTotals } from "./listTotals";
import type { SaveLimit } from "./saveLimit";
import { batchHash } from "./textHash";

export interface SavedBatch {
  /** In the order of the lines sent; a repeat leaves out the items removed since. */
  items: Item[];
  /** Each item's edit key, at its index in `items`. */
  editKeys: string[];
  replayed: boolean;
}

export interface BatchContext {
  items: ItemStore;
  editKeys: EditKeys;
  limits: SaveLimit;
  totals: ListTotals;
  ceilings: ListCeilings;
  /** Writes log entries from the next position on, in one transaction, and delivers them in order. */
  recordAll: (write: (firstPos: number) => LogEntry[]) => LogEntry[];
}

/** The Idempotency-Key line `index` (from 0) of a batch sent with `key` is stored under. */
function lineKey(key: string, index: number): string {
  return index === 0 ? key : `${key}#${index + 1}`;
}

export class ItemBatches {
  constructor(private readonly room: BatchContext) {}

  /** `lines` as validated by the Worker: 1 to `BATCH_MAX_ITEMS`, each with text the protocol's rules accept. */
  async save(lines: readonly NewLine[], idempotencyKey: string | null, group: string | null, writer: string | null, now: number): Promise<Outcome<SavedBatch>> {
    const ceiling = this.room.limits.refusal(group, now);
    if (ceiling) return { ok: false, error: ceiling };
    const sentHash = idempotencyKey === null ? null : batchHash(lines);
    const earlier = idempotencyKey === null ? [] : this.room.items.findBatchByIdempotencyKey(idempotencyKey);
    if (earlier.length > 0) return this.replay(earlier, sentHash);
    const added = { items: lines.length, textBytes: lines.reduce((sum, line) => sum + textBytes(line), 0) };
    const full = overCeiling(this.room.totals.read(), added, this.room.ceilings);
    if (full) return { ok: false, error: full };
    const entries = this.room.recordAll((firstPos) =>
      lines.map((_, at) => {
        const index = lines.length - 1 - at;
        const key = idempotencyKey === null ? null : lineKey(idempotencyKey, index);
        return this.room.items.append(firstPos + at, lines[index]!, key, now, writer, sentHash);
      }),
    );
    return { ok: true, value: await this.answer(entries.map((entry) => entry.item!).reverse(), false) };
  }

  private async replay(earlier: Array<{ stored: StoredItem; sentHash: string | null }>, sentHash: string | null): Promise<Outcome<SavedBatch>> {
    const kept = earlier.filter((saved) => saved.stored.item !== null);
    if (kept.length === 0) {
      const message = "the items saved with this Idempotency-Key have since been removed";
      return { ok: false, error: { code: ErrorCode.ItemRemoved, message } };
    }
    if (kept.some((saved) => saved.sentHash !== sentHash)) {
      const message = "this Idempotency-Key was already used for a different item or batch";
      return { ok: false, error: { code: ErrorCode.IdempotencyKeyReused, message } };
    }
    return { ok: true, value: await this.answer(kept.map((saved) => saved.stored.item!), true) };
  }

  private async answer(items: Item[], replayed: boolean): Promise<SavedBatch> {
    const editKeys = await Promise.all(items.map((item) => this.room.editKeys.keyFor(item.id)));
    return { items, editKeys, replayed };
  }
}
