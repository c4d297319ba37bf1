/**
 * One client's link to the room: connects, resumes after drops, applies
 * frames through the {@link Inbox}, acknowledges in batches and notices a dead
 * connection by heartbeat. It knows nothing of the DOM: the page and the
 * chaos harness drive the same code, each with its own socket factory and
 * clock.
 */
import { parseServerFrame, PING_TEXT, utf8Length, type ServerFrame } from "../../protocol/frames";
import { CloseCode, FIRST_SEQ } from "../../protocol/limits";
import { AckBatch } from "./ackBatch";
import { backoffDelay } from "./backoff";
import { ConnectionAttempts } from "./connectionAttempts";
import { DEFAULT_CLIENT_TIMING, type ClientTiming, type ConnectionStatus, type LiveConnectionOptions, type SocketLike } from "./connectionOptions";
import { Inbox } from "./inbox";
import { isNewerProtocol } from "./versionCheck";

// Importers have always found these here.
export { ackDelayFor, ackDueNow } from "./ackBatch";
export {
  browserScheduler,
  DEFAULT_CLIENT_TIMING,
  type ClientTiming,
  type ConnectionStatus,
  type LiveConnectionOptions,
  type Scheduler,
  type SocketLike,
} from "./connectionOptions";

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
  readonly #acks: AckBatch;
  readonly #attempts = new ConnectionAttempts();
  #socket: SocketLike | null = null;
  #stopped = true;
  #catchingUp = false;
  #status: ConnectionStatus = { state: "connecting" };
  readonly #timers = new Map<Timer, unknown>();
  /** When the "dead" timer gives the socket up. */
  #deadAt = 0;

  readonly #options: LiveConnectionOptions;

  constructor(options: LiveConnectionOptions) {
    this.#options = options;
    this.#timing = { ...DEFAULT_CLIENT_TIMING, ...options.timing };
    this.#acks = new AckBatch(this.#timing.ackDelayMs);
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
      this.suspect();
    }
  }

  /**
   * There is reason to doubt the link (the network went, a request failed):
   * ping it, and give it up if no answer comes within the short
   * `checkTimeoutMs`. A socket still opening keeps its own, longer, patience.
   */
  suspect(): void {
    if (this.#socket !== null && this.#status.state !== "connecting") this.#ping(this.#timing.checkTimeoutMs);
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
    const socket = this.#options.createSocket(this.#attempts.nextUrl(this.#options.socketUrl, this.inbox.lastApplied));
    this.#socket = socket;
    // A server that accepts the connection and never answers must not leave us "connecting" forever.
    this.#expectAnswer(this.#timing.connectTimeoutMs * 2 ** Math.min(this.#attempts.failuresInARow, 2));
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

  #onText(text: string): void {
    this.#clearTimer("dead");
    const parsed = parseServerFrame(text);
    if (!parsed.ok) {
      // A newer protocol may shape its welcome differently; its version alone is enough to stop.
      const protocol = newerProtocolWelcomed(text);
      if (protocol !== null) this.#becomeOutdated(protocol);
      return;
    }
    if ("seq" in parsed.frame && parsed.frame.type !== "welcome") this.#acks.received(utf8Length(text));
    this.#onFrame(parsed.frame);
  }

  #onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case "welcome":
        if (isNewerProtocol(frame.protocol)) {
          this.#becomeOutdated(frame.protocol);
          return;
        }
        this.#attempts.welcomed(frame.resumeToken, frame.resumed);
        this.#acks.welcomed(frame.window, frame.resendIntervalMs);
        this.#options.onTitle?.(frame.title);
        this.inbox.begin(frame);
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
        if (applied.length > 0) this.#options.onApplied(applied);
        this.#scheduleAck();
        this.#updateLiveness();
        return;
      }
      case "pong":
        this.#catchingUp = false;
        this.#updateLiveness();
        return;
      case "error":
        this.#options.onServerError?.(frame);
        return;
      case "bye":
        this.#onBye(frame.code);
        return;
      case "presence":
        this.#options.onPresence?.(frame.count);
        return;
      case "renamed":
        this.#options.onTitle?.(frame.title);
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
    if (code === CloseCode.AckTimeout) this.#attempts.forgetSession();
    if (this.#stopped) return;
    const delay = backoffDelay(this.#attempts.failed(), () => this.#options.scheduler.random());
    this.#setStatus({ state: "down", retryAt: this.#options.scheduler.now() + delay });
    this.#setTimer("retry", delay, () => this.#connect());
  }

  /** Acks wait to be batched, but not once half the send window is outstanding: the server would stall. */
  #scheduleAck(): void {
    if (this.#acks.dueNow) {
      this.#clearTimer("ack");
      this.#sendAck();
      return;
    }
    if (this.#timers.has("ack")) return;
    this.#setTimer("ack", this.#acks.delayMs, () => this.#sendAck());
  }

  #sendAck(): void {
    const seq = this.inbox.lastApplied;
    if (seq < FIRST_SEQ) return;
    this.#acks.acked();
    this.#sendText(JSON.stringify({ type: "ack", seq }));
  }

  /** Pings, unless an answer is already awaited within `deadlineMs`; no answer by then and the socket is given up. */
  #ping(deadlineMs = this.#timing.pongTimeoutMs): void {
    this.#schedulePing();
    if (this.#timers.has("dead") && this.#deadAt <= this.#options.scheduler.now() + deadlineMs) return;
    this.#sendText(PING_TEXT);
    this.#expectAnswer(deadlineMs);
  }

  #expectAnswer(withinMs: number): void {
    this.#deadAt = this.#options.scheduler.now() + withinMs;
    this.#setTimer("dead", withinMs, () => this.abandonSocket());
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
    this.#options.onStatus(status);
  }

  #setTimer(name: Timer, ms: number, callback: () => void): void {
    this.#clearTimer(name);
    this.#timers.set(
      name,
      this.#options.scheduler.setTimeout(() => {
        this.#timers.delete(name);
        callback();
      }, ms),
    );
  }

  #clearTimer(name: Timer): void {
    const handle = this.#timers.get(name);
    if (handle !== undefined) this.#options.scheduler.clearTimeout(handle);
    this.#timers.delete(name);
  }
}
