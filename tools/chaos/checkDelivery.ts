/**
 * Invariants 3 and 4, from what each client received and applied:
 * - 3: a running client's list is the server's list (same ids, same order),
 *   and no client ever applied an item twice or an item frame out of save
 *   order;
 * - 4: within a session (one clientId, across its resumed connections) the
 *   seqs applied follow on without a gap from the welcome, each applied seq
 *   arrived on the wire, and seq s of a session carries the item saved s − 1
 *   places after the newest one in its snapshot.
 */
import type { ClientRecord, ConnectionRecord, FrameCopies } from "./history";
import { ranksOf, type CheckInput, type CheckResult, type Finding } from "./verdicts";

function firstDifference(actual: readonly string[], expected: readonly string[]): string {
  const index = actual.findIndex((id, i) => id !== expected[i]);
  const at = index === -1 ? Math.min(actual.length, expected.length) : index;
  return `${actual.length} items vs the server's ${expected.length}; first difference at position ${at}: ${actual[at] ?? "nothing"} vs ${expected[at] ?? "nothing"}`;
}

function sessionsOf(client: ClientRecord): ConnectionRecord[][] {
  const sessions = new Map<string, ConnectionRecord[]>();
  for (const connection of client.connections) {
    if (!connection.welcome) continue;
    const id = connection.welcome.sessionId;
    sessions.set(id, [...(sessions.get(id) ?? []), connection]);
  }
  return [...sessions.values()];
}

function checkLists(input: CheckInput, ranks: Map<string, number>, findings: Finding[]): void {
  const expected = input.finalList.map((item) => item.id);
  for (const client of input.history.clients) {
    const who = `client ${client.index}`;
    for (const id of client.appliedTwice) findings.push({ invariant: "3 client lists", message: `${who} applied item ${id} twice` });
    let lastRank = 0;
    for (const id of client.itemFrameIds) {
      const rank = ranks.get(id);
      if (rank === undefined) findings.push({ invariant: "3 client lists", message: `${who} applied item ${id}, which the server does not have` });
      else if (rank <= lastRank) findings.push({ invariant: "3 client lists", message: `${who} applied item ${id} (save #${rank}) after save #${lastRank}: out of order` });
      lastRank = Math.max(lastRank, rank ?? 0);
    }
    const shown = input.finalClientLists.get(client.index);
    if (shown && shown.join(",") !== expected.join(",")) {
      findings.push({ invariant: "3 client lists", message: `${who}'s list differs from the server's: ${firstDifference(shown, expected)}` });
    }
  }
}

function checkSnapshot(who: string, copies: FrameCopies, ranks: Map<string, number>, findings: Finding[]): number {
  if (copies.content.kind !== "snapshot") return 0;
  const itemRanks = copies.content.ids.map((id) => ranks.get(id) ?? -1);
  const newest = itemRanks[0] ?? 0;
  const contiguous = itemRanks.every((rank, i) => rank === newest - i);
  const oldest = itemRanks.at(-1) ?? 1;
  if (!contiguous) findings.push({ invariant: "4 contiguous seq", message: `${who}: the snapshot is not a run of consecutive saves` });
  if (copies.content.hasOlder !== oldest > 1) findings.push({ invariant: "4 contiguous seq", message: `${who}: the snapshot's hasOlder is ${copies.content.hasOlder}, but its oldest item is save #${oldest}` });
  return newest;
}

function checkSession(client: ClientRecord, session: ConnectionRecord[], ranks: Map<string, number>, findings: Finding[]): void {
  const fail = (message: string) => findings.push({ invariant: "4 contiguous seq", message });
  const sessionId = session[0]!.welcome!.sessionId;
  const who = `client ${client.index} session ${sessionId.slice(0, 8)}`;
  const frames = new Map<number, FrameCopies>();
  let highest = 0;
  for (const [i, connection] of session.entries()) {
    const welcome = connection.welcome!;
    const where = `${who} connection ${connection.ordinal}`;
    if (i === 0 && (welcome.resumed || welcome.seq !== 1)) fail(`${where}: a new session must start fresh at seq 1 (resumed ${welcome.resumed}, seq ${welcome.seq})`);
    if (i > 0 && (!welcome.resumed || welcome.seq !== highest + 1)) fail(`${where}: resumed at seq ${welcome.seq} (resumed ${welcome.resumed}) but the client had applied up to ${highest}`);
    for (const [seq, copies] of connection.frames) {
      const known = frames.get(seq);
      if (known && (known.messageId !== copies.messageId || JSON.stringify(known.content) !== JSON.stringify(copies.content))) {
        fail(`${where}: seq ${seq} differs from its copy on an earlier connection of the session`);
      }
      if (!known) frames.set(seq, copies);
    }
    for (const problem of connection.problems) fail(`${where}: ${problem}`);
    for (const dispatch of connection.dispatches) {
      if (dispatch.before !== highest) fail(`${where}: applied from seq ${dispatch.before + 1} while at ${highest}`);
      if (dispatch.after <= dispatch.before) fail(`${where}: applied something at seq ${dispatch.seq} without moving past ${dispatch.before}`);
      for (let seq = dispatch.before + 1; seq <= dispatch.after; seq++) {
        if (!frames.has(seq)) fail(`${where}: applied seq ${seq}, which never arrived in this session`);
      }
      highest = Math.max(highest, dispatch.after);
    }
  }
  const snapshot = frames.get(1);
  if (!snapshot) return;
  const baseRank = checkSnapshot(who, snapshot, ranks, findings);
  for (const [seq, copies] of frames) {
    if (copies.content.kind !== "item") continue;
    const rank = ranks.get(copies.content.id);
    if (rank !== baseRank + seq - 1) fail(`${who}: seq ${seq} carried save #${rank ?? "unknown"}; in save order it should be save #${baseRank + seq - 1}`);
  }
}

export function checkDelivery(input: CheckInput): CheckResult {
  const ranks = ranksOf(input.finalList);
  const listFindings: Finding[] = [];
  checkLists(input, ranks, listFindings);
  const seqFindings: Finding[] = [];
  let sessions = 0;
  let dispatches = 0;
  for (const client of input.history.clients) {
    for (const session of sessionsOf(client)) {
      sessions++;
      dispatches += session.reduce((sum, connection) => sum + connection.dispatches.length, 0);
      checkSession(client, session, ranks, seqFindings);
    }
  }
  const applied = input.history.clients.reduce((sum, client) => sum + client.itemFrameIds.length, 0);
  const tallies: CheckResult["tallies"] = [
    {
      invariant: "3 client lists",
      scope: `${input.finalClientLists.size} running clients' lists vs the server's ${input.finalList.length} items; ${applied} item applications in save order`,
      violations: listFindings,
    },
    { invariant: "4 contiguous seq", scope: `${sessions} sessions, ${dispatches} frames applied`, violations: seqFindings },
  ];
  return { tallies, notes: [] };
}
