/** Frame builders for client tests. */
import type { ItemFrame, SendWindow, SnapshotFrame, WelcomeFrame } from "../../src/protocol/frames";
import type { Item } from "../../src/protocol/item";

export function item(n: number): Item {
  return { id: `item-${n}`, title: `title ${n}`, body: `body ${n}`, createdAt: new Date(1_700_000_000_000 + n).toISOString() };
}

export function itemFrame(seq: number, n = seq): ItemFrame {
  return { type: "item", seq, messageId: `c:${seq}`, item: item(n) };
}

export function snapshotFrame(seq: number, items: Item[], hasOlder = false): SnapshotFrame {
  return { type: "snapshot", seq, messageId: `c:${seq}`, items, hasOlder };
}

/** A welcome from a server that resends every 500 ms, so acks are batched for 100 ms. */
export function welcome(
  seq: number,
  resumed: boolean,
  token = "t".repeat(43),
  window: SendWindow = { frames: 32, bytes: 131_072 },
): WelcomeFrame {
  return { type: "welcome", protocol: 2, clientId: "c", resumeToken: token, resumed, seq, resendIntervalMs: 500, window };
}
