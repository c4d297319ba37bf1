/**
 * A connection's sequenced frames, derived from the item log rather than
 * stored: its snapshot is seq FIRST_SEQ and covers the log up to `basePos`,
 * and item pos p is seq FIRST_SEQ + (p − basePos). Sending, resending and
 * replaying all read the same log, so a resend is the original frame again.
 *
 * Frames go out through each connection's send window (flowControl.ts): what
 * does not fit waits in the log until an ack opens the window.
 *
 * A frame carries its item as the log reads it now, so a resend may carry a
 * later version than the first send, or `removed` in place of an item since
 * removed: a client never sees text that was taken back.
 */
import { encodeItemFrame, encodeRemovedFrame, encodeSnapshotFrame, utf8Length } from "../../protocol/frames";
import { FIRST_SEQ, PAGE_DEFAULT_LIMIT } from "../../protocol/limits";
import type { SendWindow } from "../../protocol/frames";
import type { LogEntry } from "../../shared/logEntry";
import type { DeliveryLog } from "../log/deliveryLog";
import { messageIdOf, posOfSeq, seqOfPos, type ConnectionState } from "../sockets/connection";
import type { Outbound } from "../sockets/outbound";
import { fitsWindow, InFlight, inFlightFrom } from "./flowControl";
import type { OldestPending } from "./resendSchedule";

interface FrameText {
  seq: number;
  text: string;
  bytes: number;
}

/** A log entry's frame for any connection: the item encoded once, the seq and messageId filled in per socket. */
class EntryFrame {
  private readonly itemJson: string | null;
  private readonly itemBytes: number;

  constructor(private readonly entry: LogEntry) {
    this.itemJson = entry.item === null ? null : JSON.stringify(entry.item);
    this.itemBytes = this.itemJson === null ? 0 : utf8Length(this.itemJson);
  }

  forSeq(seq: number, messageId: string): FrameText {
    if (this.itemJson === null) {
      const text = encodeRemovedFrame(seq, messageId, this.entry.itemId);
      return { seq, text, bytes: utf8Length(text) };
    }
    const text = encodeItemFrame(this.entry.kind === "item" ? "item" : "edited", seq, messageId, this.itemJson);
    return { seq, text, bytes: text.length - this.itemJson.length + this.itemBytes };
  }
}

/** A snapshot's items, encoded once for every fresh client whose snapshot covers the same log. */
interface EncodedSnapshot {
  basePos: number;
  itemsJson: string;
  itemsBytes: number;
  hasOlder: boolean;
}

export class DerivedFrames {
  /** In-flight frames per socket: a cache of what {@link inFlightFrom} derives, rebuilt after a wake. */
  private readonly inFlight = new WeakMap<WebSocket, InFlight>();
  private snapshotCache: EncodedSnapshot | null = null;

  constructor(
    private readonly log: DeliveryLog,
    private readonly outbound: Outbound,
    private readonly window: SendWindow,
  ) {}

  /** A connection starts with nothing in flight: sends what fits of what it is owed after `state.acked`. */
  open(ws: WebSocket, state: ConnectionState, lastPos: number): number {
    this.inFlight.set(ws, new InFlight(state.acked));
    return this.fill(ws, state, lastPos);
  }

  /** Sends what fits the window after what is already in flight; returns how many frames went out. */
  fill(ws: WebSocket, state: ConnectionState, lastPos: number): number {
    const inFlight = this.inFlightOf(ws, state, lastPos);
    let sent = 0;
    for (const frame of this.framesFrom(state, inFlight.sentThrough + 1, seqOfPos(state, lastPos))) {
      if (!fitsWindow(this.window, inFlight, frame.bytes)) break;
      this.outbound.text(ws, frame.text);
      inFlight.add(frame.bytes);
      sent++;
    }
    return sent;
  }

  /** The client acknowledged up to `seq`: the window opens and what now fits goes out. */
  acknowledge(ws: WebSocket, state: ConnectionState, seq: number, lastPos: number): number {
    this.inFlightOf(ws, state, lastPos).acknowledge(seq);
    return this.fill(ws, state, lastPos);
  }

  /**
   * Sends a new log entry to every socket whose window has room for it, each
   * with its own seq; the others get it when their acks open the window.
   * Returns how many got it.
   */
  broadcast(sockets: Iterable<[WebSocket, ConnectionState]>, entry: LogEntry): number {
    // A snapshot resent after a change must show the change too.
    if (entry.kind !== "item") this.snapshotCache = null;
    // The item is the bulk of every frame; encode and measure it once, not once per socket.
    const frames = new EntryFrame(entry);
    let sent = 0;
    for (const [ws, state] of sockets) {
      const inFlight = this.inFlightOf(ws, state, entry.pos - 1);
      const seq = seqOfPos(state, entry.pos);
      if (inFlight.sentThrough !== seq - 1) continue;
      const frame = frames.forSeq(seq, messageIdOf(state.clientId, seq));
      if (!fitsWindow(this.window, inFlight, frame.bytes)) continue;
      this.outbound.text(ws, frame.text);
      inFlight.add(frame.bytes);
      sent++;
    }
    return sent;
  }

  /** The highest seq sent on this connection. */
  sentThrough(ws: WebSocket, state: ConnectionState, lastPos: number): number {
    return this.inFlightOf(ws, state, lastPos).sentThrough;
  }

  /** Sends every frame in flight again (never more than the window); returns the highest seq resent. */
  resendInFlight(ws: WebSocket, state: ConnectionState, lastPos: number): number {
    const inFlight = this.inFlightOf(ws, state, lastPos);
    for (const frame of this.framesFrom(state, inFlight.acked + 1, inFlight.sentThrough)) this.outbound.text(ws, frame.text);
    return inFlight.sentThrough;
  }

  /**
   * The oldest frame the connection has not acknowledged, or null when it is
   * up to date. `madeAt` reads when the entry at a position was written (a
   * resend round passes one that remembers, so thousands of connections
   * waiting on the same few entries cost a few reads, not one each).
   */
  oldestPending(state: ConnectionState, lastPos: number, madeAtOf: (pos: number) => number | null = (pos) => this.log.entryAt(pos)): OldestPending | null {
    const seq = state.acked + 1;
    if (seq > seqOfPos(state, lastPos)) return null;
    // It went out when it was made, when the socket opened, or when an ack
    // made room for it, whichever came last.
    const opened = Math.max(state.connectedAt, state.ackedAt);
    if (seq <= FIRST_SEQ) return { seq: FIRST_SEQ, firstSentAt: opened };
    const madeAt = madeAtOf(posOfSeq(state, seq));
    return { seq, firstSentAt: Math.max(opened, madeAt ?? opened) };
  }

  private inFlightOf(ws: WebSocket, state: ConnectionState, lastPos: number): InFlight {
    let inFlight = this.inFlight.get(ws);
    if (!inFlight) {
      const sizes = (function* (frames: Iterable<FrameText>) {
        for (const frame of frames) yield frame.bytes;
      })(this.framesFrom(state, state.acked + 1, seqOfPos(state, lastPos)));
      inFlight = inFlightFrom(state.acked, sizes, this.window);
      this.inFlight.set(ws, inFlight);
    }
    return inFlight;
  }

  /** Frames `fromSeq..toSeq` (inclusive), oldest first, read from the log as far as the caller goes. */
  private *framesFrom(state: ConnectionState, fromSeq: number, toSeq: number): Generator<FrameText> {
    if (fromSeq > toSeq) return;
    if (fromSeq <= FIRST_SEQ) yield this.snapshot(state);
    const firstItemSeq = Math.max(fromSeq, FIRST_SEQ + 1);
    // A fresh arrival is owed its snapshot only: no query for an empty range of the log.
    if (firstItemSeq > toSeq) return;
    for (const entry of this.log.range(posOfSeq(state, firstItemSeq), posOfSeq(state, toSeq))) {
      const seq = seqOfPos(state, entry.pos);
      yield new EntryFrame(entry).forSeq(seq, messageIdOf(state.clientId, seq));
    }
  }

  private snapshot(state: ConnectionState): FrameText {
    const encoded = this.encodedSnapshot(state.basePos);
    const text = encodeSnapshotFrame(
      FIRST_SEQ,
      messageIdOf(state.clientId, FIRST_SEQ),
      encoded.itemsJson,
      encoded.hasOlder,
    );
    return { seq: FIRST_SEQ, text, bytes: text.length - encoded.itemsJson.length + encoded.itemsBytes };
  }

  private encodedSnapshot(basePos: number): EncodedSnapshot {
    if (this.snapshotCache?.basePos !== basePos) {
      const page = this.log.pageBelow(basePos + 1, PAGE_DEFAULT_LIMIT);
      const itemsJson = JSON.stringify(page.items);
      this.snapshotCache = { basePos, itemsJson, itemsBytes: utf8Length(itemsJson), hasOlder: page.hasOlder };
    }
    return this.snapshotCache;
  }
}
