/**
 * What one WebSocket needs to survive hibernation, kept in its attachment
 * (small, typed, well under the 16 KiB limit), and the arithmetic that maps a
 * connection's seq numbers onto log positions (see derivedFrames.ts).
 */
import { FIRST_SEQ } from "../protocol/limits";
import type { ResendRound } from "./resendSchedule";

export interface ConnectionState {
  v: 1;
  clientId: string;
  /** Distinguishes this socket from older or newer ones of the same client. */
  connectionId: string;
  basePos: number;
  /** When this socket opened: the first send time of everything replayed on it. */
  connectedAt: number;
  /** Highest seq the client acknowledged (cumulative). FIRST_SEQ − 1 before any. */
  acked: number;
  /** Recent resend rounds on this socket (at most MAX_SEND_ATTEMPTS of them). */
  resendRounds: ResendRound[];
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

function isConnectionState(value: unknown): value is ConnectionState {
  return typeof value === "object" && value !== null && (value as { v?: unknown }).v === 1;
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
    if (!isConnectionState(attached)) return null;
    this.cache.set(ws, attached);
    return attached;
  }

  set(ws: WebSocket, state: ConnectionState): void {
    ws.serializeAttachment(state);
    this.cache.set(ws, state);
  }
}
