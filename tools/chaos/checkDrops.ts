/**
 * Invariant 5: a client that kept acknowledging is never dropped; a client
 * that stopped is dropped with 4008 after exactly MAX_SEND_ATTEMPTS sends of
 * its oldest unacknowledged frame, and not sooner than an interval after the
 * last. Plus the protocol's other promises seen on the way: no error frames
 * to a well-behaved client, no close codes outside the table, resume works
 * while its window lasts.
 *
 * A client that did not stop acknowledging but was dropped anyway is a
 * violation, unless the harness can show the time was lost elsewhere: the
 * client's own acks went out late (its event loop stalled), or the room was
 * answering frames only after an interval or more (the latency probe's pings
 * and the writers' saves wait in the same queue as acks), so acks sat unread.
 * Those are timing notes.
 */
import { CloseCode, FIRST_SEQ, REPLAY_MAX_FRAMES } from "../../src/protocol/limits";
import type { ConnectionRecord, History, SilenceEpisode } from "./history";
import { itemOrderOf, sessionBase, type ItemOrder } from "./logOrder";
import type { CheckInput, CheckResult, Finding } from "./verdicts";

/**
 * Codes a client may see: its own stop and abandon, a vanished peer, a drop, a takeover (of a
 * connection it had left, or of a late attempt of its own; invariant 7 judges which).
 */
const EXPECTED_CLOSE_CODES = new Set([1000, 1001, 1005, 1006, 4000, CloseCode.AckTimeout, CloseCode.Superseded]);

interface ServerView {
  /** When seq first left the server for this connection. */
  firstSentAt(seq: number): number | undefined;
  /** Highest seq acknowledged to the server by `at` (the resume's `last` counts). */
  ackedBy(at: number): number;
}

function serverViewOf(connection: ConnectionRecord, input: CheckInput): ServerView {
  const baseline = connection.welcome?.resumed ? connection.welcome.seq - 1 : 0;
  const proxied = connection.proxied ? input.proxyLog(connection.tag) : undefined;
  const acks = proxied ? proxied.acksForwarded : connection.acks.filter((ack) => !ack.swallowed);
  const firstSentAt = (seq: number) => (proxied ? proxied.firstSentAt.get(seq) : connection.frames.get(seq)?.arrivals[0]);
  return {
    firstSentAt,
    ackedBy: (at) => acks.reduce((highest, ack) => (ack.at <= at ? Math.max(highest, ack.seq) : highest), baseline),
  };
}

interface DropContext {
  input: CheckInput;
  violations: Finding[];
  notes: Finding[];
  attempts: Map<number, number>;
}

function clock(at: number | null): string {
  return at === null ? "not yet" : new Date(at).toISOString().slice(11, 23);
}

/** wrangler dev answers sockets a while before its health check does; until then the room is warming up. */
function startingAt(closedAt: number, input: CheckInput): string | null {
  const interval = input.timing.resendIntervalMs;
  const restart = input.history.restarts.find(
    (candidate) => candidate.killedAt <= closedAt && (candidate.answeringAt === null || closedAt <= candidate.answeringAt + interval),
  );
  return restart ? `the server was still starting after the restart at ${clock(restart.killedAt)} (answering its health check at ${clock(restart.answeringAt)})` : null;
}

/** Why the room may not have read acks in time before `closedAt`, or null if it shows no lost time. */
function lostTimeBefore(closedAt: number, input: CheckInput): string | null {
  const { resendIntervalMs: interval, maxSendAttempts: attempts } = input.timing;
  const starting = startingAt(closedAt, input);
  if (starting) return starting;
  const roomLag = input.history.longestRoomDelayBetween(closedAt - (attempts + 1) * interval, closedAt);
  return roomLag >= interval ? `the room was answering pings and saves only after up to ${roomLag} ms` : null;
}

function judgeSilentDrop(connection: ConnectionRecord, closedAt: number, context: DropContext): void {
  const { resendIntervalMs: interval, maxSendAttempts: attempts } = context.input.timing;
  const view = serverViewOf(connection, context.input);
  const oldest = view.ackedBy(closedAt) + 1;
  const arrivals = connection.frames.get(oldest)?.arrivals ?? [];
  const where = `client ${connection.client} connection ${connection.ordinal}`;
  context.attempts.set(arrivals.length, (context.attempts.get(arrivals.length) ?? 0) + 1);
  const gaps = [...arrivals, closedAt].slice(1).map((at, i) => at - arrivals[i]!);
  const detail = `seq ${oldest} arrived ${arrivals.length} times (gaps ${gaps.join(", ")} ms)`;
  // Attempts are counted, not inferred from the clock (PROTOCOL.md), so no lateness excuses a different
  // count, unless the server had not read the acks the client sent before it went silent: then its
  // oldest frame was an earlier one (the room behind, or still starting after a restart).
  if (arrivals.length !== attempts) {
    const message = `${where}: silent client dropped after ${arrivals.length} sends, not ${attempts}: ${detail}`;
    const lostTime = lostTimeBefore(closedAt, context.input);
    if (lostTime !== null && connection.acks.some((ack) => !ack.swallowed && ack.at >= closedAt - (attempts + 1) * interval)) {
      context.notes.push({ invariant: "5 drops", message: `${message}; it had acknowledged within the drop budget before going silent, and ${lostTime}` });
    } else {
      context.violations.push({ invariant: "5 drops", message });
    }
    return;
  }
  const sinceLastSend = closedAt - arrivals.at(-1)!;
  const stall = context.input.history.longestStallBetween(arrivals.at(-1)!, closedAt);
  if (sinceLastSend < interval - 100 && stall < 100) {
    context.violations.push({ invariant: "5 drops", message: `${where}: dropped ${sinceLastSend} ms after the last send, less than an interval: ${detail}` });
  }
}

function judgeUnexpectedDrop(connection: ConnectionRecord, closedAt: number, context: DropContext): void {
  const { resendIntervalMs: interval, maxSendAttempts: attempts } = context.input.timing;
  const view = serverViewOf(connection, context.input);
  const budget = (attempts - 1) * interval;
  const clientAcks = connection.acks.filter((ack) => !ack.swallowed);
  // Acks the client itself sent late after applying the frame (its event loop lost the time): the
  // harness's doing. A frame held back for a gap is not late on the client's part.
  const slowAcks = [...connection.frames.keys()].flatMap((seq) => {
    const appliedAt = connection.dispatches.find((dispatch) => dispatch.after >= seq)?.at;
    if (appliedAt === undefined) return [];
    const took = (clientAcks.find((ack) => ack.seq >= seq && ack.at >= appliedAt)?.at ?? closedAt) - appliedAt;
    return took > budget ? [`the client acknowledged seq ${seq} ${took} ms after applying it`] : [];
  });
  const oldest = view.ackedBy(closedAt) + 1;
  // Where the harness saw the frame first (the proxy, or the client) can be well after the server sent
  // it when the path between them was slow, and the server may not yet have read the ack that made
  // `oldest` look newer: so look back over the whole drop budget before the close as well.
  const since = Math.min(view.firstSentAt(oldest) ?? closedAt, closedAt - (attempts + 1) * interval) - interval;
  const stall = context.input.history.longestStallBetween(since, closedAt);
  const roomLag = context.input.history.longestRoomDelayBetween(since, closedAt);
  const where = `client ${connection.client} connection ${connection.ordinal}${connection.proxied ? " (proxied)" : ""}`;
  const starting = startingAt(closedAt, context.input);
  const causes = [
    ...(starting ? [starting] : []),
    ...(roomLag >= interval ? [`the room was answering pings and saves only after up to ${roomLag} ms, so acks waited unread too`] : []),
    ...(stall >= interval ? [`the harness stalled for ${stall} ms`] : []),
    ...slowAcks.slice(0, 3),
  ];
  const seen = `oldest unacknowledged seq ${oldest} as the server saw it; room delay up to ${roomLag} ms, harness stall up to ${stall} ms`;
  if (causes.length > 0) {
    context.notes.push({ invariant: "5 drops", message: `${where}: dropped after losing time: ${causes.join("; ")} (${seen})` });
  } else {
    context.violations.push({ invariant: "5 drops", message: `${where}: dropped with 4008 though it never stopped acknowledging, and neither the harness nor the room lost time (${seen})` });
  }
}

/** A silence that ended without a drop: was one owed (a frame unacknowledged past the deadline, on a connection still open)? */
function judgeUndroppedSilence(client: number, silence: SilenceEpisode, history: History, context: DropContext): void {
  const { resendIntervalMs: interval, maxSendAttempts: attempts } = context.input.timing;
  const end = silence.endedAt!;
  for (const connection of history.clients[client]!.connections) {
    if (connection.openedAt > end || (connection.closedAt !== null && connection.closedAt < end)) continue;
    const view = serverViewOf(connection, context.input);
    const oldest = view.ackedBy(end) + 1;
    const sent = view.firstSentAt(oldest);
    if (sent !== undefined && end - sent > attempts * interval + interval) {
      context.violations.push({
        invariant: "5 drops",
        message: `client ${client} connection ${connection.ordinal}: silent, seq ${oldest} unacknowledged for ${end - sent} ms, yet not dropped`,
      });
    }
  }
}

interface RefusedResumes {
  refused: number;
  /** Refused because the session was more than REPLAY_MAX_FRAMES behind: a fresh snapshot is the rule then. */
  farBehind: number;
  /** Refused after an attempt the client abandoned while connecting. */
  afterAbandoned: number;
}

/**
 * How many log entries (saves, edits, removals: one frame each) the fresh
 * snapshot on `connection` is ahead of the last frame the client had applied
 * in the session it tried to resume. Each session's place in the log comes
 * from its item frames (logOrder.ts); without any, the newest item of the
 * snapshot, or the newest item the client had applied, stands in for it.
 */
function framesBehind(connection: ConnectionRecord, earlier: ConnectionRecord[], order: ItemOrder): number | null {
  const snapshot = connection.frames.get(FIRST_SEQ)?.content;
  if (snapshot?.kind !== "snapshot") return null;
  const fresh = sessionBase(connection.frames, order) ?? (snapshot.ids.length > 0 ? order.posOf(snapshot.ids[0]!) : null);
  const resumed = earlier.findLast((previous) => previous.welcome !== null)?.welcome?.sessionId;
  const session = earlier.filter((previous) => previous.welcome?.sessionId === resumed);
  const lastApplied = Math.max(0, ...session.flatMap((previous) => previous.dispatches.map((dispatch) => dispatch.after)));
  const base = sessionBase(new Map(session.flatMap((previous) => [...previous.frames])), order);
  let applied = base === null ? 0 : base + lastApplied - FIRST_SEQ;
  if (base === null) {
    for (const dispatch of session.flatMap((previous) => previous.dispatches)) {
      for (const id of [...dispatch.appliedItemIds, ...dispatch.appliedSnapshots.map((ids) => ids[0] ?? "")]) {
        applied = Math.max(applied, order.posOf(id) ?? 0);
      }
    }
  }
  return fresh === null ? null : fresh - applied;
}

/**
 * A resume refused while its window lasts loses the session. The protocol
 * allows it when the session is more than REPLAY_MAX_FRAMES behind (a fresh
 * snapshot then, and the page fills the gap over HTTP), after an attempt the
 * client abandoned while connecting (the server may have rotated the token
 * on it twice), and a kill right after the token was issued may excuse it.
 */
function judgeRefusedResumes(input: CheckInput, violations: Finding[], notes: Finding[]): RefusedResumes {
  const tally: RefusedResumes = { refused: 0, farBehind: 0, afterAbandoned: 0 };
  const order = itemOrderOf(input.history, input.finalList);
  for (const client of input.history.clients) {
    let sessionStartedAt: number | null = null;
    let previousClose: number | null = null;
    let abandonedSinceWelcome = false;
    for (const [index, connection] of client.connections.entries()) {
      const welcome = connection.welcome;
      if (welcome && connection.resumeRequested && !welcome.resumed && previousClose !== CloseCode.AckTimeout) {
        tally.refused++;
        const where = `client ${client.index} connection ${connection.ordinal}`;
        const behind = framesBehind(connection, client.connections.slice(0, index), order);
        const issued = sessionStartedAt ?? connection.openedAt;
        const killedSoonAfter = input.history.restarts.some((restart) => restart.killedAt >= issued && restart.killedAt - issued < 2_000);
        if (behind !== null && behind > REPLAY_MAX_FRAMES) {
          tally.farBehind++;
        } else if (abandonedSinceWelcome) {
          tally.afterAbandoned++;
          notes.push({ invariant: "protocol", message: `${where}: resume refused (fresh welcome) after an attempt abandoned while connecting; ${behind ?? "?"} frames behind` });
        } else if (killedSoonAfter) {
          notes.push({ invariant: "protocol", message: `${where}: resume refused (fresh welcome) within the resume window; the server was killed under 2 s after the session began` });
        } else {
          violations.push({ invariant: "protocol", message: `${where}: resume refused (fresh welcome) within the resume window, ${behind ?? "?"} frames behind (a fresh snapshot is due only past ${REPLAY_MAX_FRAMES})` });
        }
      }
      if (welcome) abandonedSinceWelcome = false;
      if (connection.closeCause === "abandoned-connecting") abandonedSinceWelcome = true;
      if (welcome && !welcome.resumed) sessionStartedAt = welcome.at;
      if (connection.closeCode !== null) previousClose = connection.closeCode;
    }
  }
  return tally;
}

/**
 * Whether the silence can explain the drop: the oldest frame the client had not acknowledged (as the
 * server could know) reached it. A client that acknowledged everything it got and went silent just
 * before a drop was dropped for something else (the room reading its acks late), and is judged so.
 */
function silentAboutOldest(connection: ConnectionRecord, closedAt: number, input: CheckInput): boolean {
  const oldest = serverViewOf(connection, input).ackedBy(closedAt) + 1;
  return (connection.frames.get(oldest)?.arrivals.length ?? 0) > 0;
}

/** A paused reader can be dropped: its acks stop with its reading. Was this drop one of those? */
function droppedWhilePaused(connection: ConnectionRecord, closedAt: number, input: CheckInput): boolean {
  const { resendIntervalMs: interval, maxSendAttempts: attempts } = input.timing;
  // The bye and the close were read when reading resumed, so the drop happened during the pause or just after.
  return connection.pauses.some((pause) => pause.from <= closedAt && (pause.to === null || closedAt - pause.to <= (attempts + 1) * interval + 1_000));
}

export function checkDrops(input: CheckInput): CheckResult {
  const context: DropContext = { input, violations: [], notes: [], attempts: new Map() };
  const protocol: Finding[] = [];
  let silentDrops = 0;
  let pausedDrops = 0;
  for (const client of input.history.clients) {
    for (const connection of client.connections) {
      const where = `client ${client.index} connection ${connection.ordinal}`;
      for (const error of connection.errors) protocol.push({ invariant: "protocol", message: `${where}: error frame ${error.code}: ${error.message}` });
      if (connection.closeCode !== null && !EXPECTED_CLOSE_CODES.has(connection.closeCode)) {
        protocol.push({ invariant: "protocol", message: `${where}: closed with unexpected code ${connection.closeCode}` });
      }
      if (connection.closeCode !== CloseCode.AckTimeout || connection.closedAt === null) continue;
      if (droppedWhilePaused(connection, connection.closedAt, input)) {
        pausedDrops++;
      } else if (connection.silentAtClose && silentAboutOldest(connection, connection.closedAt, input)) {
        silentDrops++;
        judgeSilentDrop(connection, connection.closedAt, context);
      } else {
        judgeUnexpectedDrop(connection, connection.closedAt, context);
      }
    }
    for (const silence of client.silences) {
      if (silence.endedBy !== "drop" && silence.endedAt !== null) judgeUndroppedSilence(client.index, silence, input.history, context);
    }
  }
  const refused = judgeRefusedResumes(input, protocol, context.notes);
  const byes = input.history.clients.reduce((sum, client) => sum + client.connections.filter((connection) => connection.bye !== null).length, 0);
  const pauses = input.history.clients.reduce((sum, client) => sum + client.connections.reduce((n, connection) => n + connection.pauses.length, 0), 0);
  const silences = input.history.clients.reduce((sum, client) => sum + client.silences.length, 0);
  const undropped = input.history.clients.reduce(
    (sum, client) => sum + client.silences.filter((silence) => silence.endedBy !== "drop").length,
    0,
  );
  const connections = input.history.clients.reduce((sum, client) => sum + client.connections.length, 0);
  const attemptsSeen = [...context.attempts].map(([sends, drops]) => `${drops} after ${sends} sends`).join(", ") || "none";
  return {
    tallies: [
      {
        invariant: "5 drops",
        scope: `${silences} silences (${undropped} ended without a drop), ${silentDrops} drops of silent clients (${attemptsSeen}); ${pauses} paused readers, ${pausedDrops} of them dropped with 4008 (not judged)`,
        violations: context.violations,
      },
      {
        invariant: "protocol",
        scope:
          `error frames, close codes and resumes on ${connections} connections (${byes} byes; ${refused.refused} resumes refused: ` +
          `${refused.farBehind} more than ${REPLAY_MAX_FRAMES} frames behind, ${refused.afterAbandoned} after an abandoned attempt)`,
        violations: protocol,
      },
    ],
    notes: context.notes,
  };
}
