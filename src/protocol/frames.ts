/**
 * The WebSocket frames, as discriminated unions on `type`, and the two parse
 * functions at the boundary: everything that arrives is `unknown` until
 * {@link parseClientFrame} (server side) or {@link parseServerFrame} (client
 * side) turns it into a typed frame or a reason it is not one.
 */
import type { ErrorCode } from "./errors";
import { isRecord, isSeq } from "./guards";
import { isItem, type Item } from "./item";

/**
 * Bumped when the protocol changes (docs/PROTOCOL.md, "Versions"). Version 3
 * added edits and removals: items carry `version`, and the sequence carries
 * `edited` and `removed` frames, which a version 2 client would misread, so a
 * page that hears a newer version than its own reloads instead. Version 4
 * added `done` to items (a tick is an `edited` frame), the `renamed` frame
 * and the welcome's `title`, and presence counted by browser. Version 5 reads
 * `If-Match` by field (fieldMerge.ts), with the writer named in
 * `Listroom-Writer`: a page of version 4 would misread its own refusals.
 */
export const PROTOCOL_VERSION = 5;

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
  /** At most this much is sent but unacknowledged; acking when half is outstanding keeps frames flowing. */
  window: SendWindow;
  /** The list's title now: a client that was away when it was renamed learns it here. */
  title: string;
}

export interface SendWindow {
  frames: number;
  /** UTF-8 bytes of frame text. */
  bytes: number;
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

/** Sent just before the server closes the connection, so the client need not wait for the close itself. */
export interface ByeFrame {
  type: "bye";
  /** The close code that follows (docs/PROTOCOL.md, "Close codes"). */
  code: number;
  reason: string;
}

/** How many connections the list has open; sent when it changes, at most once per `PRESENCE_INTERVAL_MS`. */
export interface PresenceFrame {
  type: "presence";
  count: number;
}

/** The list was renamed; sent to every open socket at once, not sequenced, never resent. */
export interface RenamedFrame {
  type: "renamed";
  title: string;
}

/** An item changed (an edit, or a tick): `item` is the item as it is now, at `item.version` or later. */
export interface EditedFrame {
  type: "edited";
  seq: number;
  messageId: string;
  item: Item;
}

/** An item was removed: drop it and never show it again. */
export interface RemovedFrame {
  type: "removed";
  seq: number;
  messageId: string;
  itemId: string;
}

export type SequencedFrame = SnapshotFrame | ItemFrame | EditedFrame | RemovedFrame;
export type ServerFrame = WelcomeFrame | SequencedFrame | ErrorFrame | PongFrame | ByeFrame | PresenceFrame | RenamedFrame;

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
 * The text of an item or edited frame, from an item already encoded as JSON:
 * a change is sent to every socket with a different seq but the same item, so
 * the item is encoded once. Equal to `JSON.stringify` of the {@link ItemFrame}
 * or {@link EditedFrame}.
 */
export function encodeItemFrame(type: "item" | "edited", seq: number, messageId: string, itemJson: string): string {
  return `{"type":"${type}","seq":${seq},"messageId":${JSON.stringify(messageId)},"item":${itemJson}}`;
}

/** The text of a removed frame; equal to `JSON.stringify` of the {@link RemovedFrame}. */
export function encodeRemovedFrame(seq: number, messageId: string, itemId: string): string {
  return JSON.stringify({ type: "removed", seq, messageId, itemId } satisfies RemovedFrame);
}

/**
 * The text of a snapshot frame from its items already encoded as a JSON
 * array: fresh clients arriving together share one encoding. Equal to
 * `JSON.stringify` of the {@link SnapshotFrame}.
 */
export function encodeSnapshotFrame(seq: number, messageId: string, itemsJson: string, hasOlder: boolean): string {
  return `{"type":"snapshot","seq":${seq},"messageId":${JSON.stringify(messageId)},"items":${itemsJson},"hasOlder":${hasOlder}}`;
}

/** How many bytes `text` takes in UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    // A surrogate pair is one 4-byte code point; a lone surrogate becomes U+FFFD (3 bytes).
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export type Parsed<T> =
  | { ok: true; frame: T }
  | { ok: false; code: "invalid_frame" | "unknown_frame_type"; message: string };

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

function isWindow(value: unknown): value is SendWindow {
  return isRecord(value) && isSeq(value.frames) && value.frames >= 1 && isSeq(value.bytes) && value.bytes >= 1;
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
        !isSeq(value.resendIntervalMs) ||
        !isWindow(value.window) ||
        typeof value.title !== "string"
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
    case "edited":
      if (!isSequenced(value) || !isItem(value.item)) return invalid(`malformed ${value.type} frame`);
      return { ok: true, frame: value as unknown as ItemFrame | EditedFrame };
    case "removed":
      if (!isSequenced(value) || typeof value.itemId !== "string") return invalid("malformed removed frame");
      return { ok: true, frame: value as unknown as RemovedFrame };
    case "error":
      if (typeof value.code !== "string" || typeof value.message !== "string") {
        return invalid("malformed error frame");
      }
      return { ok: true, frame: value as unknown as ErrorFrame };
    case "pong":
      return { ok: true, frame: { type: "pong" } };
    case "presence":
      if (!isSeq(value.count)) return invalid("malformed presence");
      return { ok: true, frame: { type: "presence", count: value.count } };
    case "renamed":
      if (typeof value.title !== "string") return invalid("malformed renamed frame");
      return { ok: true, frame: { type: "renamed", title: value.title } };
    case "bye":
      if (!isSeq(value.code) || typeof value.reason !== "string") return invalid("malformed bye");
      return { ok: true, frame: { type: "bye", code: value.code, reason: value.reason } };
    default:
      return { ok: false, code: "unknown_frame_type", message: `unknown frame type ${String(value.type)}` };
  }
}
