/**
 * What a sequenced frame carried, as far as the checks need it, and which
 * later copies of a seq are the same frame sent again.
 */
import type { SequencedFrame } from "../../src/protocol/frames";
import type { FrameContent } from "./history";

export function contentOf(frame: SequencedFrame): FrameContent {
  switch (frame.type) {
    case "snapshot":
      return { kind: "snapshot", ids: frame.items.map((item) => item.id), hasOlder: frame.hasOlder };
    case "removed":
      return { kind: "removed", id: frame.itemId };
    default:
      return { kind: frame.type, id: frame.item.id, version: frame.item.version };
  }
}

/**
 * Whether a later copy of a seq may carry `later` after `earlier`: frames
 * carry each item as it is when sent (PROTOCOL.md), so a resend may carry a
 * later version, or `removed` in place of an item or edit, but always the same
 * item. A snapshot's resend may leave out items removed since (checked later,
 * against the removals).
 */
export function mayFollow(earlier: FrameContent, later: FrameContent): boolean {
  if (earlier.kind === "snapshot" || later.kind === "snapshot") return earlier.kind === later.kind;
  if (earlier.id !== later.id) return false;
  if (later.kind === "removed") return true;
  return earlier.kind === later.kind && later.version >= earlier.version;
}
