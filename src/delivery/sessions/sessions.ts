/**
 * Client sessions across connections: registering a fresh client, resuming
 * one by its token, and noticing when a connection is gone. A client has one
 * live connection at a time; the SQL row says which, and which attempt it is,
 * so a late, older attempt can never take the session from a newer one.
 */
import { CloseCode, REPLAY_MAX_FRAMES } from "../../protocol/limits";
import { seqOfPos, type ConnectionStates } from "../sockets/connection";
import type { Outbound } from "../sockets/outbound";
import type { ClientRecord, ClientStore } from "./clientStore";

export interface ResumeRequest {
  tokenHash: string;
  /** The last seq the client applied. */
  last: number;
  /** The client's count of its connection attempts in this session; `null` from clients that do not count (the newest). */
  attempt: number | null;
}

export type ResumeVerdict =
  | { kind: "resume"; attempt: number; acked: number }
  | { kind: "stale" }
  | { kind: "fresh"; forget: boolean };

/**
 * What a resume gets. The session serves it from the larger of the client's
 * `last` and what the server knows was acknowledged (`knownAcked`).
 *
 * @example
 * // the session's connection is attempt 3; a late attempt 2 arrives
 * judgeResume(record, { tokenHash, last: 5, attempt: 2 }, now, 9, window, null) // { kind: "stale" }
 */
export function judgeResume(
  record: ClientRecord,
  request: ResumeRequest,
  now: number,
  lastSeq: number,
  resumeWindowMs: number,
  knownAcked: number | null,
): ResumeVerdict {
  if (record.disconnectedAt !== null && now - record.disconnectedAt > resumeWindowMs) {
    return { kind: "fresh", forget: true };
  }
  // Either token, the previous one included (its holder may never have got
  // the welcome that carried its successor), resumes only a newer attempt.
  const attempt = request.attempt ?? record.attempt + 1;
  if (attempt <= record.attempt) return { kind: "stale" };
  if (request.last > lastSeq) return { kind: "fresh", forget: false };
  const acked = Math.max(request.last, record.acked, knownAcked ?? request.last);
  if (lastSeq - acked > REPLAY_MAX_FRAMES) return { kind: "fresh", forget: true };
  return { kind: "resume", attempt, acked };
}

export type Resumption = { kind: "resumed"; record: ClientRecord } | { kind: "stale" } | { kind: "fresh" };

export class Sessions {
  /** When arrivals next sweep away the sessions past their resume window. */
  private nextSweepAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clients: ClientStore,
    private readonly ctx: DurableObjectState,
    private readonly connections: ConnectionStates,
    private readonly outbound: Outbound,
    private readonly resumeWindowMs: number,
    /** How long a replaced token still resumes after its successor was issued (unless the successor is used first). */
    private readonly tokenGraceMs: number,
  ) {}

  /**
   * Resumes the client holding this token, if it may (see {@link judgeResume}).
   * A resumed session gets `newTokenHash` as its token, and a socket the
   * client still has open is closed, since a client has one connection.
   */
  resume(request: ResumeRequest, newTokenHash: string, now: number, lastPos: number): Resumption {
    const record = this.clients.findByTokenHash(request.tokenHash, now - this.tokenGraceMs);
    if (!record) return { kind: "fresh" };
    const open = this.ctx.getWebSockets(record.clientId);
    const liveAcked = open.map((ws) => this.connections.get(ws)?.acked ?? -1);
    const knownAcked = liveAcked.length > 0 ? Math.max(...liveAcked) : null;
    const verdict = judgeResume(record, request, now, seqOfPos(record, lastPos), this.resumeWindowMs, knownAcked);
    if (verdict.kind === "stale") return verdict;
    if (verdict.kind === "fresh") {
      if (verdict.forget) {
        for (const old of open) this.outbound.closeWithBye(old, CloseCode.Superseded, "this session was replaced by a fresh one");
        this.forget(record.clientId);
      }
      return verdict;
    }
    for (const old of open) this.outbound.closeWithBye(old, CloseCode.Superseded, "this client resumed on a newer connection");
    const connectionId = crypto.randomUUID();
    this.clients.takeOver(record.clientId, connectionId, verdict.attempt, newTokenHash, request.tokenHash, now);
    return {
      kind: "resumed",
      record: { ...record, connectionId, attempt: verdict.attempt, acked: verdict.acked, disconnectedAt: null },
    };
  }

  /** A new client whose snapshot covers the log up to `lastPos`; its first connection is attempt 1. */
  register(tokenHash: string, now: number, lastPos: number): ClientRecord {
    // Sessions past their window are deleted at most once a window, not by
    // every arrival: a crowd of N arriving costs one sweep, not N. A row kept
    // a little longer resumes nothing (judgeResume checks the window itself).
    if (now >= this.nextSweepAt) {
      this.clients.forgetDisconnectedBefore(now - this.resumeWindowMs);
      this.nextSweepAt = now + this.resumeWindowMs;
    }
    const record = { clientId: crypto.randomUUID(), basePos: lastPos, connectionId: crypto.randomUUID() };
    this.clients.create(record, tokenHash, now);
    return { ...record, attempt: 1, acked: 0, disconnectedAt: null };
  }

  /** The socket closed: its client may resume within the window, from what it acknowledged. */
  detach(ws: WebSocket, now: number): void {
    const state = this.connections.get(ws);
    if (state) this.clients.detach(state.clientId, state.connectionId, now, state.acked);
  }

  forget(clientId: string): void {
    this.clients.forget(clientId);
  }

  /**
   * After a restart, sockets are gone without `webSocketClose` having run;
   * their clients count as disconnected from now, so their resume window
   * starts when we learn of it.
   */
  detachThoseWithoutSocket(now: number): void {
    const live = new Set(
      this.ctx.getWebSockets().flatMap((ws) => {
        const state = this.connections.get(ws);
        return state ? [state.connectionId] : [];
      }),
    );
    for (const record of this.clients.attached()) {
      if (!live.has(record.connectionId)) this.clients.detach(record.clientId, record.connectionId, now, null);
    }
  }
}
