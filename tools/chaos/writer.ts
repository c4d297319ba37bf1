/**
 * A client that saves, edits, ticks and removes through the page's own `Outbox`,
 * `postSave`, `sendChange` and `EditKeys`: one Idempotency-Key per save, kept
 * through every retry, one request in flight at a time, an edit or removal
 * of an item whose save is still queued waiting for its answer. It changes
 * its own items with their edit keys and anyone's with the list's owner key.
 * The fetch it is given records every request and answer, and on some saves
 * and changes withholds the first answer from the Outbox as if the network
 * had lost it (the server did act on it), or races a second request with the
 * same key or change against the first, or queues a save again once saved.
 */
import { EditKeys } from "../../src/client/core/editKeys";
import { itemPath, sendChange } from "../../src/client/core/itemsApi";
import { Outbox, postSave, type KeyValueStore, type ChangeOutcome, type PendingChange, type PendingSave } from "../../src/client/core/outbox";
import type { Scheduler } from "../../src/client/core/liveConnection";
import type { ItemPatch } from "../../src/protocol/item";
import type { ChangeAttempt, ChangeFaults, ChangeRecord, History, SaveAttempt, SaveFaults, SaveRecord } from "./history";

/** A request the server neither answers nor refuses in this long counts as lost; the key makes retrying safe. */
const SAVE_TIMEOUT_MS = 10_000;

export interface PlannedSave {
  number: number;
  faults: SaveFaults;
}

export interface PlannedChange {
  number: number;
  kind: ChangeRecord["kind"];
  save: SaveRecord;
  credential: ChangeRecord["credential"];
  /** Which fields an edit sets. */
  fields: "title" | "body" | "both";
  /** What a tick sets `done` to. */
  done: boolean;
  /** Send `If-Match` with the version this writer's own list shows, as a person editing what they see would. */
  ifMatchShown: boolean;
  faults: ChangeFaults;
}

export interface WriterAccess {
  /** The run's list's owner key. */
  ownerKey: string;
  /** The version of the item this writer's own list shows, if it shows it. */
  shownVersion(itemId: string): number | null;
}

export class LostAnswerError extends Error {}

function memoryStore(): KeyValueStore {
  const values = new Map<string, string>();
  return { getItem: (key) => values.get(key) ?? null, setItem: (key, value) => void values.set(key, value) };
}

export class Writer {
  private readonly outbox: Outbox;
  private readonly endpoint: string;
  private readonly editKeys: EditKeys;

  constructor(
    readonly index: number,
    /** The list's items endpoint. */
    itemsUrl: string,
    scheduler: Scheduler,
    private readonly history: History,
    private readonly access: WriterAccess,
  ) {
    this.endpoint = itemsUrl;
    this.editKeys = new EditKeys(memoryStore());
    this.outbox = new Outbox({
      store: memoryStore(),
      post: (save) => postSave(this.recordingFetch(save.key, "outbox"), this.endpoint, save),
      send: (change, itemId) => this.send(change, itemId, "outbox"),
      scheduler,
      onChange: () => {},
      onSaved: (save, item, editKey) => this.onSaved(save, item.id, editKey),
      onRejected: (save, error) => {
        const record = this.history.saves.get(save.key);
        if (record) record.rejection = `${error.code}: ${error.message}`;
      },
      onChangeDone: (change, item) => {
        const record = this.history.changes.get(change.key);
        if (record) record.outcome = { kind: "done", version: item?.version ?? null };
      },
      onChangeRejected: (change, error) => {
        const record = this.history.changes.get(change.key);
        // The Outbox's own answer, not a racing duplicate's that may have ended later.
        const answered = record?.attempts.findLast((attempt) => attempt.purpose === "outbox" && attempt.status !== null);
        if (record) record.outcome = { kind: "rejected", code: error.code, status: answered?.status ?? null };
      },
    });
  }

  /** Saves, edits and removals not yet answered. */
  get pendingCount(): number {
    return this.outbox.pending().length + this.outbox.changes().length;
  }

  /** Whether this writer holds the edit key of the item. */
  holdsEditKey(itemId: string): boolean {
    return this.editKeys.get(itemId) !== null;
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
      fieldItem: false,
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

  /** Queues an edit or removal of the item `planned.save` made (or will make, once its save is answered). */
  change(planned: PlannedChange): ChangeRecord {
    const key = `chaos-${planned.kind}-${planned.number}-${crypto.randomUUID()}`;
    const itemId = planned.save.confirmedIds[0] ?? null;
    const patch = planned.kind === "remove" ? null : planned.kind === "tick" ? { done: planned.done } : this.patchFor(planned);
    const ifMatch = planned.ifMatchShown && itemId !== null ? this.access.shownVersion(itemId) : null;
    const record: ChangeRecord = {
      number: planned.number,
      kind: planned.kind,
      key,
      writer: this.index,
      saveKey: planned.save.key,
      itemId,
      credential: planned.credential,
      patch,
      ifMatch,
      faults: planned.faults,
      addedAt: Date.now(),
      attempts: [],
      outcome: null,
    };
    this.history.changes.set(key, record);
    const target = itemId === null ? { saveKey: planned.save.key } : { itemId };
    const common = { key, target, madeAt: Date.now() };
    const pending: PendingChange = patch === null ? { ...common, kind: "remove" } : { ...common, kind: "edit", patch, ifMatch };
    this.outbox.change(pending);
    if (planned.faults.raceDuplicate && itemId !== null) void this.send(pending, itemId, "race").catch(() => undefined);
    return record;
  }

  /** An edit's new text, unique to it; the title keeps the save's key, so the list still shows which save made each item. */
  private patchFor(planned: PlannedChange): ItemPatch {
    const title = `${planned.save.title} · edit ${planned.number}`;
    const body = `edited by writer ${this.index} (${planned.credential}), change ${planned.number}`;
    return planned.fields === "title" ? { title } : planned.fields === "body" ? { body } : { title, body };
  }

  private send(change: PendingChange, itemId: string, purpose: ChangeAttempt["purpose"]): Promise<ChangeOutcome> {
    const record = this.history.changes.get(change.key);
    if (record) record.itemId = itemId;
    if (record?.credential === "no key") return sendChange(this.recordingChangeFetch(change.key, purpose), itemPath(this.endpoint, itemId), change, null);
    const credential = record?.credential === "owner key" ? this.access.ownerKey : this.editKeys.get(itemId);
    // Only the harness's bookkeeping could leave a writer without the key of its own item.
    if (credential === null) throw new Error(`writer ${this.index} has no edit key for ${itemId}`);
    return sendChange(this.recordingChangeFetch(change.key, purpose), itemPath(this.endpoint, itemId), change, credential);
  }

  private onSaved(save: PendingSave, itemId: string, editKey: string | null): void {
    if (editKey !== null) this.editKeys.keep(itemId, editKey);
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
    const attempt = (): SaveAttempt => ({ ...attemptStart(purpose), itemId: null, replayed: false });
    return recording(this.history.saves.get(key), purpose, attempt, (response, body, into) => {
      into.replayed = response.headers.get("idempotent-replayed") === "true";
      const item = fieldOf(body, "item");
      const id = fieldOf(item, "id");
      if (typeof id === "string") into.itemId = id;
    });
  }

  private recordingChangeFetch(key: string, purpose: ChangeAttempt["purpose"]): typeof fetch {
    const attempt = (): ChangeAttempt => ({ ...attemptStart(purpose), version: null });
    return recording(this.history.changes.get(key), purpose, attempt, (_response, body, into) => {
      const version = fieldOf(fieldOf(body, "item"), "version");
      if (typeof version === "number") into.version = version;
    });
  }
}

type Attempt = SaveAttempt | ChangeAttempt;

function attemptStart(purpose: Attempt["purpose"]) {
  return { purpose, startedAt: Date.now(), endedAt: null, status: null, answerLost: false, error: null };
}

function fieldOf(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/**
 * A fetch that records each request as an attempt of `record` (what `read`
 * takes from the answer included) and, for a record whose faults say so,
 * withholds the first successful answer from the client, as a network that
 * loses it after the server acted would.
 */
function recording<A extends Attempt>(
  record: { attempts: A[]; faults: { loseFirstAnswer: boolean } } | undefined,
  purpose: A["purpose"],
  newAttempt: () => A,
  read: (response: Response, body: unknown, into: A) => void,
): typeof fetch {
  return async (input, init) => {
    const attempt = newAttempt();
    record?.attempts.push(attempt);
    try {
      const response = await fetch(input, { ...init, signal: AbortSignal.timeout(SAVE_TIMEOUT_MS) });
      const body: unknown = response.status === 204 ? null : await response.clone().json().catch(() => null);
      attempt.endedAt = Date.now();
      attempt.status = response.status;
      read(response, body, attempt);
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
