/**
 * What a {@link LiveConnection} is built with and tells its host: the socket
 * and the clock it is handed (the page's, or the chaos harness's own), its
 * timing, and the statuses it reports. Nothing here touches the DOM.
 */
import type { ErrorFrame } from "../../protocol/frames";
import type { Applied } from "./inbox";
import type { LiveConnection } from "./liveConnection";

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
   * The shorter wait for a pong when there is reason to suspect the link
   * (the network went, the tab came back, a request failed): a dead socket
   * is then found in about this long, not in a ping interval and a pong timeout.
   */
  checkTimeoutMs: number;
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
  checkTimeoutMs: 2_000,
  connectTimeoutMs: 10_000,
};

// Where the bench and the tests have always found them.
export { ackDelayFor, ackDueNow } from "./ackBatch";

export interface LiveConnectionOptions {
  /** `ws://host/ws` or `wss://host/ws`, perhaps with a query of its own (`?browser=…`). */
  socketUrl: string;
  createSocket(url: string): SocketLike;
  scheduler: Scheduler;
  onApplied(applied: Applied[]): void;
  onStatus(status: ConnectionStatus): void;
  onServerError?(frame: ErrorFrame): void;
  /** How many browsers have the list open, this one included; sent by the server when it changes. */
  onPresence?(count: number): void;
  /** The list's title: from every welcome, and at once when the list is renamed. */
  onTitle?(title: string): void;
  timing?: Partial<ClientTiming>;
}
