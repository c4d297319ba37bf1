/**
 * A browser that edits and ticks items field by field (protocol 5), naming
 * itself in `Listroom-Writer` on every request: the writers of issue 30's
 * part of the fault run. Each change names only the fields it changes and
 * carries `If-Match` of the version its writer had seen when the change was
 * made. Changes wait in the writer's own queue, one request in flight, sent
 * in order, each sent again exactly as it was (same body, same `If-Match`)
 * until the server answers it; an answer that is a refusal (`412`) is the
 * person's to resolve, and is only recorded here. A writer can go offline
 * for a while: its changes queue, made on what it last saw, and go out in
 * order once it is back, as a page's outbox sends them.
 */
import { isVersionMismatchBody } from "../../src/protocol/errors";
import { isItem } from "../../src/protocol/item";
import { touchesText, WRITER_HEADER, type ChangeField, type Item, type ItemPatch } from "../../src/protocol/item";
import type { History, SaveRecord } from "./history";
import type { Prng } from "./random";
import { delay } from "../harness/wait";

/** A request the server neither answers nor refuses in this long counts as lost; sending it again is safe. */
const REQUEST_TIMEOUT_MS = 10_000;
/** How long a writer waits before sending a change again after no answer (a restart, say). */
const RETRY_MS = [200, 1_000] as const;
/** A look at the item before a change is made, when it does not answer this soon, leaves the version last seen. */
const LOOK_TIMEOUT_MS = 2_000;

export interface FieldAttempt {
  startedAt: number;
  endedAt: number | null;
  status: number | null;
  /** The item a 200 or a 412 carried. */
  item: Item | null;
  /** The fields a 412 named. */
  fields: ChangeField[] | null;
  /** The answer reached the harness but was withheld from the writer, which sends the change again. */
  answerLost: boolean;
  error: string | null;
}

/** One change a field writer made, and what became of it. */
export interface FieldChangeRecord {
  number: number;
  /** The writer's `Listroom-Writer`. */
  writer: string;
  writerIndex: number;
  itemId: string;
  patch: ItemPatch;
  /** The version the writer had seen when it made the change: its `If-Match`. */
  ifMatch: number;
  madeAt: number;
  madeOffline: boolean;
  loseFirstAnswer: boolean;
  attempts: FieldAttempt[];
  /** The answer the writer took: its status, the item it carried, and the fields of a 412. */
  outcome: { status: number; item: Item | null; fields: ChangeField[] } | null;
}

function fieldOf(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

export class FieldWriter {
  readonly id: string;
  private online = true;
  private readonly queue: FieldChangeRecord[] = [];
  /** The highest version of each item this writer has seen. */
  private readonly seen = new Map<string, number>();
  private draining: Promise<void> | null = null;

  constructor(
    readonly index: number,
    /** The list's items endpoint. */
    private readonly itemsUrl: string,
    /** The list's owner key: what a field writer edits titles and bodies with (a tick needs none). */
    private readonly ownerKey: string,
    private readonly history: History,
    private readonly prng: Prng,
  ) {
    this.id = `chaos-field-writer-${index}-${crypto.randomUUID().slice(0, 8)}`;
  }

  get pendingCount(): number {
    return this.queue.length;
  }

  get isOnline(): boolean {
    return this.online;
  }

  goOffline(): void {
    this.online = false;
  }

  comeOnline(): void {
    this.online = true;
    void this.flush();
  }

  /** Saves an item as this writer (each field then its change at version 1), sent until answered; recorded like any save. */
  async create(number: number, deadline: number): Promise<SaveRecord | null> {
    const key = `chaos-field-${number}-${crypto.randomUUID()}`;
    const record: SaveRecord = {
      number,
      key,
      title: `field item ${number} [${key}]`,
      body: `saved by field writer ${this.index}`,
      writer: -1,
      fieldItem: true,
      faults: { loseFirstAnswer: false, repeatAfterSave: false, raceDuplicate: false },
      addedAt: Date.now(),
      attempts: [],
      confirmedIds: [],
      rejection: null,
    };
    this.history.saves.set(key, record);
    while (Date.now() < deadline) {
      const attempt = { purpose: "outbox" as const, startedAt: Date.now(), endedAt: null as number | null, status: null as number | null, itemId: null as string | null, replayed: false, answerLost: false, error: null as string | null };
      record.attempts.push(attempt);
      try {
        const response = await fetch(this.itemsUrl, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": key, [WRITER_HEADER]: this.id },
          body: JSON.stringify({ title: record.title, body: record.body }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const item = fieldOf(await response.json().catch(() => null), "item");
        attempt.endedAt = Date.now();
        attempt.status = response.status;
        attempt.replayed = response.headers.get("idempotent-replayed") === "true";
        if (response.status === 201 && isItem(item)) {
          attempt.itemId = item.id;
          record.confirmedIds.push(item.id);
          this.saw(item);
          return record;
        }
      } catch (error) {
        attempt.endedAt ??= Date.now();
        attempt.error = String((error as Error).cause ?? error);
      }
      await delay(this.prng.int(...RETRY_MS));
    }
    return null;
  }

  /**
   * Makes a change of `itemId` on what this writer sees now (online, the item
   * as the server has it; offline, the version it last saw) and queues it.
   */
  async make(number: number, itemId: string, patch: ItemPatch, loseFirstAnswer: boolean): Promise<FieldChangeRecord> {
    if (this.online) await this.look(itemId);
    const record: FieldChangeRecord = {
      number,
      writer: this.id,
      writerIndex: this.index,
      itemId,
      patch,
      ifMatch: this.seen.get(itemId) ?? 1,
      madeAt: Date.now(),
      madeOffline: !this.online,
      loseFirstAnswer,
      attempts: [],
      outcome: null,
    };
    this.history.fieldChanges.push(record);
    this.queue.push(record);
    void this.flush();
    return record;
  }

  /** Sends what is queued, in order, while online. */
  flush(): Promise<void> {
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drain(): Promise<void> {
    while (this.online && this.queue.length > 0) {
      if (await this.send(this.queue[0]!)) this.queue.shift();
      else await delay(this.prng.int(...RETRY_MS));
    }
  }

  private saw(item: Item): void {
    this.seen.set(item.id, Math.max(item.version, this.seen.get(item.id) ?? 0));
  }

  /** `GET` on the item: what a live page shows of it. */
  private async look(itemId: string): Promise<void> {
    try {
      const response = await fetch(`${this.itemsUrl}/${itemId}`, { signal: AbortSignal.timeout(LOOK_TIMEOUT_MS) });
      const item = fieldOf(await response.json().catch(() => null), "item");
      if (response.status === 200 && isItem(item)) this.saw(item);
    } catch {
      // Down (a restart): the change is made on the version last seen, as a page that lost its connection would.
    }
  }

  /** One request for `change`; true once it has an answer the writer takes. */
  private async send(change: FieldChangeRecord): Promise<boolean> {
    const attempt: FieldAttempt = { startedAt: Date.now(), endedAt: null, status: null, item: null, fields: null, answerLost: false, error: null };
    change.attempts.push(attempt);
    try {
      const response = await fetch(`${this.itemsUrl}/${change.itemId}`, {
        method: "PATCH",
        headers: {
          "content-type": "application/json",
          [WRITER_HEADER]: this.id,
          "if-match": `"${change.ifMatch}"`,
          ...(touchesText(change.patch) ? { authorization: `Bearer ${this.ownerKey}` } : {}),
        },
        body: JSON.stringify(change.patch),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const body: unknown = await response.json().catch(() => null);
      attempt.endedAt = Date.now();
      attempt.status = response.status;
      if (isVersionMismatchBody(body)) {
        attempt.item = body.item;
        attempt.fields = body.error.fields;
      } else {
        const item = fieldOf(body, "item");
        if (isItem(item)) attempt.item = item;
      }
      if (response.status === 429 || response.status >= 500) return false;
      if (change.loseFirstAnswer && response.status === 200 && !change.attempts.some((earlier) => earlier.answerLost)) {
        attempt.answerLost = true;
        return false;
      }
      if (attempt.item) this.saw(attempt.item);
      change.outcome = { status: response.status, item: attempt.item, fields: attempt.fields ?? [] };
      return true;
    } catch (error) {
      attempt.endedAt ??= Date.now();
      attempt.error = String((error as Error).cause ?? error);
      return false;
    }
  }
}
