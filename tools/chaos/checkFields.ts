/**
 * Invariants 11 and 12 (issue 30), from the field writers' changes and
 * answers (fieldWriter.ts), the server's final list and the log as the
 * clients' sessions saw it:
 * - 11: for each field item and each field, the final value is the value of
 *   the last change of that field the server accepted, in the log's order
 *   (the version each 200 answered with; a change the server may have taken
 *   without an answer ever arriving is allowed for as the last one), every
 *   200 carries what its change sent, and no accepted change is missing from
 *   the log: the log holds exactly one change of the item per version past
 *   the first, in order (checked where the clients' sessions saw the whole
 *   log past the item's save);
 * - 12: every field change ends answered 200 or 412; a 412 names fields the
 *   change sent, carries the item, and only ever comes after another writer
 *   sent a change of one of those fields: a writer alone, and a writer's own
 *   queued changes, never collide.
 */
import { CHANGE_FIELDS, type ChangeField, type Item } from "../../src/protocol/item";
import { FIRST_SEQ } from "../../src/protocol/limits";
import { sessionsOf } from "./checkDelivery";
import type { FieldChangeRecord } from "./fieldWriter";
import type { FrameCopies, History, SaveRecord } from "./history";
import { itemOrderOf, sessionBase, type ItemOrder } from "./logOrder";
import type { CheckInput, CheckResult, Finding } from "./verdicts";

type FieldValue = string | boolean;

function initialValue(save: SaveRecord, field: ChangeField): FieldValue {
  return field === "title" ? save.title : field === "body" ? save.body : false;
}

/** A request answered 200: the change, and the item at the version it was answered with. */
interface Accepted {
  change: FieldChangeRecord;
  item: Item;
}

function acceptedOf(changes: readonly FieldChangeRecord[]): Accepted[] {
  return changes.flatMap((change) => change.attempts.flatMap((attempt) => (attempt.status === 200 && attempt.item ? [{ change, item: attempt.item }] : [])));
}

/** Changes that may have reached the server without their writer ever taking an answer. */
function unresolved(changes: readonly FieldChangeRecord[]): FieldChangeRecord[] {
  return changes.filter((change) => change.outcome?.status !== 200 && change.attempts.some((attempt) => attempt.status === null));
}

/** The log entries the clients' sessions saw, by position: which item each is about, and its kind. */
function observedLog(history: History, order: ItemOrder): Map<number, { kind: string; id: string }> {
  const log = new Map<number, { kind: string; id: string }>();
  for (const client of history.clients) {
    for (const session of sessionsOf(client)) {
      const frames = new Map<number, FrameCopies>();
      for (const connection of session) for (const [seq, copies] of connection.frames) if (!frames.has(seq)) frames.set(seq, copies);
      const base = sessionBase(frames, order);
      if (base === null) continue;
      for (const [seq, copies] of frames) {
        if (copies.content.kind === "snapshot") continue;
        log.set(base + (seq - FIRST_SEQ), { kind: copies.content.kind, id: copies.content.id });
      }
    }
  }
  return log;
}

function checkItem(save: SaveRecord, item: Item | undefined, changes: FieldChangeRecord[], findings: Finding[]): void {
  const fail = (message: string): void => void findings.push({ invariant: "11 fields merge", message: `field item ${save.confirmedIds[0]}: ${message}` });
  if (!item) return fail("is not in the final list");
  const accepted = acceptedOf(changes);
  for (const { change, item: answered } of accepted) {
    for (const field of CHANGE_FIELDS) {
      const sent = change.patch[field];
      if (sent !== undefined && answered[field] !== sent) fail(`change #${change.number} was answered 200 at v${answered.version} with ${field} ${JSON.stringify(answered[field])}, not the ${JSON.stringify(sent)} it sent`);
    }
    if (answered.version > item.version) fail(`change #${change.number} was answered at v${answered.version}, yet the item ends at v${item.version}`);
  }
  const maybe = unresolved(changes);
  for (const field of CHANGE_FIELDS) {
    const last = accepted.filter(({ change }) => change.patch[field] !== undefined).sort((a, b) => a.item.version - b.item.version).at(-1);
    const expected = last ? last.change.patch[field]! : initialValue(save, field);
    if (item[field] === expected || maybe.some((change) => change.patch[field] === item[field])) continue;
    fail(`ends with ${field} ${JSON.stringify(item[field])}, but the last change of it the server accepted (${last ? `#${last.change.number}, v${last.item.version}` : "none: as saved"}) set ${JSON.stringify(expected)}`);
  }
}

/** Whether the log is seen whole from `pos` on; then the item's changes in it are exactly one per version, in order. */
function checkLogged(save: SaveRecord, item: Item | undefined, log: Map<number, { kind: string; id: string }>, lastPos: number, order: ItemOrder, findings: Finding[]): boolean {
  const id = save.confirmedIds[0]!;
  const pos = order.posOf(id);
  if (!item || pos === null) return false;
  for (let at = pos + 1; at <= lastPos; at++) if (!log.has(at)) return false;
  const changed = [...log].filter(([at, entry]) => at > pos && entry.id === id && entry.kind === "edited").length;
  if (changed !== item.version - 1) {
    findings.push({ invariant: "11 fields merge", message: `field item ${id}: the log holds ${changed} changes of it, but it is at v${item.version}: an accepted change is missing from the log, or one is there twice` });
  }
  return true;
}

function checkAnswers(history: History, findings: Finding[]): void {
  const fail = (message: string): void => void findings.push({ invariant: "12 writers alone", message });
  for (const change of history.fieldChanges) {
    const label = `field change #${change.number} by field writer ${change.writerIndex} of ${change.itemId} (${Object.keys(change.patch).join(", ")}, made ${change.madeOffline ? "offline " : ""}on v${change.ifMatch})`;
    const outcome = change.outcome;
    if (outcome === null) {
      fail(`${label} was never answered (${change.attempts.length} attempts)`);
      continue;
    }
    if (outcome.status === 200) continue;
    if (outcome.status !== 412) {
      fail(`${label} was answered ${outcome.status}`);
      continue;
    }
    const sent = CHANGE_FIELDS.filter((field) => change.patch[field] !== undefined);
    if (outcome.item === null || outcome.fields.length === 0 || outcome.fields.some((field) => !sent.includes(field))) {
      fail(`${label} was refused with fields ${JSON.stringify(outcome.fields)} and ${outcome.item ? "an item" : "no item"}`);
      continue;
    }
    const refusedAt = change.attempts.at(-1)!.endedAt ?? Infinity;
    const others = history.fieldChanges.filter(
      (other) =>
        other.itemId === change.itemId &&
        other.writer !== change.writer &&
        outcome.fields.some((field) => other.patch[field] !== undefined) &&
        other.attempts.some((attempt) => attempt.startedAt <= refusedAt),
    );
    if (others.length === 0) fail(`${label} was refused (412, ${outcome.fields.join(", ")}) though no other writer had sent a change of ${outcome.fields.join(" or ")}`);
  }
}

export function checkFields(input: CheckInput): CheckResult {
  const { history } = input;
  const order = itemOrderOf(history, input.finalList);
  const final = new Map(input.finalList.map((item) => [item.id, item]));
  const items = [...history.saves.values()].filter((save) => save.fieldItem && save.confirmedIds.length > 0);
  const byItem = new Map<string, FieldChangeRecord[]>();
  for (const change of history.fieldChanges) byItem.set(change.itemId, [...(byItem.get(change.itemId) ?? []), change]);
  const log = observedLog(history, order);
  const lastPos = Math.max(0, ...log.keys());
  const merged: Finding[] = [];
  let loggedWhole = 0;
  for (const save of items) {
    const id = save.confirmedIds[0]!;
    checkItem(save, final.get(id), byItem.get(id) ?? [], merged);
    loggedWhole += Number(checkLogged(save, final.get(id), log, lastPos, order, merged));
  }
  const alone: Finding[] = [];
  checkAnswers(history, alone);
  const changes = history.fieldChanges;
  const refused = changes.filter((change) => change.outcome?.status === 412).length;
  const writersPerItem = [...byItem.values()].map((list) => new Set(list.map((change) => change.writer)).size);
  return {
    tallies: [
      {
        invariant: "11 fields merge",
        scope: `${items.length} field items × 3 fields, each ending at the last accepted change of it; ${acceptedOf(changes).length} answers of 200; the log seen whole past ${loggedWhole} of the items`,
        violations: merged,
      },
      {
        invariant: "12 writers alone",
        scope: `${changes.length} field changes (${changes.filter((change) => change.madeOffline).length} made offline) on ${writersPerItem.filter((count) => count === 1).length} items with one writer and ${writersPerItem.filter((count) => count > 1).length} with more; ${refused} refused with 412, each after another writer's change of the field`,
        violations: alone,
      },
    ],
    notes: [],
  };
}
