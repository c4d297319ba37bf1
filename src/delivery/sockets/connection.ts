/**
 * What one WebSocket needs to survive hibernation, kept in its attachment
 * (small, typed, well under the 16 KiB limit), and the arithmetic that maps a
 * connection's seq numbers onto log positions (see rounds/derivedFrames.ts).
 */
import { FIRST_SEQ } from "../../protocol/limits";
import type { ResendRound } from "../rounds/resendSchedule";

export interface ConnectionState {
  v: 2;
  clientId: string;
  /** Distinguishes this socket from older or newer ones of the same client. */
  connectionId: string;
  basePos: number;
  /** When this socket opened: the first send time of everything replayed on it. */
  connectedAt: number;
  /** Highest seq the client acknowledged (cumulative). FIRST_SEQ − 1 before any. */
  acked: number;
  /** When `acked` last moved (`connectedAt` before): frames the window held back went out then. */
  ackedAt: number;
  /** Recent resend rounds on this socket (at most MAX_SEND_ATTEMPTS of them). */
  resendRounds: ResendRound[];
  /** The browser the socket named (`browser` in its URL), for the head count; absent when it named none. */
  browserId?: string;
}

export function seqOfPos(state: Pick<ConnectionState, "basePos">, pos: number): number {
  return FIRST_SEQ + (pos - state.basePos);
}

export function posOfSeq(state: Pick<ConnectionState, "basePos">, seq: number): number {
  return state.basePos + (seq - FIRST_SEQ);
}

export function messageIdOf(clientId: string, seq: number): string {
  return `${clientId}:${seq}`;
}

type StoredState = ConnectionState | (Omit<ConnectionState, "v" | "ackedAt"> & { v: 1 });

function isStoredState(value: unknown): value is StoredState {
  const v = typeof value === "object" && value !== null ? (value as { v?: unknown }).v : undefined;
  return v === 1 || v === 2;
}

/** Attachments written before the send window (v1) lack `ackedAt`; their sockets survive a deploy. */
function upgrade(state: StoredState): ConnectionState {
  return state.v === 2 ? state : { ...state, v: 2, ackedAt: state.connectedAt };
}

/**
 * Reads and writes attachments through a per-instance cache, so the hot path
 * (a save fanning out) does not deserialize every socket's attachment each time.
 */
export class ConnectionStates {
  private readonly cache = new WeakMap<WebSocket, ConnectionState>();

  get(ws: WebSocket): ConnectionState | null {
    const cached = this.cache.get(ws);
    if (cached) return cached;
    const attached: unknown = ws.deserializeAttachment();
    if (!isStoredState(attached)) return null;
    const state = upgrade(attached);
    this.cache.set(ws, state);
    return state;
  }

  set(ws: WebSocket, state: ConnectionState): void {
    ws.serializeAttachment(state);
    this.cache.set(ws, state);
  }
}
