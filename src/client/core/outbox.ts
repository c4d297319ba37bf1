/**
 * Saves, edits and removals that have not reached the server yet, in one
 * queue per list, sent one at a time in the order they were made. Each save
 * gets its own Idempotency-Key when it is made and keeps it through every
 * retry, so it is stored once however often it is sent; edits and removals
 * are safe to repeat as they are. The queue lives in a key-value store
 * (`localStorage` in the page), so it survives a reload or a closed tab and
 * goes out when the network is back. An edit or removal of an item whose
 * save is still queued waits for that save's answer, which names the item.
 * A refused change never holds up the ones after it (changeRefusals.ts says
 * what it leaves of them).
 * Each list has its own queue (see {@link outboxStorageKey}), so nothing made
 * on one list ever goes to another.
 */
import type { ErrorBody } from "../../protocol/errors";
import type { Item, ItemPatch, NewItem } from "../../protocol/item";
import { DEFAULT_LIST_ID } from "../../protocol/lists";
import { backoffDelay, type BackoffPolicy } from "./backoff";
import type { Collision, RetryOutcome } from "./answers";
import { afterCollision, afterRejection, type Fates, type Fields } from "./changeRefusals";
import type { Scheduler } from "./liveConnection";

// Importers have always found it here.
export { postSave } from "./itemsApi";

export interface PendingSave extends NewItem {
  /** Absent in queues written before there were edits. */
  kind?: "save";
  /** The save's Idempotency-Key, and the entry's name in the queue. */
  key: string;
  /** When the person pressed Save (ms since epoch). */
  madeAt: number;
}

/** The item a change is for: its id, or the key of its save while that save is still queued. */
export type ChangeTarget = { itemId: string } | { saveKey: string };

interface ChangeBase {
  /** The entry's name in the queue. */
  key: string;
  target: ChangeTarget;
  madeAt: number;
  /** The item's title as the person saw it, to name it if the change is refused (the item may be gone by then). */
  label?: string;
}

export interface PendingEdit extends ChangeBase {
  kind: "edit";
  patch: ItemPatch;
  /** The version the person saw (sent as `If-Match`), so a change they never saw is not overwritten; null in queues of protocol 4's ticks. */
  ifMatch: number | null;
}

export interface PendingRemoval extends ChangeBase {
  kind: "remove";
  /** The version the person saw (`If-Match`); absent in queues written before protocol 5. */
  ifMatch?: number | null;
}

export type PendingChange = PendingEdit | PendingRemoval;

/** The id of the item a change is for; null while its save is still queued. */
export function changedItemId(change: PendingChange): string | null {
  return "itemId" in change.target ? change.target.itemId : null;
}
type Entry = PendingSave | PendingChange;

export type PostOutcome =
  | { kind: "saved"; item: Item; editKey?: string }
  /** Saved earlier (this is a replay), and removed since: nothing is left to show. */
  | { kind: "removed" }
  | { kind: "rejected"; error: ErrorBody["error"] }
  | RetryOutcome;

export type ChangeOutcome =
  /** The item as edited; null for a removal. */
  | { kind: "done"; item: Item | null }
  | { kind: "rejected"; error: ErrorBody["error"] }
  /** `412`: another writer changed some of the fields meanwhile. */
  | { kind: "collided"; collision: Collision }
  | RetryOutcome;

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface OutboxOptions {
  store: KeyValueStore;
  /** The list `post` sends to; its queue is kept apart from other lists'. The default list when left out. */
  listId?: string;
  post(save: PendingSave): Promise<PostOutcome>;
  /** Sends an edit or removal of `itemId`; only needed by callers that queue changes. */
  send?(change: PendingChange, itemId: string): Promise<ChangeOutcome>;
  scheduler: Scheduler;
  onChange(pending: readonly PendingSave[], changes: readonly PendingChange[]): void;
  /** Called before the save leaves the queue, so the page can keep the edit key first. */
  onSaved(save: PendingSave, item: Item, editKey: string | null): void;
  onRejected(save: PendingSave, error: ErrorBody["error"]): void;
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
export const OUTBOX_STORAGE_KEY = "listroom.outbox.v1";

/** Where a list's queue lives in the store. */
export function outboxStorageKey(listId: string): string {
  return listId === DEFAULT_LIST_ID ? OUTBOX_STORAGE_KEY : `${OUTBOX_STORAGE_KEY}:${listId}`;
}

const RETRY_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 30_000 };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isEntry(value: unknown): value is Entry {
  if (!isRecord(value) || typeof value.key !== "string" || typeof value.madeAt !== "number") return false;
  if (value.kind === undefined || value.kind === "save") return typeof value.title === "string" && typeof value.body === "string";
  const target = value.target;
  const targeted = isRecord(target) && (typeof target.itemId === "string" || typeof target.saveKey === "string");
  if (value.kind === "remove") return targeted && (value.ifMatch === undefined || value.ifMatch === null || typeof value.ifMatch === "number");
  return targeted && value.kind === "edit" && isRecord(value.patch) && (value.ifMatch === null || typeof value.ifMatch === "number");
}

function isSave(entry: Entry): entry is PendingSave {
  return entry.kind === undefined || entry.kind === "save";
}

export class Outbox {
  #sending = false;
  #held = false;
  #attempt = 0;
  #retryTimer: unknown = null;
  /** The server's `Retry-After`: not even a flush the page asks for goes out before then. */
  #notBefore = 0;
  #heldUntil: number | null = null;

  readonly #storageKey: string;
  readonly #options: OutboxOptions;

  constructor(options: OutboxOptions) {
    this.#options = options;
    this.#storageKey = outboxStorageKey(options.listId ?? DEFAULT_LIST_ID);
  }

  /** Saves not yet answered, oldest first. */
  pending(): PendingSave[] {
    return this.#entries().filter(isSave);
  }

  /** Edits and removals not yet answered, oldest first. */
  changes(): PendingChange[] {
    return this.#entries().filter((entry) => !isSave(entry));
  }

  /** Queues a save (it is durable once this returns) and starts sending. */
  add(input: NewItem, key: string): PendingSave {
    const save: PendingSave = { ...input, key, madeAt: this.#options.scheduler.now() };
    this.#enqueue(save);
    return save;
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
        const outcome = await this.#sendSafely(entry);
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

  async #sendSafely(entry: Entry): Promise<PostOutcome | ChangeOutcome> {
    try {
      if (isSave(entry)) return await this.#options.post(entry);
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
  #report(entry: Entry, outcome: Exclude<PostOutcome | ChangeOutcome, RetryOutcome>): Fates {
    const options = this.#options;
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
      !isSave(entry) && "saveKey" in entry.target && entry.target.saveKey === saveKey ? { ...entry, target: { itemId } } : entry,
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
    this.#options.onChange(entries.filter(isSave), entries.filter((entry) => !isSave(entry)));
  }
}
