/**
 * WebSocket clients for the e2e tests whose frames can be awaited one by one:
 * `next()` takes the oldest unread frame or waits for it, every wait bounded
 * and named (tools/harness/wait.ts). Node's own WebSocket; 127.0.0.1 only.
 */
import { waitFor } from "../../tools/harness/wait";

export const FRAME_TIMEOUT_MS = 3_000;
/** A closing handshake we start; generous, since it is not what the tests measure. */
const CLOSE_TIMEOUT_MS = 10_000;
/** How often a wait asks whether its frame (or close) is there. */
const FRAME_POLL_MS = 5;

function isPresence(frame: unknown): frame is { type: "presence"; count: number } {
  return typeof frame === "object" && frame !== null && (frame as { type?: unknown }).type === "presence";
}

export interface Closed {
  code: number;
  reason: string;
}

/**
 * A WebSocket whose text frames queue up as parsed JSON. `next()` takes the
 * oldest unread frame or waits for one; it rejects on timeout, or when the
 * socket closes with nothing left to read.
 */
export class FrameQueue {
  private readonly frames: unknown[] = [];
  private closedWith: Closed | null = null;
  private failure: string | null = null;
  /** Every frame received, read or not, in order (head counts aside). */
  readonly received: unknown[] = [];
  /** Head counts heard, kept apart from the other frames: presence is not what these tests are about. */
  readonly presence: number[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (event) => {
      let frame: unknown;
      try {
        frame = JSON.parse(String(event.data));
      } catch {
        this.failure = `server sent a frame that is not JSON: ${String(event.data).slice(0, 200)}`;
        frame = undefined;
      }
      if (isPresence(frame)) {
        this.presence.push(frame.count);
      } else if (frame !== undefined) {
        this.frames.push(frame);
        this.received.push(frame);
      }
    });
    ws.addEventListener("close", (event) => {
      this.closedWith = { code: event.code, reason: event.reason };
    });
  }

  /** Opens a socket to `url` and resolves once it is open (listening from the start, so no frame is missed). */
  static open(url: string, timeoutMs = FRAME_TIMEOUT_MS): Promise<FrameQueue> {
    const ws = new WebSocket(url);
    const queue = new FrameQueue(ws);
    return new Promise((resolveOpen, reject) => {
      const timer = setTimeout(() => {
        ws.close();
        reject(new Error(`WebSocket to ${url} did not open within ${timeoutMs} ms`));
      }, timeoutMs);
      ws.addEventListener("open", () => {
        clearTimeout(timer);
        resolveOpen(queue);
      });
      ws.addEventListener("error", () => {
        clearTimeout(timer);
        reject(new Error(`WebSocket to ${url} failed to open`));
      });
    });
  }

  get closed(): Closed | null {
    return this.closedWith;
  }

  /** Frames that arrived and have not been read with `next()`. */
  get unread(): readonly unknown[] {
    return this.frames;
  }

  /** Resolves when `ready()` holds; rejects naming `what` after `timeoutMs`, or at once on a frame that is not JSON. */
  private until(ready: () => boolean, what: string, timeoutMs: number): Promise<void> {
    return waitFor(
      () => {
        if (this.failure !== null) throw new Error(this.failure);
        return ready();
      },
      { what, timeoutMs, pollMs: FRAME_POLL_MS },
    );
  }

  /** The next frame, parsed. */
  async next<T = Record<string, unknown>>(timeoutMs = FRAME_TIMEOUT_MS): Promise<T> {
    await this.until(() => this.frames.length > 0 || this.closedWith !== null, "a frame", timeoutMs);
    if (this.frames.length === 0) {
      const { code, reason } = this.closedWith!;
      throw new Error(`socket closed (${code} ${JSON.stringify(reason)}) while waiting for a frame`);
    }
    return this.frames.shift() as T;
  }

  /** The next frame, which must have the given `type`. */
  async nextOfType<T extends { type: string }>(type: T["type"], timeoutMs = FRAME_TIMEOUT_MS): Promise<T> {
    const frame = await this.next<T>(timeoutMs);
    if (frame.type !== type) throw new Error(`expected a ${type} frame, got ${JSON.stringify(frame)}`);
    return frame;
  }

  /** Resolves with the close code and reason once the socket has closed. */
  async waitForClose(timeoutMs = FRAME_TIMEOUT_MS): Promise<Closed> {
    await this.until(() => this.closedWith !== null, "the socket to close", timeoutMs);
    return this.closedWith!;
  }

  /**
   * Resolves once the server's Close frame has arrived, i.e. the socket is
   * CLOSING or CLOSED. The WebSocket API fires no event for that moment (its
   * `close` event waits for the TCP connection to end), so this asks
   * `readyState`.
   */
  waitForClosing(timeoutMs = FRAME_TIMEOUT_MS): Promise<void> {
    return this.until(() => this.ws.readyState !== WebSocket.OPEN, "the server's Close frame", timeoutMs);
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  ack(seq: number): void {
    this.send({ type: "ack", seq });
  }

  /** Closes from our side and waits for the closing handshake to finish. */
  async close(code = 1000, reason = "", timeoutMs = CLOSE_TIMEOUT_MS): Promise<Closed> {
    if (this.closedWith === null && this.ws.readyState !== WebSocket.CLOSING) this.ws.close(code, reason);
    return this.waitForClose(timeoutMs);
  }
}
