/**
 * Delivery in plain Node: the real {@link Delivery} over the in-memory log,
 * with sockets that keep what was sent to them. Only the platform's part
 * (the socket and its attachment) is stood in for; every rule under test is
 * the code the room runs.
 */
import { parseServerFrame, type ServerFrame } from "../../src/protocol/frames";
import { FIRST_SEQ } from "../../src/protocol/limits";
import type { ConnectionState } from "../../src/delivery/sockets/connection";
import { Delivery } from "../../src/delivery/rounds/delivery";
import { MemoryLog } from "../../src/delivery/log/memoryLog";
import { Outbound } from "../../src/delivery/sockets/outbound";
import { emptyUsage } from "../../src/delivery/platform/usage";

/** A socket that records its frames and whether the server closed it. */
export class RecordingSocket {
  readonly sent: ServerFrame[] = [];
  closedWith: number | null = null;

  send(text: string): void {
    if (this.closedWith !== null) throw new Error("send on a closed socket");
    const parsed = parseServerFrame(text);
    if (!parsed.ok) throw new Error(`the server sent a bad frame: ${text}`);
    this.sent.push(parsed.frame);
  }

  close(code: number): void {
    this.closedWith = code;
  }

  /** The frames sent since the last call. */
  take(): ServerFrame[] {
    return this.sent.splice(0);
  }
}

export const TIMING = { resendIntervalMs: 1_000, maxSendAttempts: 3 };

export function deliveryOver(log: MemoryLog, window = { frames: 32, bytes: 128 * 1024 }) {
  const states = new Map<WebSocket, ConnectionState>();
  const resendsAskedFor: number[] = [];
  const forgotten: string[] = [];
  const parts = {
    log,
    outbound: new Outbound(emptyUsage()),
    states: { get: (ws: WebSocket) => states.get(ws) ?? null, set: (ws: WebSocket, state: ConnectionState) => void states.set(ws, state) },
    config: { ...TIMING, sendWindow: window },
    audience: {
      *open(): Generator<[WebSocket, ConnectionState]> {
        for (const [ws, state] of states) if ((ws as unknown as RecordingSocket).closedWith === null) yield [ws, state];
      },
    },
    // The one alarm, as far as delivery uses it: its resend duty records each time it is asked for.
    alarms: { register: () => ({ dueBy: (at: number) => void resendsAskedFor.push(at) }) },
    sessions: { forget: (clientId: string) => void forgotten.push(clientId) },
  };
  const delivery = new Delivery(parts);
  delivery.readPosition();
  let clients = 0;
  return {
    delivery,
    states,
    resendsAskedFor,
    forgotten,
    /** A fresh client at `now`: its snapshot covers the log as it is. */
    connect(now = 0): RecordingSocket {
      const socket = new RecordingSocket();
      const state: ConnectionState = {
        v: 2,
        clientId: `client-${++clients}`,
        connectionId: `connection-${clients}`,
        basePos: delivery.lastPos,
        connectedAt: now,
        acked: FIRST_SEQ - 1,
        ackedAt: now,
        resendRounds: [],
      };
      delivery.open(socket as unknown as WebSocket, state, now);
      return socket;
    },
    /** The same delivery rules in a new instance over the same log and attachments, as after a wake. */
    woken() {
      const again = new Delivery(parts);
      again.readPosition();
      return again;
    },
    save(title: string, now = 0) {
      const entry = log.save(title, "", now);
      delivery.deliver(entry, now);
      return entry;
    },
  };
}

export function ws(socket: RecordingSocket): WebSocket {
  return socket as unknown as WebSocket;
}
