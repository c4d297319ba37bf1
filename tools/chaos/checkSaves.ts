/**
 * Invariants 1 and 2, from the saves' requests and answers and the server's
 * final list: every 2xx save is stored (after every restart, and at the
 * end) unless a removal answered 204 took it, and no Idempotency-Key is
 * stored twice or answered with two items. Each save's title carries its key,
 * and so does every edit's, so the list shows which key made each item.
 */
import type { Item } from "../../src/protocol/item";
import type { History, SaveRecord } from "./history";
import type { CheckInput, CheckResult, CheckTally, Finding } from "./verdicts";

function isSuccess(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}

/** The key in an item's title (`chaos save N [key]`, and after an edit too). */
function keyInTitle(title: string): string | null {
  return /\[(chaos-[^\]]+)\]/.exec(title)?.[1] ?? null;
}

/** When the harness first asked to remove each item it removed (a removal it was answered 204 for). */
function removalsAsked(history: History): Map<string, number> {
  const asked = new Map<string, number>();
  for (const change of history.changes.values()) {
    if (change.kind !== "remove" || change.itemId === null || change.outcome?.kind !== "done") continue;
    const first = Math.min(...change.attempts.map((attempt) => attempt.startedAt));
    asked.set(change.itemId, Math.min(first, asked.get(change.itemId) ?? Infinity));
  }
  return asked;
}

function checkOneKey(
  save: SaveRecord,
  stored: readonly Item[],
  listed: ReadonlySet<string>,
  removed: ReadonlyMap<string, number>,
  findings: { durable: Finding[]; once: Finding[] },
): void {
  const label = `save #${save.number} (key ${save.key})`;
  const answers = save.attempts.filter((attempt) => isSuccess(attempt.status));
  const itemIds = new Set(answers.flatMap((attempt) => (attempt.itemId === null ? [] : [attempt.itemId])));
  for (const id of save.confirmedIds) itemIds.add(id);
  if (save.rejection !== null) findings.durable.push({ invariant: "1 durability", message: `${label} was rejected: ${save.rejection}` });
  if (answers.length === 0) {
    const outcomes = save.attempts.map((attempt) => (attempt.status === null ? "network failure" : String(attempt.status)));
    findings.durable.push({ invariant: "1 durability", message: `${label} never got a 2xx (attempts: ${outcomes.join(", ") || "none"})` });
  }
  if (itemIds.size > 1) {
    findings.once.push({ invariant: "2 idempotency", message: `${label} was answered with different items: ${[...itemIds].join(", ")}` });
  }
  const fresh = answers.filter((attempt) => !attempt.replayed);
  if (fresh.length > 1) {
    findings.once.push({ invariant: "2 idempotency", message: `${label}: ${fresh.length} answers say stored anew, not replayed` });
  }
  if (stored.length > 1) {
    findings.once.push({ invariant: "2 idempotency", message: `${label} is stored ${stored.length} times: ${stored.map((item) => item.id).join(", ")}` });
  }
  for (const id of itemIds) {
    if (!listed.has(id) && !removed.has(id)) findings.durable.push({ invariant: "1 durability", message: `${label}: item ${id}, answered 2xx, is not in the final list` });
  }
}

export function checkSaves(input: CheckInput): CheckResult {
  const byKey = new Map<string, Item[]>();
  for (const item of input.finalList) {
    const key = keyInTitle(item.title) ?? "";
    byKey.set(key, [...(byKey.get(key) ?? []), item]);
  }
  const listed = new Set(input.finalList.map((item) => item.id));
  const removed = removalsAsked(input.history);
  const findings = { durable: [] as Finding[], once: [] as Finding[] };
  const saves = [...input.history.saves.values()];
  for (const save of saves) checkOneKey(save, byKey.get(save.key) ?? [], listed, removed, findings);

  for (const item of input.finalList) {
    if (!input.history.saves.has(keyInTitle(item.title) ?? "")) findings.once.push({ invariant: "2 idempotency", message: `item ${item.id} (${item.title}) comes from no save` });
  }
  for (const check of input.history.durability) {
    // Missing because it was removed: the removal was asked for before the list was read.
    for (const { key, itemId } of check.missing.filter((missing) => (removed.get(missing.itemId) ?? Infinity) > check.at)) {
      findings.durable.push({ invariant: "1 durability", message: `${check.label}: the save with key ${key} (item ${itemId}), answered 2xx, is missing` });
    }
  }
  const reads = input.history.durability.length;
  const requests = saves.reduce((sum, save) => sum + save.attempts.length, 0);
  const tallies: CheckTally[] = [
    { invariant: "1 durability", scope: `${saves.length} saves, read back ${reads} times (after each restart and at the end)`, violations: findings.durable },
    { invariant: "2 idempotency", scope: `${saves.length} keys, ${requests} requests, ${input.finalList.length} stored items`, violations: findings.once },
  ];
  return { tallies, notes: [] };
}
