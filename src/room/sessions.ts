/**
 * Client sessions across connections: registering a fresh client, resuming
 * one by its token, and noticing when a connection is gone. A client has one
 * live connection at a time; the SQL row says which.
 */
import { CloseCode } from "../protocol/limits";
import type { ClientRecord, ClientStore } from "./clientStore";
import { seqOfPos, type ConnectionStates } from "./connection";

export class Sessions {
  constructor(
    private readonly clients: ClientStore,
    private readonly ctx: DurableObjectState,
    private readonly connections: ConnectionStates,
    private readonly resumeWindowMs: number,
  ) {}

  /**
   * Resumes the client holding this token, if it may: the token is known, its
   * window has not run out and `last` names a frame that exists. A socket the
   * client still has open is closed, since a client has one connection.
   */
  resume(tokenHash: string, last: number, now: number, lastPos: number): ClientRecord | null {
    const record = this.clients.findByTokenHash(tokenHash);
    if (!record) return null;
    if (record.disconnectedAt !== null && now - record.disconnectedAt > this.resumeWindowMs) {
      this.clients.forget(record.clientId);
      return null;
    }
    if (last > seqOfPos(record, lastPos)) return null;
    for (const old of this.ctx.getWebSockets(record.clientId)) {
      old.close(CloseCode.Superseded, "this client resumed on a newer connection");
    }
    const connectionId = crypto.randomUUID();
    this.clients.attach(record.clientId, connectionId);
    return { ...record, connectionId, disconnectedAt: null };
  }

  /** A new client whose snapshot covers the log up to `lastPos`. */
  register(tokenHash: string, now: number, lastPos: number): ClientRecord {
    this.clients.forgetDisconnectedBefore(now - this.resumeWindowMs);
    const record = { clientId: crypto.randomUUID(), basePos: lastPos, connectionId: crypto.randomUUID() };
    this.clients.create(record, tokenHash, now);
    return { ...record, disconnectedAt: null };
  }

  /** The socket closed: its client may resume within the window. */
  detach(ws: WebSocket, now: number): void {
    const state = this.connections.get(ws);
    if (state) this.clients.detach(state.clientId, state.connectionId, now);
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
      if (!live.has(record.connectionId)) this.clients.detach(record.clientId, record.connectionId, now);
    }
  }
}
