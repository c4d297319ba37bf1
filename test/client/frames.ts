/** Frame builders for client tests. */
import type { EditedFrame, ItemFrame, RemovedFrame, SendWindow, SnapshotFrame, WelcomeFrame } from "../../src/protocol/frames";
import type { Item } from "../../src/protocol/item";
import { PROTOCOL_VERSION } from "../../src/protocol/frames";

export function item(n: number, version = 1): Item {
  return {
    id: `item-${n}`,
    title: version === 1 ? `title ${n}` : `title ${n} v${version}`,
    body: `body ${n}`,
    createdAt: new Date(1_700_000_000_000 + n).toISOString(),
    version,
    updatedAt: version === 1 ? null : new Date(1_800_000_000_000 + version).toISOString(),
    done: false,
    doneAt: null,
  };
}

export function itemFrame(seq: number, n = seq): ItemFrame {
  return { type: "item", seq, messageId: `c:${seq}`, item: item(n) };
}

export function editedFrame(seq: number, n: number, version: number): EditedFrame {
  return { type: "edited", seq, messageId: `c:${seq}`, item: item(n, version) };
}

export function removedFrame(seq: number, n: number): RemovedFrame {
  return { type: "removed", seq, messageId: `c:${seq}`, itemId: item(n).id };
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
  return { type: "welcome", protocol: PROTOCOL_VERSION, clientId: "c", resumeToken: token, resumed, seq, resendIntervalMs: 500, window, title: "Listroom" };
}
