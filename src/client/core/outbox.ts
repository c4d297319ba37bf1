/**
 * Saves, edits and removals that have not reached the server yet, in one
 * queue per list, sent one at a time in the order they were made. Each save
 * gets its own Idempotency-Key when it is made and keeps it through every
 * retry, so it is stored once however often it is sent; edits and removals
 * are safe to repeat as they are. The queue lives in a key-value store
 * (`localStorage` in the page), so it survives a reload or a closed tab and
 * goes out when the network is back. An edit or removal of an item whose
 * save is still queued waits for that save's answer, which names the item.
 * Several items added at once are one entry, one request (a batch): the page
 * sees each of its lines as a save of its own until the batch is answered.
 * A refused change never holds up the ones after it (changeRefusals.ts says
 * what it leaves of them).
 * Each list has its own queue (see {@link outboxStorageKey}), so nothing made
 * on one list ever goes to another.
 */
import type { ErrorBody } from "../../protocol/errors";
import type { Item, NewItem } from "../../protocol/item";
import type { NewLine } from "../../protocol/batch";
import { DEFAULT_LIST_ID } from "../../protocol/lists";
import { backoffDelay, type BackoffPolicy } from "./backoff";
import type { Collision, RetryOutcome } from "./answers";
import { afterCollision, afterRejection, type Fates, type Fields } from "./changeRefusals";
import type { Scheduler } from "./liveConnection";

// Importers have always found it here.
export { postSave } from "./itemsApi";

export * from "./outboxEntries";
import {
  changedItemId,
  isChange,
  isEntry,
  isSave,
  lineKey,
  outboxStorageKey,
  savesShown,
  type BatchOutcome,
  type ChangeOutcome,
  type Entry,
  type PendingBatch,
  type PendingChange,
  type PendingSave,
  type PostOutcome,
} from "./outboxEntries";

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface OutboxOptions {
  store: KeyValueStore;
  /** The list `post` sends to; its queue is kept apart from other lists'. The default list when left out. */
  listId?: string;
  post(save: PendingSave): Promise<PostOutcome>;
  /** Sends a batch; only needed by callers that queue batches. */
  postBatch?(batch: PendingBatch): Promise<BatchOutcome>;
  /** Sends an edit or removal of `itemId`; only needed by callers that queue changes. */
  send?(change: PendingChange, itemId: string): Promise<ChangeOutcome>;
  scheduler: Scheduler;
  onChange(pending: readonly PendingSave[], changes: readonly PendingChange[]): void;
  /** Called before the save leaves the queue, so the page can keep the edit key first. */
  onSaved(save: PendingSave, item: Item, editKey: string | null): void;
  onRejected(save: PendingSave, error: ErrorBody["error"]): void;
  /** Before the batch leaves the queue, so the page can keep the edit keys first. */
  onBatchSaved?(batch: PendingBatch, items: Item[], editKeys: string[]): void;
  onBatchRejected?(batch: PendingBatch, error: ErrorBody["error"]): void;
  /** A replayed save whose item was removed since: the save is done, nothing shows. */
  onSaveRemoved?(save: PendingSave): void;
  onChangeDone?(change: PendingChange, item: Item | null): void;
  onChangeRejected?(change: PendingChange, error: ErrorBody["error"]): void;
  /** A `412`: `mine` holds the person's own values of the collided fields that differ from the item now (changeRefusals.ts). */
  onChangeCollided?(change: PendingChange, collision: Collision, mine: Fields): void;
  /** Held back by the server's rate limit until then (ms since epoch); null once sending goes on. */
  onHeld?(until: number | null): void;
}

/** The default list's queue, under the key it had before there were other lists, so saves waiting there still go out. */
const RETRY_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 30_000 };


export class Outbox {
  #sending = false;
  #held = false;
  #attempt = 0;
  #retryTimer: unknown = null;
  /** The key of the entry being sent now. */
  #inFlight: string | null = null;
  /** The server's `Retry-After`: not even a flush the page asks for goes out before then. */
  #notBefore = 0;
  #heldUntil: number | null = null;

  readonly #storageKey: string;
  readonly #options: OutboxOptions;

  constructor(options: OutboxOptions) {
    this.#options = options;
    this.#storageKey = outboxStorageKey(options.listId ?? DEFAULT_LIST_ID);
  }

  /** Saves not yet answered, oldest first, a batch's lines among them. */
  pending(): PendingSave[] {
    return savesShown(this.#entries());
  }

  /** Edits and removals not yet answered, oldest first. */
  changes(): PendingChange[] {
    return this.#entries().filter(isChange);
  }

  /** Queues a save (it is durable once this returns) and starts sending. */
  add(input: NewItem, key: string): PendingSave {
    const save: PendingSave = { ...input, key, madeAt: this.#options.scheduler.now() };
    this.#enqueue(save);
    return save;
  }

  /** Queues several items added at once, as one entry (durable once this returns), and starts sending. */
  addBatch(lines: NewLine[], key: string): PendingBatch {
    const batch: PendingBatch = { kind: "batch", key, madeAt: this.#options.scheduler.now(), lines };
    this.#enqueue(batch);
    return batch;
  }

  /** Takes an entry out of the queue unsent; false when it is being sent now, or is no longer queued. */
  withdraw(key: string): boolean {
    const entries = this.#entries();
    if (key === this.#inFlight || !entries.some((entry) => entry.key === key)) return false;
    this.#write(entries.filter((entry) => entry.key !== key));
    return true;
  }

  /** Queues an edit or removal (durable once this returns) and starts sending. */
  change(change: PendingChange): void {
    this.#enqueue(change);
  }

  /**
   * Stops sending for good; entries still queue and stay queued. For a page
   * whose code is older than the server's: the updated page sends them.
   */
  hold(): void {
    this.#held = true;
    this.#clearRetry();
  }

  /** Sends what is queued now, without waiting for a retry timer. */
  async flush(): Promise<void> {
    if (this.#sending || this.#held || this.#options.scheduler.now() < this.#notBefore) return;
    this.#sending = true;
    this.#clearRetry();
    try {
      for (let entry = this.#entries()[0]; entry && !this.#held; entry = this.#entries()[0]) {
        this.#inFlight = entry.key;
        const outcome = await this.#sendSafely(entry).finally(() => (this.#inFlight = null));
        if (outcome.kind === "retry") {
          this.#scheduleRetry(outcome.afterMs ?? 0, outcome.limited === true);
          return;
        }
        this.#attempt = 0;
        this.#holdUntil(null);
        // Tell the page first, so it can keep the edit key and the entry's
        // place until the item's frame arrives, then drop it from the queue
        // (with what its refusal leaves of the item's later changes).
        const fates = this.#report(entry, outcome);
        this.#write(
          this.#entries().flatMap((queued) => {
            const fate = fates.has(queued.key) ? fates.get(queued.key) : queued.key === entry.key ? null : queued;
            return fate ?? [];
          }),
        );
      }
    } finally {
      this.#sending = false;
    }
  }

  #enqueue(entry: Entry): void {
    this.#write([...this.#entries(), entry]);
    void this.flush();
  }

  #entries(): Entry[] {
    try {
      const parsed: unknown = JSON.parse(this.#options.store.getItem(this.#storageKey) ?? "[]");
      return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
    } catch {
      return [];
    }
  }

  async #sendSafely(entry: Entry): Promise<PostOutcome | BatchOutcome | ChangeOutcome> {
    try {
      if (isSave(entry)) return await this.#options.post(entry);
      if (entry.kind === "batch") return this.#options.postBatch ? await this.#options.postBatch(entry) : { kind: "retry" };
      const itemId = changedItemId(entry);
      if (itemId === null || !this.#options.send) {
        return { kind: "rejected", error: { code: "not_found", message: "the item was never saved" } };
      }
      return await this.#options.send(entry, itemId);
    } catch {
      return { kind: "retry" };
    }
  }

  /** Tells the page how `entry` went; what becomes of the entries queued after it. */
  #report(entry: Entry, outcome: Exclude<PostOutcome | BatchOutcome | ChangeOutcome, RetryOutcome>): Fates {
    const options = this.#options;
    if (entry.kind === "batch") {
      if (outcome.kind === "savedAll") options.onBatchSaved?.(entry, outcome.items, outcome.editKeys);
      else if (outcome.kind === "rejected") options.onBatchRejected?.(entry, outcome.error);
      return new Map();
    }
    if (isSave(entry)) {
      if (outcome.kind === "saved") {
        options.onSaved(entry, outcome.item, outcome.editKey ?? null);
        this.#retarget(entry.key, outcome.item.id);
      } else if (outcome.kind === "rejected") options.onRejected(entry, outcome.error);
      else if (outcome.kind === "removed") options.onSaveRemoved?.(entry);
      return new Map();
    }
    // The same item's changes queued after this one (it is first in the queue).
    const target = JSON.stringify(entry.target);
    const later = this.changes().filter((change) => change.key !== entry.key && JSON.stringify(change.target) === target);
    if (outcome.kind === "collided") {
      const { fates, mine } = afterCollision(entry, later, outcome.collision.fields, outcome.collision.item);
      options.onChangeCollided?.(entry, outcome.collision, mine);
      return fates;
    }
    if (outcome.kind === "rejected") {
      options.onChangeRejected?.(entry, outcome.error);
      return afterRejection(outcome.error, later);
    }
    if (outcome.kind === "done") options.onChangeDone?.(entry, outcome.item);
    return new Map();
  }

  #holdUntil(until: number | null): void {
    if (until !== this.#heldUntil) this.#options.onHeld?.(until);
    this.#heldUntil = until;
  }

  /** Changes waiting for the save `saveKey` learn the id of the item it made. */
  #retarget(saveKey: string, itemId: string): void {
    const entries = this.#entries().map((entry) =>
      isChange(entry) && "saveKey" in entry.target && entry.target.saveKey === saveKey ? { ...entry, target: { itemId } } : entry,
    );
    this.#write(entries);
  }

  #scheduleRetry(retryAfterMs: number, limited: boolean): void {
    const now = this.#options.scheduler.now();
    this.#notBefore = now + retryAfterMs;
    const delay = Math.max(retryAfterMs, backoffDelay(this.#attempt++, () => this.#options.scheduler.random(), RETRY_BACKOFF));
    this.#holdUntil(limited ? now + delay : null);
    this.#retryTimer = this.#options.scheduler.setTimeout(() => {
      this.#retryTimer = null;
      void this.flush();
    }, delay);
  }

  #clearRetry(): void {
    if (this.#retryTimer !== null) this.#options.scheduler.clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  #write(entries: Entry[]): void {
    this.#options.store.setItem(this.#storageKey, JSON.stringify(entries));
    this.#options.onChange(savesShown(entries), entries.filter(isChange));
  }
}
