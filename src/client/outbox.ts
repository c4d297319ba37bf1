/**
 * Saves that have not reached the server yet. Each gets its own
 * Idempotency-Key when it is made and keeps it through every retry, so a save
 * is stored once however often it is sent. The queue lives in a key-value
 * store (`localStorage` in the page), so a save survives a reload or a closed
 * tab and goes out when the network is back. Saves go out one at a time, in
 * the order they were made. Each list has its own queue (see
 * {@link outboxStorageKey}), so a save made on one list never goes to another.
 */
import { isErrorBody, type ErrorBody } from "../protocol/errors";
import { isItem } from "../protocol/frames";
import type { Item, NewItem } from "../protocol/item";
import { DEFAULT_LIST_ID } from "../protocol/lists";
import { backoffDelay, type BackoffPolicy } from "./backoff";
import type { Scheduler } from "./liveConnection";

export interface PendingSave extends NewItem {
  key: string;
  /** When the person pressed Save (ms since epoch). */
  madeAt: number;
}

export type PostOutcome =
  | { kind: "saved"; item: Item }
  | { kind: "rejected"; error: ErrorBody["error"] }
  | { kind: "retry" };

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface OutboxOptions {
  store: KeyValueStore;
  /** The list `post` sends to; its queue is kept apart from other lists'. The default list when left out. */
  listId?: string;
  post(save: PendingSave): Promise<PostOutcome>;
  scheduler: Scheduler;
  onChange(pending: readonly PendingSave[]): void;
  onSaved(save: PendingSave, item: Item): void;
  onRejected(save: PendingSave, error: ErrorBody["error"]): void;
}

/** The default list's queue, under the key it had before there were other lists, so saves waiting there still go out. */
export const OUTBOX_STORAGE_KEY = "listroom.outbox.v1";

/** Where a list's queue lives in the store. */
export function outboxStorageKey(listId: string): string {
  return listId === DEFAULT_LIST_ID ? OUTBOX_STORAGE_KEY : `${OUTBOX_STORAGE_KEY}:${listId}`;
}

/** A save with no answer by then is sent again (same key): a half-dead connection must not hold the queue. */
export const SAVE_TIMEOUT_MS = 15_000;
const RETRY_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 30_000 };

function isPendingSave(value: unknown): value is PendingSave {
  if (typeof value !== "object" || value === null) return false;
  const save = value as Record<string, unknown>;
  return (
    typeof save.key === "string" &&
    typeof save.title === "string" &&
    typeof save.body === "string" &&
    typeof save.madeAt === "number"
  );
}

export class Outbox {
  private sending = false;
  private held = false;
  private attempt = 0;
  private retryTimer: unknown = null;

  private readonly storageKey: string;

  constructor(private readonly options: OutboxOptions) {
    this.storageKey = outboxStorageKey(options.listId ?? DEFAULT_LIST_ID);
  }

  pending(): PendingSave[] {
    try {
      const parsed: unknown = JSON.parse(this.options.store.getItem(this.storageKey) ?? "[]");
      return Array.isArray(parsed) ? parsed.filter(isPendingSave) : [];
    } catch {
      return [];
    }
  }

  /** Queues a save (it is durable once this returns) and starts sending. */
  add(input: NewItem, key: string): PendingSave {
    const save: PendingSave = { ...input, key, madeAt: this.options.scheduler.now() };
    this.write([...this.pending(), save]);
    void this.flush();
    return save;
  }

  /**
   * Stops sending for good; saves still queue and stay queued. For a page
   * whose code is older than the server's: the updated page sends them.
   */
  hold(): void {
    this.held = true;
    this.clearRetry();
  }

  /** Sends what is queued now, without waiting for a retry timer. */
  async flush(): Promise<void> {
    if (this.sending || this.held) return;
    this.sending = true;
    this.clearRetry();
    try {
      for (let save = this.pending()[0]; save && !this.held; save = this.pending()[0]) {
        const outcome = await this.postSafely(save);
        if (outcome.kind === "retry") {
          this.scheduleRetry();
          return;
        }
        this.attempt = 0;
        // Tell the page first, so it can keep the entry's place until the
        // item's frame arrives, then drop the save from the queue.
        if (outcome.kind === "saved") this.options.onSaved(save, outcome.item);
        else this.options.onRejected(save, outcome.error);
        this.remove(save.key);
      }
    } finally {
      this.sending = false;
    }
  }

  private async postSafely(save: PendingSave): Promise<PostOutcome> {
    try {
      return await this.options.post(save);
    } catch {
      return { kind: "retry" };
    }
  }

  private scheduleRetry(): void {
    const delay = backoffDelay(this.attempt++, () => this.options.scheduler.random(), RETRY_BACKOFF);
    this.retryTimer = this.options.scheduler.setTimeout(() => {
      this.retryTimer = null;
      void this.flush();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.options.scheduler.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private remove(key: string): void {
    this.write(this.pending().filter((save) => save.key !== key));
  }

  private write(pending: PendingSave[]): void {
    this.options.store.setItem(this.storageKey, JSON.stringify(pending));
    this.options.onChange(pending);
  }
}

/** Posts a save to the API and sorts the answer into saved, rejected or worth retrying. */
export async function postSave(
  fetchImpl: typeof fetch,
  endpoint: string,
  save: PendingSave,
): Promise<PostOutcome> {
  const response = await fetchImpl(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": save.key },
    body: JSON.stringify({ title: save.title, body: save.body }),
    signal: AbortSignal.timeout(SAVE_TIMEOUT_MS),
  });
  if (response.ok) {
    const body: unknown = await response.json().catch(() => null);
    const item: unknown = typeof body === "object" && body !== null ? (body as { item?: unknown }).item : null;
    // A success we cannot read is retried: the key makes the retry harmless.
    return isItem(item) ? { kind: "saved", item } : { kind: "retry" };
  }
  // Timeouts, rate limits and server trouble pass; anything else is about this save.
  if (response.status === 408 || response.status === 429 || response.status >= 500) return { kind: "retry" };
  const body: unknown = await response.json().catch(() => null);
  return { kind: "rejected", error: isErrorBody(body) ? body.error : { code: "invalid_input", message: `the server refused the save (${response.status})` } };
}
