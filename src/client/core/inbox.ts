/**
 * Applies sequenced frames strictly in seq order, exactly once: the expected
 * frame is applied, later ones wait until the gap fills, earlier ones and
 * duplicates are dropped — by seq, and by item id and version, so that
 * neither a resend nor a fresh snapshot after a lost session can show an item
 * twice, an older version over a newer one, or a removed item again.
 */
import type { SequencedFrame, WelcomeFrame } from "../../protocol/frames";
import type { Item } from "../../protocol/item";
import { FIRST_SEQ } from "../../protocol/limits";
import { KnownItems } from "./knownItems";

export type Applied =
  | { kind: "snapshot"; items: Item[]; hasOlder: boolean }
  /** An item never seen before, saved since the page opened: it goes on top. */
  | { kind: "item"; item: Item }
  /** A newer version of an item (which may not be shown: it keeps its place in the list). */
  | { kind: "edited"; item: Item }
  | { kind: "removed"; itemId: string };

export class Inbox {
  #expected = FIRST_SEQ;
  readonly #held = new Map<number, SequencedFrame>();
  readonly #known = new KnownItems();

  /** A welcome starts a session, or resumes one at the seq it names. */
  begin(welcome: Pick<WelcomeFrame, "resumed" | "seq">): void {
    if (!welcome.resumed) this.#held.clear();
    for (const seq of this.#held.keys()) if (seq < welcome.seq) this.#held.delete(seq);
    this.#expected = welcome.seq;
  }

  /** Takes one frame; returns what became applicable, in order (often nothing). */
  receive(frame: SequencedFrame): Applied[] {
    if (frame.seq < this.#expected || this.#held.has(frame.seq)) return [];
    if (frame.seq > this.#expected) {
      this.#held.set(frame.seq, frame);
      return [];
    }
    const applied: Applied[] = [];
    for (let next: SequencedFrame | undefined = frame; next; next = this.#takeHeld(this.#expected)) {
      const result = this.#apply(next);
      if (result) applied.push(result);
      this.#expected = next.seq + 1;
    }
    return applied;
  }

  /** The highest seq applied without a gap: what to acknowledge. */
  get lastApplied(): number {
    return this.#expected - 1;
  }

  /** Frames waiting for a gap to fill. */
  get heldCount(): number {
    return this.#held.size;
  }

  /** Records items shown by other means (an older page, say), so frames never repeat them or their versions. */
  markShown(items: readonly Item[]): void {
    for (const item of items) this.#known.take(item);
  }

  #takeHeld(seq: number): SequencedFrame | undefined {
    const frame = this.#held.get(seq);
    this.#held.delete(seq);
    return frame;
  }

  #apply(frame: SequencedFrame): Applied | null {
    switch (frame.type) {
      case "snapshot": {
        const items = frame.items.filter((item) => !this.#known.isRemoved(item.id));
        this.markShown(items);
        return { kind: "snapshot", items, hasOlder: frame.hasOlder };
      }
      case "removed":
        return this.#known.remove(frame.itemId) ? { kind: "removed", itemId: frame.itemId } : null;
      default: {
        const seen = this.#known.has(frame.item.id);
        if (!this.#known.take(frame.item)) return null;
        return { kind: seen ? "edited" : frame.type, item: frame.item };
      }
    }
  }
}
