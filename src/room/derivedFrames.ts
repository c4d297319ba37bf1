/**
 * A connection's sequenced frames, derived from the item log rather than
 * stored: its snapshot is seq FIRST_SEQ and covers the log up to `basePos`,
 * and item pos p is seq FIRST_SEQ + (p − basePos). Sending, resending and
 * replaying all read the same log, so a resend is the original frame again.
 */
import { encodeItemFrame, type ItemFrame, type SnapshotFrame } from "../protocol/frames";
import { FIRST_SEQ, PAGE_DEFAULT_LIMIT } from "../protocol/limits";
import { messageIdOf, posOfSeq, seqOfPos, type ConnectionState } from "./connection";
import type { ItemStore, LoggedItem } from "./itemStore";
import type { Outbound } from "./outbound";
import type { OldestPending } from "./resendSchedule";

export class DerivedFrames {
  constructor(
    private readonly items: ItemStore,
    private readonly out: Outbound,
  ) {}

  /** Sends frames `fromSeq..toSeq` (inclusive) to one socket. */
  sendRange(ws: WebSocket, state: ConnectionState, fromSeq: number, toSeq: number): void {
    if (fromSeq > toSeq) return;
    if (fromSeq <= FIRST_SEQ) this.out.frame(ws, this.snapshot(state));
    const firstItemSeq = Math.max(fromSeq, FIRST_SEQ + 1);
    for (const { pos, item } of this.items.range(posOfSeq(state, firstItemSeq), posOfSeq(state, toSeq))) {
      const seq = seqOfPos(state, pos);
      this.out.frame(ws, { type: "item", seq, messageId: messageIdOf(state.clientId, seq), item } satisfies ItemFrame);
    }
  }

  /** Sends a new item to every socket given, each with its own seq; returns how many got it. */
  broadcast(sockets: Iterable<[WebSocket, ConnectionState]>, added: LoggedItem): number {
    // The item is the bulk of every frame; encode it once, not once per socket.
    const itemJson = JSON.stringify(added.item);
    let sent = 0;
    for (const [ws, state] of sockets) {
      const seq = seqOfPos(state, added.pos);
      this.out.text(ws, encodeItemFrame(seq, messageIdOf(state.clientId, seq), itemJson));
      sent++;
    }
    return sent;
  }

  /** The oldest frame the connection has not acknowledged, or null when it is up to date. */
  oldestPending(state: ConnectionState, lastPos: number): OldestPending | null {
    const seq = state.acked + 1;
    if (seq > seqOfPos(state, lastPos)) return null;
    if (seq <= FIRST_SEQ) return { seq: FIRST_SEQ, firstSentAt: state.connectedAt };
    const savedAt = this.items.savedAt(posOfSeq(state, seq));
    return { seq, firstSentAt: Math.max(state.connectedAt, savedAt ?? state.connectedAt) };
  }

  private snapshot(state: ConnectionState): SnapshotFrame {
    const page = this.items.pageBelow(state.basePos + 1, PAGE_DEFAULT_LIMIT);
    return {
      type: "snapshot",
      seq: FIRST_SEQ,
      messageId: messageIdOf(state.clientId, FIRST_SEQ),
      items: page.items,
      hasOlder: page.hasOlder,
    };
  }
}
