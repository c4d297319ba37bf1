/**
 * Invariants 8, 9 and 10 (issue 10), from every version each client's list
 * showed (mirrorList.ts) and the server's final list:
 * - 8: every running client ends showing exactly the server's items, text
 *   and version included;
 * - 9: once a client has applied an item's removal, or stopped showing an
 *   item the server removed, it never shows that item again (not from a
 *   frame, a snapshot, or a "Show older" page);
 * - 10: per client and item, the versions shown only go up (an item that
 *   left the list may come back at the version it left with), and a version
 *   always carries the same text, wherever it was seen.
 * And what the writers' edits, ticks and removals were answered: each one
 * finished with an answer the protocol allows it (an edit or tick of a
 * removed item 404, one with a stale If-Match 412, nothing else refused; a
 * tick with no key is never 401 or 403), an edit or tick answered 200 is not
 * undone by anything but a later change, a removal answered 204 is final,
 * and an edit or tick sent again after its answer was lost, with no other
 * change of the item in between, changes nothing more.
 */
import type { Item } from "../../src/protocol/item";
import type { ChangeRecord, ClientRecord, ShownEvent } from "./history";
import { itemOrderOf, type ItemOrder } from "./logOrder";
import type { CheckInput, CheckResult, CheckTally, Finding } from "./verdicts";

function sameItem(a: Item, b: Item): boolean {
  return (
    a.id === b.id &&
    a.title === b.title &&
    a.body === b.body &&
    a.version === b.version &&
    a.updatedAt === b.updatedAt &&
    a.done === b.done &&
    a.doneAt === b.doneAt
  );
}

/** How a client's final list departs from the server's, by kind, with an example of each. */
function departures(shown: readonly Item[], server: readonly Item[], removed: ReadonlySet<string>): string[] {
  const onServer = new Map(server.map((item) => [item.id, item]));
  const onClient = new Set(shown.map((item) => item.id));
  const kinds: { what: string; ids: string[] }[] = [
    { what: "items the server removed, still shown", ids: shown.filter((item) => removed.has(item.id)).map((item) => item.id) },
    { what: "items no save made", ids: shown.filter((item) => !onServer.has(item.id) && !removed.has(item.id)).map((item) => item.id) },
    { what: "items missing", ids: server.filter((item) => !onClient.has(item.id)).map((item) => item.id) },
    {
      what: "items at an older version",
      ids: shown.flatMap((item) => {
        const latest = onServer.get(item.id);
        return latest && item.version < latest.version ? [`${item.id} v${item.version} (server v${latest.version})`] : [];
      }),
    },
    {
      what: "items at a version or text the server does not have",
      ids: shown.flatMap((item) => {
        const latest = onServer.get(item.id);
        return latest && item.version >= latest.version && !sameItem(item, latest) ? [`${item.id} v${item.version}`] : [];
      }),
    },
  ];
  const found = kinds.filter((kind) => kind.ids.length > 0).map((kind) => `${kind.ids.length} ${kind.what} (e.g. ${kind.ids[0]})`);
  if (found.length > 0) return found;
  const order = shown.findIndex((item, i) => item.id !== server[i]?.id);
  return order === -1 ? [] : [`the same items in another order, from position ${order}`];
}

function checkFinalVersions(input: CheckInput, order: ItemOrder): Finding[] {
  const findings: Finding[] = [];
  for (const [index, shown] of input.finalClientLists) {
    const found = departures(shown, input.finalList, order.removed);
    if (found.length > 0) findings.push({ invariant: "8 final versions", message: `client ${index}'s list is not the server's: ${found.join("; ")}` });
  }
  return findings;
}

/** When the server had certainly removed each item: the end of the first request answered 204 for it. */
function removedBy(changes: readonly ChangeRecord[]): Map<string, number> {
  const by = new Map<string, number>();
  for (const change of changes) {
    if (change.kind !== "remove" || change.itemId === null) continue;
    for (const attempt of change.attempts) {
      if (attempt.status === 204 && attempt.endedAt !== null) by.set(change.itemId, Math.min(attempt.endedAt, by.get(change.itemId) ?? Infinity));
    }
  }
  return by;
}

/**
 * Invariants 9 and 10 for one client. An item may leave the list for other
 * reasons (a fresh snapshot, say) and come back from a page: only a removal
 * the client applied, or the item leaving after the server had removed it,
 * makes it final. Coming back at the version it left with is not a step
 * back.
 */
function checkShown(client: ClientRecord, removedAt: ReadonlyMap<string, number>, texts: Map<string, string>, findings: Finding[]): void {
  const who = `client ${client.index}`;
  for (const [id, events] of client.shown) {
    let finalAt: ShownEvent | null = null;
    let hidden = false;
    let lastVersion = 0;
    for (const event of events) {
      if (event.kind === "removal applied" || (event.kind === "hidden" && event.at >= (removedAt.get(id) ?? Infinity))) {
        finalAt ??= event;
        continue;
      }
      if (event.kind === "hidden") {
        hidden = true;
        continue;
      }
      if (finalAt) {
        findings.push({ invariant: "9 removals final", message: `${who} showed ${id} again (v${event.version}, from ${event.via}) ${event.at - finalAt.at} ms after ${finalAt.kind === "hidden" ? "it went from the list, removed" : "applying its removal"}` });
        continue;
      }
      if (event.version < lastVersion || (event.version === lastVersion && !hidden)) {
        findings.push({ invariant: "10 versions increase", message: `${who} showed ${id} at v${event.version} (from ${event.via}) after v${lastVersion}` });
      }
      hidden = false;
      lastVersion = Math.max(lastVersion, event.version);
      const text = JSON.stringify([event.title, event.body, event.done]);
      const key = `${id} v${event.version}`;
      const seen = texts.get(key);
      if (seen === undefined) texts.set(key, text);
      else if (seen !== text) findings.push({ invariant: "10 versions increase", message: `${who} showed ${key} with a different text than elsewhere: ${text.slice(0, 100)} vs ${seen.slice(0, 100)}` });
    }
  }
}

function isOk(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}

/** Whether another change of the same item was answered 2xx between `from` and `to`. */
function changedBetween(change: ChangeRecord, all: readonly ChangeRecord[], from: number, to: number): boolean {
  return all.some(
    (other) =>
      other !== change &&
      other.itemId === change.itemId &&
      other.attempts.some((attempt) => isOk(attempt.status) && attempt.endedAt !== null && attempt.endedAt >= from && attempt.startedAt <= to),
  );
}

function checkAnswers(input: CheckInput, order: ItemOrder): { kept: Finding[]; safe: Finding[] } {
  const kept: Finding[] = [];
  const safe: Finding[] = [];
  const final = new Map(input.finalList.map((item) => [item.id, item]));
  const changes = [...input.history.changes.values()];
  for (const change of changes) {
    const label = `${change.kind} #${change.number} (${change.credential}) of ${change.itemId ?? `the item of save ${change.saveKey}`}`;
    const outcome = change.outcome;
    const finalItem = change.itemId === null ? undefined : final.get(change.itemId);
    if (outcome === null) {
      kept.push({ invariant: "1 durability", message: `${label} was never answered (${change.attempts.length} attempts)` });
      continue;
    }
    if (outcome.kind === "rejected") {
      const fair =
        change.kind !== "remove" &&
        ((outcome.status === 404 && change.itemId !== null && order.removed.has(change.itemId)) || (outcome.status === 412 && change.ifMatch !== null));
      if (!fair) safe.push({ invariant: "2 idempotency", message: `${label} was refused: ${outcome.status ?? "?"} ${outcome.code}` });
      continue;
    }
    if (change.kind === "remove" && finalItem) kept.push({ invariant: "1 durability", message: `${label} was answered 204, yet the item is in the final list` });
    const answered = change.kind !== "remove" ? outcome.version : null;
    if (answered !== null && finalItem && finalItem.version < answered) {
      kept.push({ invariant: "1 durability", message: `${label} was answered with v${answered}, yet the item ends at v${finalItem.version}` });
    }
    const lost = change.attempts.find((attempt) => attempt.answerLost);
    const retry = change.attempts.find((attempt) => attempt.purpose === "outbox" && !attempt.answerLost && isOk(attempt.status) && lost && attempt.startedAt >= lost.startedAt);
    if (change.kind !== "remove" && lost?.version && retry?.version && retry.version !== lost.version && !changedBetween(change, changes, lost.startedAt, retry.endedAt ?? Infinity)) {
      safe.push({ invariant: "2 idempotency", message: `${label}: sent again after its answer (v${lost.version}) was lost, it made v${retry.version} with no other change of the item between` });
    }
  }
  return { kept, safe };
}

export function checkChanges(input: CheckInput): CheckResult {
  const order = itemOrderOf(input.history, input.finalList);
  const shownFindings: Finding[] = [];
  const texts = new Map<string, string>();
  for (const item of input.finalList) texts.set(`${item.id} v${item.version}`, JSON.stringify([item.title, item.body, item.done]));
  const removedAt = removedBy([...input.history.changes.values()]);
  for (const client of input.history.clients) checkShown(client, removedAt, texts, shownFindings);
  const { kept, safe } = checkAnswers(input, order);
  const changes = [...input.history.changes.values()];
  const versionsShown = input.history.clients.reduce(
    (sum, client) => sum + [...client.shown.values()].reduce((count, events) => count + events.filter((event) => event.kind === "shown").length, 0),
    0,
  );
  const removalsSeen = input.history.clients.reduce(
    (sum, client) => sum + [...client.shown.values()].filter((events) => events.some((event) => event.kind === "removal applied")).length,
    0,
  );
  const tallies: CheckTally[] = [
    {
      invariant: "8 final versions",
      scope: `${input.finalClientLists.size} running clients' items (text and version) vs the server's ${input.finalList.length}`,
      violations: checkFinalVersions(input, order),
    },
    {
      invariant: "9 removals final",
      scope: `${order.removed.size} items removed; ${removalsSeen} removals applied by clients, none shown again`,
      violations: shownFindings.filter((finding) => finding.invariant === "9 removals final"),
    },
    {
      invariant: "10 versions increase",
      scope: `${versionsShown} item versions shown by clients, each above the last for its item and with one text (and done) per version`,
      violations: shownFindings.filter((finding) => finding.invariant === "10 versions increase"),
    },
    {
      invariant: "1 durability",
      scope: `${changes.length} edits, ticks and removals answered and kept`,
      violations: kept,
    },
    {
      invariant: "2 idempotency",
      scope: `${changes.reduce((sum, change) => sum + change.attempts.length, 0)} change requests, each change answered as the protocol allows`,
      violations: safe,
    },
  ];
  return { tallies, notes: [] };
}
