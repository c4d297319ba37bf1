/**
 * How a load-generator client speaks to each system. Every protocol turns an
 * incoming text frame into at most one item receipt, keeps the order number
 * the server stamped on it (Listroom's per-connection `seq`, the others'
 * global `pos`) and answers the way that system's real client would:
 *
 * - listroom: the catch-up ping after the welcome, and cumulative
 *   `{"type":"ack","seq":N}` batched for as long as the page batches them
 *   (`ackDelayFor` in src/client/core/liveConnection.ts, from the welcome's
 *   `resendIntervalMs`), and sent at once when half the welcome's send
 *   window is outstanding, as the page does (`ackDueNow` in src/client/core/liveConnection.ts);
 * - socketio: Engine.IO v4 / Socket.IO v5 packets spoken directly over `ws`
 *   (so the load generator costs the same per frame for every system), with
 *   `43<id>[]` for each acknowledgement request, as socket.io-client does;
 * - bare-acking: the bare room's frames, acknowledged as the page
 *   acknowledges Listroom's (the same batching and the same window, with the
 *   room's global `pos` in place of `seq`): the fair floor for delivery;
 * - bare and ws: nothing to answer.
 */
import { ackDelayFor, DEFAULT_CLIENT_TIMING } from "../../../src/client/core/liveConnection";
import { PING_TEXT, type SendWindow } from "../../../src/protocol/frames";
import { SEND_WINDOW_BYTES, SEND_WINDOW_FRAMES } from "../../../src/protocol/limits";

export type ProtocolName = "listroom" | "bare" | "bare-acking" | "socketio" | "ws";

/** The window a Listroom client assumes until its welcome names one. */
export const DEFAULT_SEND_WINDOW: SendWindow = { frames: SEND_WINDOW_FRAMES, bytes: SEND_WINDOW_BYTES };


/** The page's ack batching before a welcome says otherwise: its cap. */
export const PAGE_ACK_DELAY_CAP_MS = DEFAULT_CLIENT_TIMING.ackDelayMs;

export interface Receipt {
  title: string;
  /** seq (listroom) or pos (others); null when the frame carries none. */
  order: number | null;
}

export interface FrameOutcome {
  receipt: Receipt | null;
  /** The connection finished its handshake with this frame. */
  ready: boolean;
  /** Frames to send back at once. */
  replies: string[];
  /** Listroom and bare-acking: the highest sequenced frame received, so an ack is due. */
  sequenced: number | null;
  /** Listroom only: from a welcome, how long the page would batch acks on this connection. */
  ackDelayMs: number | null;
  /** Listroom only: from a welcome, the connection's send window. */
  window: SendWindow | null;
}

const NOTHING: FrameOutcome = { receipt: null, ready: false, replies: [], sequenced: null, ackDelayMs: null, window: null };

export function socketPath(protocol: ProtocolName): string {
  return protocol === "socketio" ? "/socket.io/?EIO=4&transport=websocket" : "/ws";
}

/** Clients of these systems are ready as soon as the socket opens. */
export function readyOnOpen(protocol: ProtocolName): boolean {
  return protocol === "bare" || protocol === "bare-acking" || protocol === "ws";
}

function titleOf(item: unknown): string | null {
  if (typeof item !== "object" || item === null) return null;
  const title = (item as { title?: unknown }).title;
  return typeof title === "string" ? title : null;
}

function numberOr(value: unknown, fallback: number | null): number | null {
  return typeof value === "number" ? value : fallback;
}

function windowOf(value: unknown): SendWindow | null {
  if (typeof value !== "object" || value === null) return null;
  const { frames, bytes } = value as { frames?: unknown; bytes?: unknown };
  return typeof frames === "number" && typeof bytes === "number" ? { frames, bytes } : null;
}

function listroomFrame(text: string): FrameOutcome {
  const frame = JSON.parse(text) as {
    type?: unknown;
    seq?: unknown;
    messageId?: unknown;
    item?: unknown;
    resendIntervalMs?: unknown;
    window?: unknown;
  };
  switch (frame.type) {
    case "welcome": {
      const resendIntervalMs = numberOr(frame.resendIntervalMs, null);
      return {
        ...NOTHING,
        // The page pings right after a welcome; the pong marks the end of its catch-up.
        replies: [PING_TEXT],
        ackDelayMs: resendIntervalMs === null ? null : ackDelayFor(resendIntervalMs, PAGE_ACK_DELAY_CAP_MS),
        window: windowOf(frame.window),
      };
    }
    case "snapshot":
      return { ...NOTHING, ready: true, sequenced: numberOr(frame.seq, null) };
    case "item": {
      const title = titleOf(frame.item);
      const seq = numberOr(frame.seq, null);
      return { ...NOTHING, receipt: title === null ? null : { title, order: seq }, sequenced: seq };
    }
    default:
      // Any other sequenced frame (a seq and a messageId: protocol 3's `edited` and `removed`, and
      // whatever comes later) is still part of the connection's sequence: counted for order and acked.
      return typeof frame.messageId === "string" ? { ...NOTHING, sequenced: numberOr(frame.seq, null) } : NOTHING;
  }
}

function broadcastFrame(text: string): FrameOutcome {
  const frame = JSON.parse(text) as { pos?: unknown; item?: unknown };
  const title = titleOf(frame.item);
  return { ...NOTHING, receipt: title === null ? null : { title, order: numberOr(frame.pos, null) } };
}

/** Engine.IO packet types (first character) and Socket.IO packet types (second, inside a message). */
const ENGINE_OPEN = "0";
const ENGINE_PING = "2";
const ENGINE_PONG = "3";
const ENGINE_MESSAGE = "4";
const SOCKET_CONNECT = "0";
const SOCKET_EVENT = "2";
const SOCKET_ACK = "3";

function socketIoFrame(text: string): FrameOutcome {
  const engineType = text[0];
  if (engineType === ENGINE_OPEN) return { ...NOTHING, replies: [`${ENGINE_MESSAGE}${SOCKET_CONNECT}`] };
  if (engineType === ENGINE_PING) return { ...NOTHING, replies: [ENGINE_PONG] };
  if (engineType !== ENGINE_MESSAGE) return NOTHING;
  const socketType = text[1];
  if (socketType === SOCKET_CONNECT) return { ...NOTHING, ready: true };
  if (socketType !== SOCKET_EVENT) return NOTHING;
  // 42[<ack id>]["event", …args]; the default namespace has no "/nsp," part.
  let cursor = 2;
  while (cursor < text.length && text.charCodeAt(cursor) >= 48 && text.charCodeAt(cursor) <= 57) cursor++;
  const ackId = text.slice(2, cursor);
  const replies = ackId === "" ? [] : [`${ENGINE_MESSAGE}${SOCKET_ACK}${ackId}[]`];
  const [event, payload] = JSON.parse(text.slice(cursor)) as [unknown, { pos?: unknown; item?: unknown } | undefined];
  if (event !== "item" || payload === undefined) return { ...NOTHING, replies };
  const title = titleOf(payload.item);
  return { ...NOTHING, replies, receipt: title === null ? null : { title, order: numberOr(payload.pos, null) } };
}

export function readFrame(protocol: ProtocolName, text: string): FrameOutcome {
  switch (protocol) {
    case "listroom":
      return listroomFrame(text);
    case "socketio":
      return socketIoFrame(text);
    case "bare-acking": {
      // Every broadcast is owed an ack, as every sequenced frame is on Listroom.
      const outcome = broadcastFrame(text);
      return { ...outcome, sequenced: outcome.receipt?.order ?? null };
    }
    case "bare":
    case "ws":
      return broadcastFrame(text);
  }
}
