/**
 * How far behind the room is, measured from outside by a plain WebSocket
 * client that is not one of the simulated pages:
 * - room lag: every `everyMs` it sends a ping spelled differently from the
 *   canonical text (so the platform does not answer it for the room and the
 *   room's own message handler must), and times the pong. Acks wait in the
 *   same queue, so a slow pong means acks were slow to be read too.
 * - resend lateness: it acknowledges each frame only once a resend of it
 *   arrives, so every resend round of the room shows up here, and how long
 *   after its due time (one interval after its oldest frame was sent) it came.
 *   With two sends per frame it stays well clear of MAX_SEND_ATTEMPTS.
 */
import WebSocket from "ws";
import type { History, RoomLag } from "./history";

/** Not PING_TEXT: the extra space keeps the platform's auto-response out of it. */
const ROOM_PING_TEXT = '{"type": "ping"}';
const RECONNECT_MS = 500;
const ACK_BATCH_MS = 20;

export class LatencyProbe {
  private socket: WebSocket | null = null;
  /** The ping waiting for its pong, if any: its `ms` grows until the pong comes. */
  private pending: RoomLag | null = null;
  private readonly firstArrival = new Map<number, number>();
  private ackThrough = 0;
  private ackTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly wsUrl: string,
    private readonly history: History,
    private readonly resendIntervalMs: number,
    private readonly everyMs = 200,
  ) {}

  start(): void {
    this.connect();
    this.timers.push(setInterval(() => this.ping(), this.everyMs));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.socket?.terminate();
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.wsUrl);
    this.socket = socket;
    this.pending = null;
    this.firstArrival.clear();
    this.ackThrough = 0;
    socket.on("message", (data) => this.onText(data.toString()));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.timers.push(setTimeout(() => this.connect(), RECONNECT_MS));
    });
  }

  private onText(text: string): void {
    const frame = JSON.parse(text) as { type?: unknown; seq?: unknown };
    if (frame.type === "pong" && this.pending !== null) {
      this.pending.ms = Date.now() - this.pending.at;
      this.pending = null;
    } else if ((frame.type === "item" || frame.type === "snapshot") && typeof frame.seq === "number") {
      this.onSequenced(frame.seq);
    }
  }

  private onSequenced(seq: number): void {
    const now = Date.now();
    const first = this.firstArrival.get(seq);
    if (first === undefined) {
      this.firstArrival.set(seq, now);
      return;
    }
    // A round resends from the oldest unacknowledged frame up and is due one interval after that frame
    // was sent: its lateness is the oldest frame's. The others in the round merely go out early.
    if (seq === Math.min(...this.firstArrival.keys())) {
      this.history.resendLateness.push({ at: first, ms: now - first - this.resendIntervalMs });
    }
    for (const known of this.firstArrival.keys()) if (known <= seq) this.firstArrival.delete(known);
    // Everything below was resent in this round or acknowledged before it. One ack per round, not per
    // frame: the room limits frames per connection.
    this.ackThrough = Math.max(this.ackThrough, seq);
    this.ackTimer ??= setTimeout(() => {
      this.ackTimer = null;
      if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: "ack", seq: this.ackThrough }));
    }, ACK_BATCH_MS);
  }

  private ping(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    // A pong still owed counts as lag so far, so a room that stops answering shows up too.
    if (this.pending !== null) {
      this.pending.ms = Date.now() - this.pending.at;
      return;
    }
    this.pending = { at: Date.now(), ms: 0 };
    this.history.roomLag.push(this.pending);
    socket.send(ROOM_PING_TEXT);
  }
}
