/**
 * The WebSocket frames, as discriminated unions on `type`, and the two parse
 * functions at the boundary: everything that arrives is `unknown` until
 * {@link parseClientFrame} (server side) or {@link parseServerFrame} (client
 * side) turns it into a typed frame or a reason it is not one.
 */
import type { ErrorCode } from "./errors";
import type { Item } from "./item";

export interface WelcomeFrame {
  type: "welcome";
  protocol: number;
  clientId: string;
  resumeToken: string;
  resumed: boolean;
  /** The seq of the next sequenced frame on this connection. */
  seq: number;
  /** How long the server waits for an ack before resending; acks well within it avoid resends. */
  resendIntervalMs: number;
}

export interface SnapshotFrame {
  type: "snapshot";
  seq: number;
  messageId: string;
  /** Newest first, at most PAGE_DEFAULT_LIMIT of them. */
  items: Item[];
  /** Whether older items exist than the last one here (fetch them with `GET /api/items?before=`). */
  hasOlder: boolean;
}

export interface ItemFrame {
  type: "item";
  seq: number;
  messageId: string;
  item: Item;
}

export interface ErrorFrame {
  type: "error";
  code: ErrorCode;
  message: string;
}

export interface PongFrame {
  type: "pong";
}

export type SequencedFrame = SnapshotFrame | ItemFrame;
export type ServerFrame = WelcomeFrame | SequencedFrame | ErrorFrame | PongFrame;

export interface AckFrame {
  type: "ack";
  seq: number;
}

export interface PingFrame {
  type: "ping";
}

export type ClientFrame = AckFrame | PingFrame;

/** The exact text the server answers without waking (hibernation auto-response). */
export const PING_TEXT = JSON.stringify({ type: "ping" } satisfies PingFrame);
export const PONG_TEXT = JSON.stringify({ type: "pong" } satisfies PongFrame);

/**
 * The text of an item frame, from an item already encoded as JSON: a save is
 * sent to every socket with a different seq but the same item, so the item is
 * encoded once. Equal to `JSON.stringify` of the {@link ItemFrame}.
 */
export function encodeItemFrame(seq: number, messageId: string, itemJson: string): string {
  return `{"type":"item","seq":${seq},"messageId":${JSON.stringify(messageId)},"item":${itemJson}}`;
}

export type Parsed<T> =
  | { ok: true; frame: T }
  | { ok: false; code: "invalid_frame" | "unknown_frame_type"; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isSeq(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function parseJsonObject(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "frame is not valid JSON";
  }
  if (!isRecord(value)) return "frame must be a JSON object";
  if (typeof value.type !== "string") return 'frame must have a string "type"';
  return value;
}

function invalid(message: string): Parsed<never> {
  return { ok: false, code: "invalid_frame", message };
}

export function parseClientFrame(text: string): Parsed<ClientFrame> {
  const value = parseJsonObject(text);
  if (typeof value === "string") return invalid(value);
  switch (value.type) {
    case "ping":
      return { ok: true, frame: { type: "ping" } };
    case "ack":
      if (!isSeq(value.seq)) return invalid('"ack" needs "seq", a non-negative integer');
      return { ok: true, frame: { type: "ack", seq: value.seq } };
    default:
      return {
        ok: false,
        code: "unknown_frame_type",
        message: `unknown frame type ${JSON.stringify(value.type).slice(0, 64)}`,
      };
  }
}

export function isItem(value: unknown): value is Item {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    typeof value.title === "string" &&
    typeof value.body === "string" &&
    typeof value.createdAt === "string"
  );
}

function isSequenced(value: Record<string, unknown>): boolean {
  return isSeq(value.seq) && typeof value.messageId === "string";
}

export function parseServerFrame(text: string): Parsed<ServerFrame> {
  const value = parseJsonObject(text);
  if (typeof value === "string") return invalid(value);
  switch (value.type) {
    case "welcome":
      if (
        typeof value.clientId !== "string" ||
        typeof value.resumeToken !== "string" ||
        typeof value.resumed !== "boolean" ||
        !isSeq(value.seq) ||
        !isSeq(value.resendIntervalMs)
      ) {
        return invalid("malformed welcome");
      }
      return { ok: true, frame: value as unknown as WelcomeFrame };
    case "snapshot":
      if (!isSequenced(value) || !Array.isArray(value.items) || !value.items.every(isItem)) {
        return invalid("malformed snapshot");
      }
      return { ok: true, frame: { ...(value as unknown as SnapshotFrame), hasOlder: value.hasOlder === true } };
    case "item":
      if (!isSequenced(value) || !isItem(value.item)) return invalid("malformed item frame");
      return { ok: true, frame: value as unknown as ItemFrame };
    case "error":
      if (typeof value.code !== "string" || typeof value.message !== "string") {
        return invalid("malformed error frame");
      }
      return { ok: true, frame: value as unknown as ErrorFrame };
    case "pong":
      return { ok: true, frame: { type: "pong" } };
    default:
      return { ok: false, code: "unknown_frame_type", message: `unknown frame type ${String(value.type)}` };
  }
}
