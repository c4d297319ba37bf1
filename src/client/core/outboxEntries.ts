/**
 * What the outbox keeps: the entries of a list's queue (saves, batches,
 * edits and removals), what sending each can answer, where a list's queue
 * lives in the store, and the checks that read a stored queue back, so a
 * queue written by an older page never reaches the sender malformed.
 */
import type { ErrorBody } from "../../protocol/errors";
import type { NewLine } from "../../protocol/batch";
import type { Item, ItemPatch, NewItem } from "../../protocol/item";
import { DEFAULT_LIST_ID } from "../../protocol/lists";
import type { Collision, RetryOutcome } from "./answers";
export interface PendingSave extends NewItem {
  /** Absent in queues written before there were edits. */
  kind?: "save";
  /** The save's Idempotency-Key, and the entry's name in the queue. */
  key: string;
  /** When the person pressed Save (ms since epoch). */
  madeAt: number;
}

/** Several items added at once: one entry, sent as one request (`{"items":[…]}`) under one Idempotency-Key. */
export interface PendingBatch {
  kind: "batch";
  key: string;
  madeAt: number;
  /** In the order the person wrote them: the first is the newest item. */
  lines: NewLine[];
}

/** The name a batch's line goes by on the page while the batch waits: a save of its own. */
export function lineKey(batchKey: string, index: number): string {
  return `${batchKey}/${index}`;
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
export type Entry = PendingSave | PendingBatch | PendingChange;

export type PostOutcome =
  | { kind: "saved"; item: Item; editKey?: string }
  /** Saved earlier (this is a replay), and removed since: nothing is left to show. */
  | { kind: "removed" }
  | { kind: "rejected"; error: ErrorBody["error"] }
  | RetryOutcome;

export type BatchOutcome =
  /** In the order of the lines; a repeat leaves out items removed since. */
  | { kind: "savedAll"; items: Item[]; editKeys: string[] }
  | Exclude<PostOutcome, { kind: "saved" }>;

export type ChangeOutcome =
  /** The item as edited; null for a removal. */
  | { kind: "done"; item: Item | null }
  | { kind: "rejected"; error: ErrorBody["error"] }
  /** `412`: another writer changed some of the fields meanwhile. */
  | { kind: "collided"; collision: Collision }
  | RetryOutcome;


export const OUTBOX_STORAGE_KEY = "listroom.outbox.v1";

/** Where a list's queue lives in the store. */
export function outboxStorageKey(listId: string): string {
  return listId === DEFAULT_LIST_ID ? OUTBOX_STORAGE_KEY : `${OUTBOX_STORAGE_KEY}:${listId}`;
}


function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function isEntry(value: unknown): value is Entry {
  if (!isRecord(value) || typeof value.key !== "string" || typeof value.madeAt !== "number") return false;
  if (value.kind === "batch") return Array.isArray(value.lines) && value.lines.every((line) => isRecord(line) && typeof line.title === "string");
  if (value.kind === undefined || value.kind === "save") return typeof value.title === "string" && typeof value.body === "string";
  const target = value.target;
  const targeted = isRecord(target) && (typeof target.itemId === "string" || typeof target.saveKey === "string");
  if (value.kind === "remove") return targeted && (value.ifMatch === undefined || value.ifMatch === null || typeof value.ifMatch === "number");
  return targeted && value.kind === "edit" && isRecord(value.patch) && (value.ifMatch === null || typeof value.ifMatch === "number");
}

export function isSave(entry: Entry): entry is PendingSave {
  return entry.kind === undefined || entry.kind === "save";
}

export function isChange(entry: Entry): entry is PendingChange {
  return entry.kind === "edit" || entry.kind === "remove";
}

/**
 * The saves the page shows for the queue: each batch as a save per line,
 * last line first as if made first, so the newest first order puts its first
 * line on top.
 */
export function savesShown(entries: readonly Entry[]): PendingSave[] {
  return entries.flatMap((entry) => {
    if (entry.kind !== "batch") return isSave(entry) ? [entry] : [];
    return entry.lines.map((line, index) => ({ title: line.title, body: line.body, key: lineKey(entry.key, index), madeAt: entry.madeAt })).reverse();
  });
}
