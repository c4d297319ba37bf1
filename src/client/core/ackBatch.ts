/**
 * When a client acknowledges what it received. Each ack is a message the room
 * is billed for, so acks are batched: one goes out when its timer fires, or at
 * once when half the send window is outstanding, since the server stalls when
 * the window is full.
 */
import { SEND_WINDOW_BYTES, SEND_WINDOW_FRAMES } from "../../protocol/limits";
import type { SendWindow } from "../../protocol/frames";

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

/** The frames received since the last ack, against the window the welcome announced. */
export class AckBatch {
  #window: SendWindow = { frames: SEND_WINDOW_FRAMES, bytes: SEND_WINDOW_BYTES };
  #unacked = { frames: 0, bytes: 0 };
  #delayMs: number;

  readonly #capMs: number;

  constructor(capMs: number) {
    this.#capMs = capMs;
    this.#delayMs = capMs;
  }

  /** The longest an ack waits on its timer. */
  get delayMs(): number {
    return this.#delayMs;
  }

  get dueNow(): boolean {
    return ackDueNow(this.#unacked, this.#window);
  }

  /** A welcome starts a connection afresh: its window, and a wait well inside its resend interval. */
  welcomed(window: SendWindow, resendIntervalMs: number): void {
    this.#window = window;
    this.#unacked = { frames: 0, bytes: 0 };
    this.#delayMs = ackDelayFor(resendIntervalMs, this.#capMs);
  }

  received(bytes: number): void {
    this.#unacked.frames++;
    this.#unacked.bytes += bytes;
  }

  acked(): void {
    this.#unacked = { frames: 0, bytes: 0 };
  }
}
