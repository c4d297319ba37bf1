/**
 * For a run with violations or timing notes: the raw record of every
 * connection they name, written as JSON next to the bundle, so that a
 * finding can be traced frame by frame (times in ms from the run's start).
 */
import { writeFileSync } from "node:fs";
import type { ConnectionRecord, History } from "./history";
import type { ProxiedConnectionLog } from "./proxy";
import type { Finding } from "./verdicts";

function connectionsNamed(findings: readonly Finding[], history: History): ConnectionRecord[] {
  const named = new Set<ConnectionRecord>();
  for (const finding of findings) {
    for (const match of finding.message.matchAll(/client (\d+)(?: connection (\d+))?/g)) {
      const client = history.clients[Number(match[1])];
      if (!client) continue;
      // A named connection comes with the one before it: how that one ended often explains this one.
      const ordinal = Number(match[2]);
      const connections = match[2] === undefined ? client.connections : [client.connections[ordinal - 1], client.connections[ordinal]];
      for (const connection of connections) if (connection) named.add(connection);
    }
  }
  return [...named];
}

function describe(connection: ConnectionRecord, proxyLog: ProxiedConnectionLog | undefined, since: number) {
  const at = (time: number | null) => (time === null ? null : time - since);
  return {
    tag: connection.tag,
    proxied: connection.proxied,
    resumeRequested: connection.resumeRequested,
    openedAt: at(connection.openedAt),
    welcome: connection.welcome && { ...connection.welcome, at: at(connection.welcome.at) },
    closedAt: at(connection.closedAt),
    closeCode: connection.closeCode,
    closeCause: connection.closeCause,
    silentAtClose: connection.silentAtClose,
    frames: [...connection.frames].map(([seq, copies]) => ({
      seq,
      carried:
        copies.content.kind === "snapshot"
          ? `snapshot of ${copies.content.ids.length}`
          : `${copies.content.kind} ${copies.content.id}${copies.content.kind === "removed" ? "" : ` v${copies.content.version}`}`,
      ...(copies.latest ? { latestCopy: copies.latest } : {}),
      arrivals: copies.arrivals.map(at),
    })),
    acks: connection.acks.map((ack) => ({ ...ack, at: at(ack.at) })),
    dispatches: connection.dispatches.map((dispatch) => ({ ...dispatch, at: at(dispatch.at) })),
    proxy: proxyLog && {
      firstSentAt: [...proxyLog.firstSentAt].map(([seq, time]) => ({ seq, at: at(time) })),
      acksForwarded: proxyLog.acksForwarded.map((ack) => ({ ...ack, at: at(ack.at) })),
    },
  };
}

/**
 * For each client and item a finding names together: every version the
 * client's list showed of it and how (frames, snapshot, page), and every
 * edit and removal the writers made of it, with their requests.
 */
function itemsNamed(findings: readonly Finding[], history: History, since: number) {
  const at = (time: number | null) => (time === null ? null : time - since);
  const named: object[] = [];
  for (const finding of findings) {
    const client = history.clients[Number(/client (\d+)/.exec(finding.message)?.[1] ?? NaN)];
    if (!client) continue;
    for (const [itemId] of finding.message.matchAll(/\b[0-9a-z]{1,11}-[0-9a-f]{16}\b/g)) {
      named.push({
        client: client.index,
        itemId,
        shown: (client.shown.get(itemId) ?? []).map((event) => ({ ...event, at: at(event.at) })),
        changes: [...history.changes.values()]
          .filter((change) => change.itemId === itemId)
          .map((change) => ({
            ...change,
            addedAt: at(change.addedAt),
            attempts: change.attempts.map((attempt) => ({ ...attempt, startedAt: at(attempt.startedAt), endedAt: at(attempt.endedAt) })),
          })),
      });
    }
  }
  return named;
}

/**
 * When resend rounds ran around a connection's life, as seen on every direct
 * connection (a second copy of a seq arriving is a resend; the proxy's
 * duplicates are left out): shows whether the server's alarm ran late for
 * everyone or only for one connection.
 */
function resendsNear(named: ConnectionRecord, history: History, since: number) {
  const from = named.openedAt - 1_000;
  const to = (named.closedAt ?? named.openedAt) + 1_000;
  const rounds = new Map<number, number>();
  for (const client of history.clients) {
    for (const connection of client.connections) {
      if (connection.proxied) continue;
      for (const copies of connection.frames.values()) {
        for (const at of copies.arrivals.slice(1)) {
          if (at < from || at > to) continue;
          const bucket = Math.floor((at - since) / 50) * 50;
          rounds.set(bucket, (rounds.get(bucket) ?? 0) + 1);
        }
      }
    }
  }
  const within = (samples: readonly { at: number; ms: number }[]) =>
    samples.filter((sample) => sample.at >= from && sample.at <= to).map((sample) => [sample.at - since, sample.ms]);
  return {
    connection: named.tag,
    from: from - since,
    to: to - since,
    resendCopiesPer50ms: Object.fromEntries([...rounds].sort(([a], [b]) => a - b)),
    probeRoomLag: within(history.roomLag),
    probeResendLateness: within(history.resendLateness),
  };
}

export function writeEvidence(
  path: string,
  findings: readonly Finding[],
  history: History,
  proxyLog: (tag: string) => ProxiedConnectionLog | undefined,
  since: number,
): number {
  const connections = connectionsNamed(findings, history);
  const evidence = {
    findings,
    items: itemsNamed(findings, history, since),
    resendsNear: connections.map((connection) => resendsNear(connection, history, since)),
    restarts: history.restarts.map((restart) => ({ killedAt: restart.killedAt - since, answeringAt: restart.answeringAt && restart.answeringAt - since })),
    stalls: history.stalls.map((stall) => ({ at: stall.at - since, ms: stall.ms })),
    connections: connections.map((connection) => describe(connection, proxyLog(connection.tag), since)),
  };
  writeFileSync(path, JSON.stringify(evidence, null, 1));
  return connections.length;
}
