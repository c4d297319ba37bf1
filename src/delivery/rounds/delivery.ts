/**
 * Delivery to one audience of sockets: where the log ends, each new entry
 * to everyone whose window has room, acknowledgements opening the window,
 * and resend rounds (resendSchedule.ts) for what goes unacknowledged. It
 * reads the log through {@link DeliveryLog} and keeps no copy of any frame:
 * everything a connection is owed follows from the log, its attachment and
 * the window (derivedFrames.ts).
 */
import { ErrorCode } from "../../protocol/errors";
import type { SendWindow } from "../../protocol/frames";
import { CloseCode } from "../../protocol/limits";
import type { LogEntry } from "../../shared/logEntry";
import type { DeliveryLog } from "../log/deliveryLog";
import type { AlarmDuty, AlarmTable } from "../platform/alarms";
import { seqOfPos, type ConnectionState } from "../sockets/connection";
import type { Outbound } from "../sockets/outbound";
import { DerivedFrames } from "./derivedFrames";
import { planRound, type DeliveryTiming } from "./resendSchedule";

/** Where each socket's state is kept (its attachment, in the room). */
export interface StateStore {
  get(ws: WebSocket): ConnectionState | null;
  set(ws: WebSocket, state: ConnectionState): void;
}

export interface DeliveryParts {
  log: DeliveryLog;
  outbound: Outbound;
  states: StateStore;
  config: DeliveryTiming & { sendWindow: SendWindow };
  /** The open sockets with their state, closing ones left out. */
  audience: { open(): Iterable<[WebSocket, ConnectionState]> };
  /** Where the resend rounds' duty is registered (platform/alarms.ts). */
  alarms: AlarmTable;
  /** A connection dropped for leaving frames unacknowledged has its session forgotten. */
  sessions: { forget(clientId: string): void };
}

export class Delivery {
  private readonly frames: DerivedFrames;
  private readonly resend: AlarmDuty;
  /** Position of the newest entry; mirrors the log's so the hot path need not ask it. */
  private position = 0;

  constructor(private readonly parts: DeliveryParts) {
    this.frames = new DerivedFrames(parts.log, parts.outbound, parts.config.sendWindow);
    this.resend = parts.alarms.register("resend", (now) => this.resendRound(now));
  }

  get lastPos(): number {
    return this.position;
  }

  /** Reads where the log ends: once storage is set up, and after a replica catches up. */
  readPosition(): void {
    this.position = this.parts.log.lastPos();
  }

  /** A new entry was written: it goes to every open socket whose window has room. */
  deliver(entry: LogEntry, now: number): void {
    this.position = entry.pos;
    if (this.frames.broadcast(this.parts.audience.open(), entry) > 0) this.resendBy(now);
  }

  /** A connection opened: what it is owed after `state.acked` goes out, as far as the window allows. */
  open(ws: WebSocket, state: ConnectionState, now: number): void {
    this.parts.states.set(ws, state);
    if (this.frames.open(ws, state, this.position) > 0) this.resendBy(now);
  }

  /** The client acknowledged everything up to `seq`. */
  acknowledge(ws: WebSocket, seq: number, now: number): void {
    const state = this.parts.states.get(ws);
    if (!state) return;
    const lastSeq = seqOfPos(state, this.position);
    if (seq > lastSeq) {
      this.parts.outbound.error(ws, ErrorCode.AckOutOfRange, `seq ${seq} was never sent on this connection (last is ${lastSeq})`);
      return;
    }
    if (seq <= state.acked) return;
    const acked = { ...state, acked: seq, ackedAt: now };
    this.parts.states.set(ws, acked);
    if (this.frames.acknowledge(ws, acked, seq, this.position) > 0) this.resendBy(now);
  }

  /**
   * One resend round over every open connection: each waits, gets its
   * unacknowledged frames again, or is dropped. Returns when the next round
   * is due, or null when nothing is unacknowledged.
   */
  resendRound(now: number): number | null {
    let next = Number.POSITIVE_INFINITY;
    const madeAt = new Map<number, number | null>();
    const madeAtOf = (pos: number): number | null => {
      if (!madeAt.has(pos)) madeAt.set(pos, this.parts.log.entryAt(pos));
      return madeAt.get(pos)!;
    };
    for (const [ws, state] of this.parts.audience.open()) {
      const oldest = this.frames.oldestPending(state, this.position, madeAtOf);
      if (oldest === null) continue;
      const sentThrough = this.frames.sentThrough(ws, state, this.position);
      const plan = planRound(oldest, state.resendRounds, now, sentThrough, this.parts.config);
      switch (plan.kind) {
        case "wait":
          next = Math.min(next, plan.dueAt);
          break;
        case "drop":
          this.parts.sessions.forget(state.clientId);
          this.parts.outbound.closeWithBye(ws, CloseCode.AckTimeout, "frames went unacknowledged; reconnect for a fresh snapshot");
          break;
        case "resend":
          this.frames.resendInFlight(ws, state, this.position);
          this.parts.states.set(ws, { ...state, resendRounds: plan.rounds });
          next = Math.min(next, plan.nextRoundAt);
          break;
      }
    }
    return Number.isFinite(next) ? next : null;
  }

  private resendBy(now: number): void {
    this.resend.dueBy(now + this.parts.config.resendIntervalMs);
  }
}
