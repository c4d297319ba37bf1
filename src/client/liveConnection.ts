/**
 * One client's link to the room: connects, resumes after drops, applies
 * frames through the {@link Inbox}, acknowledges in batches and notices a dead
 * connection by heartbeat. It knows nothing of the DOM: the page and the
 * chaos harness drive the same code, each with its own socket factory and
 * clock.
 */
import { parseServerFrame, PING_TEXT, utf8Length, type ErrorFrame, type SendWindow, type ServerFrame } from "../protocol/frames";
import {
  ATTEMPT_PARAM,
  CloseCode,
  FIRST_SEQ,
  LAST_SEQ_PARAM,
  RESUME_TOKEN_PARAM,
  SEND_WINDOW_BYTES,
  SEND_WINDOW_FRAMES,
} from "../protocol/limits";
import { backoffDelay } from "./backoff";
import { Inbox, type Applied } from "./inbox";
import { isNewerProtocol } from "./offline/versionCheck";

/** The part of the WebSocket API used here; browsers' and Node's sockets both fit. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "error", listener: () => void): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { code: number }) => void): void;
}

export interface Scheduler {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
  /** A number in [0, 1). */
  random(): number;
}

export const browserScheduler: Scheduler = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
  random: () => Math.random(),
};

export type ConnectionStatus =
  | { state: "connecting" }
  | { state: "catching-up" }
  | { state: "live" }
  | { state: "down"; retryAt: number }
  /** The server speaks a newer protocol (`protocol`) than this code: it has stopped for good, a reload is due. */
  | { state: "outdated"; protocol: number };

export interface ClientTiming {
  /**
   * The longest acks wait to be batched. Each ack is a message the room is
   * billed for, so a burst costs one; the wait shrinks to a fifth of the
   * server's resend interval when that is shorter.
   */
  ackDelayMs: number;
  pingIntervalMs: number;
  /** A connection silent this long after a ping is taken for dead. */
  pongTimeoutMs: number;
  /**
   * A socket that has not said welcome this long after it was opened is given
   * up. Each failed try in a row doubles it (up to four times), so a room too
   * busy to answer in time is not also handed a retry storm.
   */
  connectTimeoutMs: number;
}

export const DEFAULT_CLIENT_TIMING: ClientTiming = {
  ackDelayMs: 5_000,
  pingIntervalMs: 20_000,
  pongTimeoutMs: 8_000,
  connectTimeoutMs: 10_000,
};

/**
 * Whether an ack must go out now rather than on its timer: half the send
 * window (in frames or bytes) is outstanding, so the server is about to stall.
 */
export function ackDueNow(unacked: { frames: number; bytes: number }, window: SendWindow): boolean {
  return unacked.frames * 2 >= window.frames || unacked.bytes * 2 >= window.bytes;
}

/** How long to batch acks, given the server's resend interval: well inside it, never longer than the cap. */
export function ackDelayFor(resendIntervalMs: number, capMs: number): number {
  return Math.max(1, Math.min(capMs, Math.floor(resendIntervalMs / 5)));
}

export interface LiveConnectionOptions {
  /** `ws://host/ws` or `wss://host/ws`. */
  socketUrl: string;
  createSocket(url: string): SocketLike;
  scheduler: Scheduler;
  onApplied(applied: Applied[]): void;
  onStatus(status: ConnectionStatus): void;
  onServerError?(frame: ErrorFrame): void;
  /** How many connections the list has open, this one included; sent by the server when it changes. */
  onPresence?(count: number): void;
  timing?: Partial<ClientTiming>;
}

type Timer = "retry" | "ack" | "ping" | "dead";

/** The protocol of a welcome newer than this code's, however else it is shaped; null for anything else. */
function newerProtocolWelcomed(text: string): number | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || (value as { type?: unknown }).type !== "welcome") return null;
    const protocol = (value as { protocol?: unknown }).protocol;
    return isNewerProtocol(protocol) ? (protocol as number) : null;
  } catch {
    return null;
  }
}

export class LiveConnection {
  readonly inbox = new Inbox();
  readonly #timing: ClientTiming;
  #ackDelayMs: number;
  #socket: SocketLike | null = null;
  #resumeToken: string | null = null;
  /** Connection attempts of this session, sent with each resume so a late, older one cannot win. */
  #sessionAttempt = 0;
  /** Failed tries in a row, for the backoff. */
  #attempt = 0;
  #window: SendWindow = { frames: SEND_WINDOW_FRAMES, bytes: SEND_WINDOW_BYTES };
  /** Frames (and their bytes) received since the last ack went out. */
  #unacked = { frames: 0, bytes: 0 };
  #stopped = true;
  #catchingUp = false;
  #status: ConnectionStatus = { state: "connecting" };
  readonly #timers = new Map<Timer, unknown>();

  constructor(private readonly options: LiveConnectionOptions) {
    this.#timing = { ...DEFAULT_CLIENT_TIMING, ...options.timing };
    this.#ackDelayMs = this.#timing.ackDelayMs;
  }

  get currentStatus(): ConnectionStatus {
    return this.#status;
  }

  start(): void {
    this.#stopped = false;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    for (const name of [...this.#timers.keys()]) this.#clearTimer(name);
    this.#socket?.close(1000, "client stopped");
    this.#socket = null;
  }

  /** The network looks back (or the tab is visible again): try now, or check the link is alive. */
  checkNow(): void {
    if (this.#stopped) return;
    if (this.#socket === null) {
      this.#clearTimer("retry");
      this.#connect();
    } else {
      this.#ping();
    }
  }

  /** Drops the socket as if the network had failed (used by the fault harness and the heartbeat). */
  abandonSocket(): void {
    const socket = this.#socket;
    if (!socket) return;
    this.#socket = null;
    socket.close(4000, "abandoned");
    this.#afterClose(0);
  }

  #connect(): void {
    this.#setStatus({ state: "connecting" });
    const url = this.#resumeToken === null ? this.options.socketUrl : this.#resumeUrl(this.#resumeToken, ++this.#sessionAttempt);
    const socket = this.options.createSocket(url);
    this.#socket = socket;
    // A server that accepts the connection and never answers must not leave us "connecting" forever.
    const patience = this.#timing.connectTimeoutMs * 2 ** Math.min(this.#attempt, 2);
    this.#setTimer("dead", patience, () => this.abandonSocket());
    const isCurrent = () => this.#socket === socket;
    socket.addEventListener("message", (event) => {
      if (isCurrent() && typeof event.data === "string") this.#onText(event.data);
    });
    socket.addEventListener("close", (event) => {
      if (!isCurrent()) return;
      this.#socket = null;
      this.#afterClose(event.code);
    });
    socket.addEventListener("open", () => {
      if (isCurrent()) this.#schedulePing();
    });
  }

  #resumeUrl(token: string, attempt: number): string {
    const query =
      `${RESUME_TOKEN_PARAM}=${encodeURIComponent(token)}&${LAST_SEQ_PARAM}=${this.inbox.lastApplied}` +
      `&${ATTEMPT_PARAM}=${attempt}`;
    return `${this.options.socketUrl}?${query}`;
  }

  #onText(text: string): void {
    this.#clearTimer("dead");
    const parsed = parseServerFrame(text);
    if (!parsed.ok) {
      // A newer protocol may shape its welcome differently; its version alone is enough to stop.
      const protocol = newerProtocolWelcomed(text);
      if (protocol !== null) this.#becomeOutdated(protocol);
      return;
    }
    if ("seq" in parsed.frame && parsed.frame.type !== "welcome") {
      this.#unacked.frames++;
      this.#unacked.bytes += utf8Length(text);
    }
    this.#onFrame(parsed.frame);
  }

  #onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case "welcome":
        if (isNewerProtocol(frame.protocol)) {
          this.#becomeOutdated(frame.protocol);
          return;
        }
        // The token rotates on every welcome; a fresh session's first connection is its attempt 1.
        this.#resumeToken = frame.resumeToken;
        if (!frame.resumed) this.#sessionAttempt = 1;
        this.#window = frame.window;
        this.#unacked = { frames: 0, bytes: 0 };
        this.#ackDelayMs = ackDelayFor(frame.resendIntervalMs, this.#timing.ackDelayMs);
        this.inbox.begin(frame);
        this.#attempt = 0;
        this.#catchingUp = true;
        this.#setStatus({ state: "catching-up" });
        // The server sends everything owed before it reads our ping, so its
        // pong marks the end of the catch-up.
        this.#ping();
        return;
      case "snapshot":
      case "item":
      case "edited":
      case "removed": {
        const applied = this.inbox.receive(frame);
        if (applied.length > 0) this.options.onApplied(applied);
        this.#scheduleAck();
        this.#updateLiveness();
        return;
      }
      case "pong":
        this.#catchingUp = false;
        this.#updateLiveness();
        return;
      case "error":
        this.options.onServerError?.(frame);
        return;
      case "bye":
        this.#onBye(frame.code);
        return;
      case "presence":
        this.options.onPresence?.(frame.count);
        return;
    }
  }

  /** The server speaks a newer protocol than this page: stop for good rather than misread it. */
  #becomeOutdated(protocol: number): void {
    this.stop();
    this.#setStatus({ state: "outdated", protocol });
  }

  /** The server is closing this connection: act now rather than when the close itself arrives. */
  #onBye(code: number): void {
    const socket = this.#socket;
    if (!socket) return;
    this.#socket = null;
    try {
      socket.close(1000, "bye");
    } catch {
      // Already closing.
    }
    this.#afterClose(code);
  }

  #updateLiveness(): void {
    if (!this.#catchingUp && this.inbox.heldCount === 0 && this.#status.state === "catching-up") {
      this.#setStatus({ state: "live" });
    }
  }

  #afterClose(code: number): void {
    for (const name of ["ack", "ping", "dead"] as const) this.#clearTimer(name);
    // A dropped client's session is gone; ask for a fresh one.
    if (code === CloseCode.AckTimeout) this.#resumeToken = null;
    if (this.#stopped) return;
    const delay = backoffDelay(this.#attempt++, () => this.options.scheduler.random());
    this.#setStatus({ state: "down", retryAt: this.options.scheduler.now() + delay });
    this.#setTimer("retry", delay, () => this.#connect());
  }

  /** Acks wait to be batched, but not once half the send window is outstanding: the server would stall. */
  #scheduleAck(): void {
    if (ackDueNow(this.#unacked, this.#window)) {
      this.#clearTimer("ack");
      this.#sendAck();
      return;
    }
    if (this.#timers.has("ack")) return;
    this.#setTimer("ack", this.#ackDelayMs, () => this.#sendAck());
  }

  #sendAck(): void {
    const seq = this.inbox.lastApplied;
    if (seq < FIRST_SEQ) return;
    this.#unacked = { frames: 0, bytes: 0 };
    this.#sendText(JSON.stringify({ type: "ack", seq }));
  }

  #ping(): void {
    this.#sendText(PING_TEXT);
    if (!this.#timers.has("dead")) this.#setTimer("dead", this.#timing.pongTimeoutMs, () => this.abandonSocket());
    this.#schedulePing();
  }

  #schedulePing(): void {
    this.#clearTimer("ping");
    this.#setTimer("ping", this.#timing.pingIntervalMs, () => this.#ping());
  }

  #sendText(text: string): void {
    try {
      this.#socket?.send(text);
    } catch {
      // Not open yet or already closing; the close handler takes over.
    }
  }

  #setStatus(status: ConnectionStatus): void {
    this.#status = status;
    this.options.onStatus(status);
  }

  #setTimer(name: Timer, ms: number, callback: () => void): void {
    this.#clearTimer(name);
    this.#timers.set(
      name,
      this.options.scheduler.setTimeout(() => {
        this.#timers.delete(name);
        callback();
      }, ms),
    );
  }

  #clearTimer(name: Timer): void {
    const handle = this.#timers.get(name);
    if (handle !== undefined) this.options.scheduler.clearTimeout(handle);
    this.#timers.delete(name);
  }
}
