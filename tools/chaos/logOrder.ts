/**
 * Where each item sits in the list's log. Saves, edits and removals share
 * one numbered log (PROTOCOL.md: a session's frames follow it), and a
 * removed item is in no list the server serves any more, so the order of
 * every save, removed ones included, comes from the position its id claims
 * (src/shared/itemId.ts). That is a server detail the page never relies on; the
 * harness leans on it only to say where a frame belongs. Every id it orders
 * was named by a save's answer, so nothing here trusts an id of unknown
 * origin.
 */
import type { Item } from "../../src/protocol/item";
import { FIRST_SEQ } from "../../src/protocol/limits";
import { claimedPos } from "../../src/shared/itemId";
import type { FrameCopies, History } from "./history";

export interface ItemOrder {
  /** The log position of an item a save made; null for anything else. */
  posOf(id: string): number | null;
  /** Items saves made, oldest first. */
  saved: readonly { id: string; pos: number }[];
  /** Items saves made that the server's final list no longer holds: removed. */
  removed: ReadonlySet<string>;
  /** The item a save put at this position, if one did. */
  savedAt(pos: number): string | null;
}

export function itemOrderOf(history: History, finalList: readonly Item[]): ItemOrder {
  const positions = new Map<string, number>();
  for (const save of history.saves.values()) {
    const ids = [...save.confirmedIds, ...save.attempts.flatMap((attempt) => (attempt.itemId === null ? [] : [attempt.itemId]))];
    for (const id of ids) {
      const pos = claimedPos(id);
      if (pos !== null) positions.set(id, pos);
    }
  }
  const saved = [...positions].map(([id, pos]) => ({ id, pos })).sort((a, b) => a.pos - b.pos);
  const byPos = new Map(saved.map(({ id, pos }) => [pos, id]));
  const listed = new Set(finalList.map((item) => item.id));
  return {
    posOf: (id) => positions.get(id) ?? null,
    saved,
    removed: new Set(saved.filter(({ id }) => !listed.has(id)).map(({ id }) => id)),
    savedAt: (pos) => byPos.get(pos) ?? null,
  };
}

/**
 * The log position a session's snapshot reflects: seq s (after the snapshot
 * at FIRST_SEQ) carries the log entry at base + s − FIRST_SEQ, so any item
 * frame (a save's entry) gives it. Null when the session carried no item
 * frame, or its item frames disagree (checkDelivery reports that).
 */
export function sessionBase(frames: ReadonlyMap<number, FrameCopies>, order: ItemOrder): number | null {
  const bases = new Set<number>();
  for (const [seq, copies] of frames) {
    if (copies.content.kind !== "item") continue;
    const pos = order.posOf(copies.content.id);
    if (pos !== null) bases.add(pos - (seq - FIRST_SEQ));
  }
  return bases.size === 1 ? [...bases][0]! : null;
}
