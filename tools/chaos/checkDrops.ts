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
import { CloseCode } from "../../src/protocol/limits";
import type { ConnectionRecord, History, SilenceEpisode } from "./history";
import type { CheckInput, CheckResult, Finding } from "./verdicts";

/** Codes a client may see: its own stop and abandon, a vanished peer, a drop, a takeover. */
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

function judgeSilentDrop(connection: ConnectionRecord, closedAt: number, context: DropContext): void {
  const { resendIntervalMs: interval, maxSendAttempts: attempts } = context.input.timing;
  const view = serverViewOf(connection, context.input);
  const oldest = view.ackedBy(closedAt) + 1;
  const arrivals = connection.frames.get(oldest)?.arrivals ?? [];
  const where = `client ${connection.client} connection ${connection.ordinal}`;
  context.attempts.set(arrivals.length, (context.attempts.get(arrivals.length) ?? 0) + 1);
  const gaps = [...arrivals, closedAt].slice(1).map((at, i) => at - arrivals[i]!);
  const detail = `seq ${oldest} arrived ${arrivals.length} times (gaps ${gaps.join(", ")} ms)`;
  // Attempts are counted, not inferred from the clock (PROTOCOL.md), so no lateness excuses a different count.
  if (arrivals.length !== attempts) {
    context.violations.push({ invariant: "5 drops", message: `${where}: silent client dropped after ${arrivals.length} sends, not ${attempts}: ${detail}` });
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
  const since = (view.firstSentAt(oldest) ?? closedAt - attempts * interval) - interval;
  const stall = context.input.history.longestStallBetween(since, closedAt);
  const roomLag = context.input.history.longestRoomDelayBetween(since, closedAt);
  const where = `client ${connection.client} connection ${connection.ordinal}${connection.proxied ? " (proxied)" : ""}`;
  const causes = [
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

/** A resume refused while its window lasts loses the session; a kill right after the token was issued may excuse it. */
function judgeRefusedResumes(input: CheckInput, violations: Finding[], notes: Finding[]): number {
  let refused = 0;
  for (const client of input.history.clients) {
    let sessionStartedAt: number | null = null;
    let previousClose: number | null = null;
    for (const connection of client.connections) {
      const welcome = connection.welcome;
      if (welcome && connection.resumeRequested && !welcome.resumed && previousClose !== CloseCode.AckTimeout) {
        refused++;
        const issued = sessionStartedAt ?? connection.openedAt;
        const killedSoonAfter = input.history.restarts.some((restart) => restart.killedAt >= issued && restart.killedAt - issued < 2_000);
        const message = `client ${client.index} connection ${connection.ordinal}: resume refused (fresh welcome) within the resume window`;
        (killedSoonAfter ? notes : violations).push({ invariant: "protocol", message: killedSoonAfter ? `${message}; the server was killed under 2 s after the session began` : message });
      }
      if (welcome && !welcome.resumed) sessionStartedAt = welcome.at;
      if (connection.closeCode !== null) previousClose = connection.closeCode;
    }
  }
  return refused;
}

export function checkDrops(input: CheckInput): CheckResult {
  const context: DropContext = { input, violations: [], notes: [], attempts: new Map() };
  const protocol: Finding[] = [];
  let silentDrops = 0;
  for (const client of input.history.clients) {
    for (const connection of client.connections) {
      const where = `client ${client.index} connection ${connection.ordinal}`;
      for (const error of connection.errors) protocol.push({ invariant: "protocol", message: `${where}: error frame ${error.code}: ${error.message}` });
      if (connection.closeCode !== null && !EXPECTED_CLOSE_CODES.has(connection.closeCode)) {
        protocol.push({ invariant: "protocol", message: `${where}: closed with unexpected code ${connection.closeCode}` });
      }
      if (connection.closeCode !== CloseCode.AckTimeout || connection.closedAt === null) continue;
      if (connection.silentAtClose) {
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
  const silences = input.history.clients.reduce((sum, client) => sum + client.silences.length, 0);
  const undropped = input.history.clients.reduce(
    (sum, client) => sum + client.silences.filter((silence) => silence.endedBy !== "drop").length,
    0,
  );
  const connections = input.history.clients.reduce((sum, client) => sum + client.connections.length, 0);
  const attemptsSeen = [...context.attempts].map(([sends, drops]) => `${drops} after ${sends} sends`).join(", ") || "none";
  return {
    tallies: [
      { invariant: "5 drops", scope: `${silences} silences (${undropped} ended without a drop), ${silentDrops} drops of silent clients (${attemptsSeen})`, violations: context.violations },
      {
        invariant: "protocol",
        scope: `error frames, close codes and resumes on ${connections} connections (${refused} resumes refused)`,
        violations: protocol,
      },
    ],
    notes: context.notes,
  };
}
