/**
 * A client that saves, through the page's own `Outbox` and `postSave`: one
 * Idempotency-Key per save, kept through every retry, one save in flight at
 * a time. The fetch it is given records every request and answer, and on
 * some saves withholds the first answer from the Outbox as if the network
 * had lost it (the server did store the item), or races a second request
 * with the same key against the first, or queues the save again once saved.
 */
import { Outbox, postSave, type KeyValueStore, type PendingSave } from "../../src/client/outbox";
import type { Scheduler } from "../../src/client/liveConnection";
import type { History, SaveAttempt, SaveFaults, SaveRecord } from "./history";

/** A request the server neither answers nor refuses in this long counts as lost; the key makes retrying safe. */
const SAVE_TIMEOUT_MS = 10_000;

export interface PlannedSave {
  number: number;
  faults: SaveFaults;
}

export class LostAnswerError extends Error {}

function memoryStore(): KeyValueStore {
  const values = new Map<string, string>();
  return { getItem: (key) => values.get(key) ?? null, setItem: (key, value) => void values.set(key, value) };
}

export class Writer {
  private readonly outbox: Outbox;
  private readonly endpoint: string;

  constructor(
    readonly index: number,
    /** The list's items endpoint. */
    itemsUrl: string,
    scheduler: Scheduler,
    private readonly history: History,
  ) {
    this.endpoint = itemsUrl;
    this.outbox = new Outbox({
      store: memoryStore(),
      post: (save) => postSave(this.recordingFetch(save.key, "outbox"), this.endpoint, save),
      scheduler,
      onChange: () => {},
      onSaved: (save, item) => this.onSaved(save, item.id),
      onRejected: (save, error) => {
        const record = this.history.saves.get(save.key);
        if (record) record.rejection = `${error.code}: ${error.message}`;
      },
    });
  }

  get pendingCount(): number {
    return this.outbox.pending().length;
  }

  flush(): Promise<void> {
    return this.outbox.flush();
  }

  add(planned: PlannedSave): SaveRecord {
    const key = `chaos-${planned.number}-${crypto.randomUUID()}`;
    const record: SaveRecord = {
      number: planned.number,
      key,
      title: `chaos save ${planned.number} [${key}]`,
      body: `written by writer ${this.index}\nkey ${key}`,
      writer: this.index,
      faults: planned.faults,
      addedAt: Date.now(),
      attempts: [],
      confirmedIds: [],
      rejection: null,
    };
    this.history.saves.set(key, record);
    const pending = this.outbox.add({ title: record.title, body: record.body }, key);
    if (planned.faults.raceDuplicate) {
      void postSave(this.recordingFetch(key, "race"), this.endpoint, pending).catch(() => undefined);
    }
    return record;
  }

  private onSaved(save: PendingSave, itemId: string): void {
    const record = this.history.saves.get(save.key);
    if (!record) return;
    record.confirmedIds.push(itemId);
    // Queued again with the same key: the server must answer with the item it stored, not a new one.
    // On the next turn, since the Outbox drops every entry with this key right after onSaved returns.
    if (record.faults.repeatAfterSave && record.confirmedIds.length === 1) {
      setTimeout(() => this.outbox.add({ title: save.title, body: save.body }, save.key), 0);
    }
  }

  private recordingFetch(key: string, purpose: SaveAttempt["purpose"]): typeof fetch {
    return async (input, init) => {
      const record = this.history.saves.get(key);
      const attempt: SaveAttempt = {
        purpose,
        startedAt: Date.now(),
        endedAt: null,
        status: null,
        itemId: null,
        replayed: false,
        answerLost: false,
        error: null,
      };
      record?.attempts.push(attempt);
      try {
        const response = await fetch(input, { ...init, signal: AbortSignal.timeout(SAVE_TIMEOUT_MS) });
        const body: unknown = await response.clone().json().catch(() => null);
        attempt.endedAt = Date.now();
        attempt.status = response.status;
        attempt.replayed = response.headers.get("idempotent-replayed") === "true";
        const item: unknown = typeof body === "object" && body !== null ? (body as { item?: unknown }).item : null;
        if (typeof item === "object" && item !== null && typeof (item as { id?: unknown }).id === "string") {
          attempt.itemId = (item as { id: string }).id;
        }
        const firstSuccess = response.ok && !record?.attempts.some((earlier) => earlier.answerLost);
        if (purpose === "outbox" && record?.faults.loseFirstAnswer && firstSuccess) {
          attempt.answerLost = true;
          throw new LostAnswerError("the answer was lost on the way (chaos)");
        }
        return response;
      } catch (error) {
        attempt.endedAt ??= Date.now();
        if (!(error instanceof LostAnswerError)) attempt.error = String((error as Error).cause ?? error);
        throw error;
      }
    };
  }
}
