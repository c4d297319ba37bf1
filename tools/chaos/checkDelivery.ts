/**
 * Invariants 3 and 4, from what each client received and applied:
 * - 3: a running client's list holds the server's items (same ids, same
 *   order), and no client ever applied an item twice or an item frame out of
 *   save order;
 * - 4: within a session (one clientId, across its resumed connections) the
 *   seqs applied follow on without a gap from the welcome, each applied seq
 *   arrived on the wire, copies of a seq are the same change (a resend may
 *   carry a later version, or `removed` in its place), and the frames follow
 *   the list's log: seq s carries the log entry s − 1 places after the one
 *   the snapshot reflects, so every item frame of a session names the same
 *   snapshot position, a save's entry is sent as that item (or its removal),
 *   and an edit or removal comes after its item's save.
 */
import { FIRST_SEQ } from "../../src/protocol/limits";
import { mayFollow } from "./frameContent";
import type { ClientRecord, ConnectionRecord, FrameContent, FrameCopies } from "./history";
import { itemOrderOf, sessionBase, type ItemOrder } from "./logOrder";
import type { CheckInput, CheckResult, Finding } from "./verdicts";

function firstDifference(actual: readonly string[], expected: readonly string[]): string {
  const index = actual.findIndex((id, i) => id !== expected[i]);
  const at = index === -1 ? Math.min(actual.length, expected.length) : index;
  return `${actual.length} items vs the server's ${expected.length}; first difference at position ${at}: ${actual[at] ?? "nothing"} vs ${expected[at] ?? "nothing"}`;
}

export function sessionsOf(client: ClientRecord): ConnectionRecord[][] {
  const sessions = new Map<string, ConnectionRecord[]>();
  for (const connection of client.connections) {
    if (!connection.welcome) continue;
    const id = connection.welcome.sessionId;
    sessions.set(id, [...(sessions.get(id) ?? []), connection]);
  }
  return [...sessions.values()];
}

function checkLists(input: CheckInput, order: ItemOrder, findings: Finding[]): void {
  const expected = input.finalList.map((item) => item.id);
  for (const client of input.history.clients) {
    const who = `client ${client.index}`;
    for (const id of client.appliedTwice) findings.push({ invariant: "3 client lists", message: `${who} applied item ${id} twice` });
    let lastPos = 0;
    for (const id of client.itemFrameIds) {
      const pos = order.posOf(id);
      if (pos === null) findings.push({ invariant: "3 client lists", message: `${who} applied item ${id}, which no save made` });
      else if (pos <= lastPos) findings.push({ invariant: "3 client lists", message: `${who} applied item ${id} (log position ${pos}) after the one at ${lastPos}: out of save order` });
      lastPos = Math.max(lastPos, pos ?? 0);
    }
    const shown = input.finalClientLists.get(client.index)?.map((item) => item.id);
    if (shown && shown.join(",") !== expected.join(",")) {
      findings.push({ invariant: "3 client lists", message: `${who}'s list differs from the server's: ${firstDifference(shown, expected)}` });
    }
  }
}

/** The snapshot holds live items newest first, skipping only removed ones, and its `hasOlder` is truthful. */
function checkSnapshot(who: string, copies: FrameCopies, order: ItemOrder, fail: (message: string) => void): void {
  if (copies.content.kind !== "snapshot") return;
  const positions = copies.content.ids.map((id) => order.posOf(id));
  if (positions.some((pos) => pos === null)) return fail(`${who}: the snapshot holds an item no save made`);
  const known = positions as number[];
  if (known.some((pos, i) => i > 0 && pos >= known[i - 1]!)) return fail(`${who}: the snapshot is not newest first`);
  // An empty snapshot says nothing about which saves came before it: checkLogOrder places it.
  if (known.length === 0) return;
  const newest = known[0]!;
  const oldest = known.at(-1)!;
  const inSnapshot = new Set(copies.content.ids);
  const skipped = order.saved.filter(({ id, pos }) => pos > oldest && pos < newest && !inSnapshot.has(id) && !order.removed.has(id));
  if (skipped.length > 0) fail(`${who}: the snapshot skips ${skipped.length} items that were never removed, e.g. ${skipped[0]!.id}`);
  const older = order.saved.filter(({ pos }) => pos < oldest);
  if (!copies.content.hasOlder && older.some(({ id }) => !order.removed.has(id))) {
    fail(`${who}: the snapshot says nothing is older, but ${older.find(({ id }) => !order.removed.has(id))!.id} is older and was never removed`);
  }
  if (copies.content.hasOlder && older.length === 0) fail(`${who}: the snapshot says older items exist, but no save is older than its oldest`);
}

/** Each frame of the session is the log entry its seq says: see the module comment. */
function checkLogOrder(who: string, frames: Map<number, FrameCopies>, order: ItemOrder, fail: (message: string) => void): void {
  const snapshot = frames.get(FIRST_SEQ)?.content;
  const newest = snapshot?.kind === "snapshot" && snapshot.ids.length > 0 ? (order.posOf(snapshot.ids[0]!) ?? 0) : 0;
  const bases = new Set<number>();
  for (const [seq, copies] of frames) {
    if (copies.content.kind === "item") bases.add((order.posOf(copies.content.id) ?? NaN) - (seq - FIRST_SEQ));
  }
  if (bases.size > 1) return fail(`${who}: its item frames disagree on where the snapshot stands in the log (${[...bases].slice(0, 4).join(", ")}): a frame is missing, extra or out of place`);
  const base = sessionBase(frames, order);
  if (base === null) return;
  if (snapshot?.kind === "snapshot" && base < newest) fail(`${who}: item frames place the snapshot at log position ${base}, before its newest item (${newest})`);
  const unshown = order.saved.find(({ id, pos }) => pos > newest && pos <= base && !order.removed.has(id));
  if (snapshot?.kind === "snapshot" && unshown) fail(`${who}: ${unshown.id}, saved before the snapshot and never removed, is not in it`);
  for (const [seq, copies] of frames) {
    if (copies.content.kind === "snapshot") continue;
    const entry = base + (seq - FIRST_SEQ);
    const pos = order.posOf(copies.content.id);
    const saveHere = order.savedAt(entry);
    if (pos === null) fail(`${who}: seq ${seq} names ${copies.content.id}, which no save made`);
    else if (saveHere !== null && copies.content.id !== saveHere) fail(`${who}: seq ${seq} carries a change of ${copies.content.id}, but the log has the save of ${saveHere} there`);
    else if (saveHere === null && copies.content.kind === "item") fail(`${who}: seq ${seq} carries item ${copies.content.id} where the log has an edit or removal`);
    else if (saveHere === null && pos >= entry) fail(`${who}: seq ${seq} carries a change of ${copies.content.id} before its save`);
  }
}

function checkSession(client: ClientRecord, session: ConnectionRecord[], order: ItemOrder, findings: Finding[]): void {
  const fail = (message: string) => findings.push({ invariant: "4 contiguous seq", message });
  const sessionId = session[0]!.welcome!.sessionId;
  const who = `client ${client.index} session ${sessionId.slice(0, 8)}`;
  const frames = new Map<number, FrameCopies>();
  /** What the latest copy of each seq carried, over the whole session. */
  const latest = new Map<number, FrameContent>();
  let highest = 0;
  for (const [i, connection] of session.entries()) {
    const welcome = connection.welcome!;
    const where = `${who} connection ${connection.ordinal}`;
    if (i === 0 && (welcome.resumed || welcome.seq !== 1)) fail(`${where}: a new session must start fresh at seq 1 (resumed ${welcome.resumed}, seq ${welcome.seq})`);
    if (i > 0 && (!welcome.resumed || welcome.seq !== highest + 1)) fail(`${where}: resumed at seq ${welcome.seq} (resumed ${welcome.resumed}) but the client had applied up to ${highest}`);
    for (const [seq, copies] of connection.frames) {
      const known = frames.get(seq);
      if (known && (known.messageId !== copies.messageId || !mayFollow(latest.get(seq)!, copies.content))) {
        fail(`${where}: seq ${seq} is a different change from its copy on an earlier connection of the session`);
      }
      if (!known) frames.set(seq, copies);
      latest.set(seq, copies.latest ?? copies.content);
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
  const snapshot = frames.get(FIRST_SEQ);
  if (snapshot) checkSnapshot(who, snapshot, order, fail);
  checkLogOrder(who, frames, order, fail);
}

export function checkDelivery(input: CheckInput): CheckResult {
  const order = itemOrderOf(input.history, input.finalList);
  const listFindings: Finding[] = [];
  checkLists(input, order, listFindings);
  const seqFindings: Finding[] = [];
  let sessions = 0;
  let dispatches = 0;
  for (const client of input.history.clients) {
    for (const session of sessionsOf(client)) {
      sessions++;
      dispatches += session.reduce((sum, connection) => sum + connection.dispatches.length, 0);
      checkSession(client, session, order, seqFindings);
    }
  }
  const applied = input.history.clients.reduce((sum, client) => sum + client.itemFrameIds.length, 0);
  const tallies: CheckResult["tallies"] = [
    {
      invariant: "3 client lists",
      scope: `${input.finalClientLists.size} running clients' lists vs the server's ${input.finalList.length} items; ${applied} item applications in save order`,
      violations: listFindings,
    },
    { invariant: "4 contiguous seq", scope: `${sessions} sessions, ${dispatches} frames applied, each frame placed in the log`, violations: seqFindings },
  ];
  return { tallies, notes: [] };
}
